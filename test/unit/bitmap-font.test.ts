import { fontMetrics, hasGlyph, textBitmap, textWidth } from '../../shared/reports/bitmap-font';

const printableAscii = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));

/** The ink of a text as rows of '#' and '.', to compare two renderings. */
const picture = (text: string) => {
  const bitmap = textBitmap(text);
  return Array.from({ length: bitmap.rows }, (_, y) => Array.from({ length: bitmap.width }, (_, x) => (bitmap.isInk(x, y) ? '#' : '.')).join(''));
};
const inkRows = (text: string) => picture(text).flatMap((row, y) => (row.includes('#') ? [y] : []));

describe('bitmap font', () => {
  test('has its own glyph for every printable ASCII character and the en dash, em dash and middle dot', () => {
    // Prepare
    const wanted = [...printableAscii, '–', '—', '·'];

    // Act
    const missing = wanted.filter((ch) => !hasGlyph(ch));

    // Assess
    expect(missing).toEqual([]);
  });

  test.each(['é', '€', '😀', 'ñ', '\u0000'])('draws %j as a question mark', (ch) => {
    // Prepare
    const expected = picture('a?b');

    // Act
    const drawn = picture(`a${ch}b`);

    // Assess
    expect(hasGlyph(ch)).toBe(false);
    expect(drawn).toEqual(expected);
  });

  test('every glyph but the space has ink, and none is drawn as the question mark', () => {
    // Prepare
    const question = picture('?');

    // Act
    const blank = printableAscii.filter((ch) => ch !== ' ' && !picture(ch).join('').includes('#'));
    const lookLikeQuestion = printableAscii.filter((ch) => ch !== '?' && picture(ch).join() === question.join());

    // Assess
    expect(blank).toEqual([]);
    expect(lookLikeQuestion).toEqual([]);
  });

  test('capitals and digits stand on the baseline; g, j, p, q and y reach below it', () => {
    // Prepare
    const baselineRow = fontMetrics.capHeight - 1;

    // Act
    const capitalsAndDigits = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'].map((ch) => [ch, Math.max(...inkRows(ch))]);
    const descenders = [...'gjpqy'].map((ch) => [ch, Math.max(...inkRows(ch))]);

    // Assess
    expect(capitalsAndDigits.filter(([, bottom]) => bottom !== baselineRow)).toEqual([]);
    expect(descenders.filter(([, bottom]) => (bottom as number) <= baselineRow)).toEqual([]);
  });

  test('is proportional, except that digits share one width so that axis labels line up', () => {
    // Prepare
    const digits = [...'0123456789'];

    // Act
    const digitWidths = new Set(digits.map(textWidth));

    // Assess
    expect(digitWidths.size).toBe(1);
    expect(textWidth('iiii')).toBeLessThan(textWidth('mmmm'));
    expect(textWidth('-')).toBeLessThan(textWidth('–'));
    expect(textWidth('–')).toBeLessThan(textWidth('—'));
  });

  test('a text is as wide as its glyphs and the spacing between them, and ink stays inside that width', () => {
    // Prepare
    const text = 'Tepat waktu (%) 2–8 Nov';

    // Act
    const bitmap = textBitmap(text);
    const columnsWithInk = new Set(picture(text).flatMap((row) => [...row].flatMap((c, x) => (c === '#' ? [x] : []))));

    // Assess
    expect(bitmap.width).toBe(textWidth(text));
    expect(textWidth('')).toBe(0);
    expect(textWidth(`${text}x`)).toBe(textWidth(text) + fontMetrics.letterSpacing + textWidth('x'));
    expect(Math.min(...columnsWithInk)).toBe(0);
    expect(Math.max(...columnsWithInk)).toBe(bitmap.width - 1);
    expect(bitmap.isInk(-1, 0) || bitmap.isInk(bitmap.width, 0) || bitmap.isInk(0, bitmap.rows)).toBe(false);
  });
});
