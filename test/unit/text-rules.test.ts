/**
 * The text rules every free-text field follows: what people write is accepted as written (after
 * NFC, CRLF → LF and trimming), what could disguise or break text is refused with a message that
 * says what to fix, and invisible characters never make up a minimum.
 */
import fc from 'fast-check';
import { checkText, codePointLength, normaliseText, visibleLength, type TextRule } from '../../shared/text/rules';

const single: TextRule = { multiline: false, required: true, min: 5, max: 150 };
const multi: TextRule = { multiline: true, required: true, min: 20, max: 5000 };
const optional: TextRule = { multiline: false, required: false, max: 200 };

const valueOf = (input: unknown, rule: TextRule) => {
  const r = checkText(input, rule);
  if (!r.ok) throw new Error(`refused: ${r.message.en}`);
  return r.value;
};
const refusal = (input: unknown, rule: TextRule) => {
  const r = checkText(input, rule);
  if (r.ok) throw new Error(`accepted: ${JSON.stringify(r.value)}`);
  return r;
};

test.each([
  ['an equals sign', 'Layanan online = tidak bisa diakses'],
  ['angle brackets', 'harga <Rp 50.000> ditagih dua kali'],
  ['a tag, as text', 'Tertulis <script>alert(1)</script> di papan'],
  ['quotes and a backslash', 'Loket "2" \\ ruang \'B\''],
  ['emoji with skin tone and a ZWJ family', 'Antre lama 😡👍🏽 👨‍👩‍👧'],
  ['right-to-left text with its marks', 'شكوى \u200Fرقم 5\u200E ok'],
  ['ampersands and a URL', 'Lihat https://example.com/?a=1&b=2'],
])('accepts %s exactly as written', (_what, text) => {
  expect(valueOf(text, single)).toBe(text);
});

test('a multi-line field keeps line breaks, blank lines and tabs; CRLF becomes LF; the ends are trimmed', () => {
  expect(valueOf('  Baris satu.\r\n\r\n\tBaris dua\tdengan tab.\nBaris tiga.  \r\n', multi)).toBe('Baris satu.\n\n\tBaris dua\tdengan tab.\nBaris tiga.');
});

test('text is stored in NFC: a decomposed é becomes the composed one', () => {
  expect(valueOf('Kafe\u0301 di Sekayu', single)).toBe('Kafé di Sekayu');
});

test.each([
  ['NUL', 'Judul\u0000ok', 'U+0000'],
  ['ESC', 'Judul \u001B[31m merah', 'U+001B'],
  ['DEL', 'Judul\u007F ok', 'U+007F'],
  ['a C1 control', 'Judul\u0085 ok', 'U+0085'],
  ['a lone CR in a multi-line text', 'Baris satu yang cukup panjang\rBaris dua', 'U+000D', [multi]],
])('refuses %s with the character and where it is', (_what, text, code, rules = [single, multi]) => {
  for (const rule of rules) {
    const r = refusal(text, rule);
    expect(r.problem.kind).toBe('control');
    expect(r.message.id).toContain(code);
    expect(r.message.id).toMatch(/karakter ke-\d+/);
    expect(r.message.en).toContain(code);
  }
});

test.each([
  ['U+202E (right-to-left override)', 'Tagihan \u202E000.05 pR'],
  ['U+202A (left-to-right embedding)', 'Tagihan \u202Aabc'],
  ['U+2066 (left-to-right isolate)', 'Tagihan \u2066abc\u2069'],
  ['U+2069 (pop directional isolate)', 'Tagihan abc\u2069'],
])('refuses the bidi control %s', (_what, text) => {
  const r = refusal(text, single);
  expect(r.problem.kind).toBe('bidi_control');
  expect(r.message.id).toContain('pengatur arah teks');
});

test('refuses a lone surrogate and a noncharacter as broken characters', () => {
  expect(refusal('Judul \uD800 rusak', single).problem.kind).toBe('broken');
  expect(refusal('Judul \uDC00 rusak', single).problem.kind).toBe('broken');
  expect(refusal('Judul \uFFFF rusak', single).problem.kind).toBe('broken');
});

test('a single-line field takes no line break and no tab; a multi-line one takes both', () => {
  expect(refusal('Baris satu\nBaris dua', single).message.id).toContain('Harus satu baris: tanpa baris baru');
  expect(refusal('Baris satu\r\nBaris dua', single).problem.kind).toBe('line_break');
  expect(refusal('Nomor\t12', single).message.id).toContain('tanpa tab');
  expect(refusal('Baris satu\u2028Baris dua', single).problem.kind).toBe('line_break');
  expect(valueOf('Baris satu yang panjang\nBaris dua\tdengan tab', multi)).toBe('Baris satu yang panjang\nBaris dua\tdengan tab');
});

test('invisible characters do not make up a minimum, and invisible-only text is not text', () => {
  const zw = '\u200B'.repeat(30);
  expect(refusal(zw, single).problem).toEqual({ kind: 'too_short', min: 5, visible: 0 });
  expect(refusal(zw, single).message.id).toBe('Wajib diisi: minimal 5 karakter yang terlihat.');
  expect(refusal('ab\u200B\u200C\u200D\uFEFF\u00AD\u2060\u180Ecd', single).problem).toEqual({ kind: 'too_short', min: 5, visible: 4 });
  expect(refusal('\u3164\u3164\u3164\u3164\u3164\u2800\u2800', single).problem.kind).toBe('too_short');
  expect(refusal('\u200B\u200B', optional).problem.kind).toBe('invisible_only');
  expect(refusal('   ', single).problem.kind).toBe('required');
  expect(refusal(undefined, single).problem.kind).toBe('required');
  expect(refusal(42, single).problem.kind).toBe('not_text');
  expect(checkText('   ', optional)).toEqual({ ok: true, value: undefined });
  expect(checkText(null, optional)).toEqual({ ok: true, value: undefined });
});

test('lengths are code points of the normalised text: an emoji is one, not two UTF-16 units', () => {
  expect(codePointLength('😡😡😡')).toBe(3);
  expect(valueOf('😡'.repeat(150), single)).toBe('😡'.repeat(150));
  const long = refusal('😡'.repeat(151), single);
  expect(long.problem).toEqual({ kind: 'too_long', max: 150, length: 151 });
  expect(long.message).toEqual({ id: 'Maksimal 150 karakter (sekarang 151).', en: 'At most 150 characters (now 151).' });
  expect(visibleLength('a\u0301')).toBe(1);
});

// ---------------------------------------------------------------- properties

/** Code points a person may write in a single-line field: anything printable. */
const forbiddenInSingle = /[\p{Cc}\u202A-\u202E\u2066-\u2069\u2028\u2029\p{Cs}\p{Noncharacter_Code_Point}]/u;
const printableChar = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...'aZ09 <>"\'\\=&;:/.,!?-_()[]{}#%*+éêñßçÆœ'.split('')) },
  { weight: 2, arbitrary: fc.constantFrom('😡', '👍🏽', '👨‍👩‍👧', '🇮🇩', '\u200B', '\u200D', '\u200E', '\u200F', '\u00AD', 'ش', 'ก', '中', '\u0301') },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
).filter((c) => !forbiddenInSingle.test(c));
const printable = fc.array(printableChar, { minLength: 0, maxLength: 60 }).map((cs) => cs.join(''));

test('any printable text is accepted, stored as its normalised form, and survives a JSON round trip unchanged (property)', () => {
  const rule: TextRule = { multiline: false, required: false, max: 1000 };
  fc.assert(fc.property(printable, (text) => {
    const r = checkText(text, rule);
    const normal = normaliseText(text);
    if (!normal) return expect(r).toEqual({ ok: true, value: undefined });
    if (visibleLength(normal) === 0) return expect(r.ok).toBe(false);
    expect(r).toEqual({ ok: true, value: normal });
    const stored = (r as { value: string }).value;
    expect(JSON.parse(JSON.stringify({ stored })).stored).toBe(stored);
    // Stored text checks again to itself: a second trip changes nothing.
    expect(checkText(stored, rule)).toEqual({ ok: true, value: stored });
  }), { numRuns: 1000 });
});

test('a multi-line text keeps each inner line break and tab (property)', () => {
  const rule: TextRule = { multiline: true, required: true, max: 5000 };
  const line = printable.filter((s) => visibleLength(s) > 0).map((s) => `x${s}x`);
  fc.assert(fc.property(fc.array(line, { minLength: 1, maxLength: 6 }), fc.constantFrom('\n', '\r\n', '\n\n', '\t'), (lines, sep) => {
    const text = lines.join(sep);
    expect(checkText(text, rule)).toEqual({ ok: true, value: normaliseText(text) });
    expect(normaliseText(text).split(sep === '\r\n' ? '\n' : sep).length).toBeGreaterThanOrEqual(lines.length);
  }), { numRuns: 300 });
});

test('any text holding a forbidden character is refused, in either kind of field (property)', () => {
  const forbidden = fc.oneof(
    fc.integer({ min: 0, max: 0x1f }).filter((cp) => cp !== 0x0a && cp !== 0x09 && cp !== 0x0d).map((cp) => String.fromCodePoint(cp)),
    fc.integer({ min: 0x7f, max: 0x9f }).map((cp) => String.fromCodePoint(cp)),
    fc.constantFrom('\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069'),
    fc.integer({ min: 0xd800, max: 0xdfff }).map((u) => String.fromCharCode(u)),
    fc.constantFrom('\uFFFE', '\uFFFF', '\uFDD0', '\uFDEF'),
    fc.constant('\r'), // a CR not followed by LF
  );
  fc.assert(fc.property(printable, forbidden, printable, fc.boolean(), (before, bad, after, multiline) => {
    // Keep a lone surrogate lone, and a lone CR lone.
    const next = bad === '\r' ? `x${after}` : after;
    const text = `Teks ${before}${bad}${/[\uD800-\uDBFF]/.test(bad) ? 'x' : ''}${next} akhir`;
    const r = checkText(text, { multiline, required: true, max: 10_000 });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(['control', 'bidi_control', 'broken', ...(multiline ? [] : ['line_break'])]).toContain(r.problem.kind);
      expect(r.message.id.length).toBeGreaterThan(10);
      expect(r.message.en.length).toBeGreaterThan(10);
    }
  }), { numRuns: 1000 });
});
