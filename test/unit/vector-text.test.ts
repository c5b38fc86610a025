/**
 * The chart's text from the outlines of Noto Sans: which characters it draws, how wide, and the
 * rasteriser's coverage; then the chart's title read back from the PNG (structural, not pixel hashes).
 */
import { recapChartColours as colours, renderRecapChart } from '../../shared/reports/chart';
import { fillContours, hasGlyph, textContours, textWidth } from '../../shared/reports/vector-text';
import { decodePng, type DecodedPng } from '../support/png';
import { chartLabels, sampleMonth } from '../support/write-chart';

describe('the font', () => {
  test('draws Indonesian text, Latin-1 and the punctuation people type, markup characters included', () => {
    const text = 'Pengaduan diterima — Rekapitulasi “Triwulan IV” ‘Des’ 2026… • −5 € <Dinas> & "kutip" \'x\' ÀÉÑÖÜßàéñöüÿ ×÷ ½ ©';
    expect([...text].filter((ch) => !hasGlyph(ch))).toEqual([]);
  });

  test('has no glyph for what is outside Latin-1 (an emoji, Chinese), which shows as a box rather than as nothing', () => {
    expect(hasGlyph('😠')).toBe(false);
    expect(hasGlyph('中')).toBe(false);
    expect(textWidth('😠')).toBeGreaterThan(0);
    expect(textContours('😠', 0, 0, 3).length).toBeGreaterThan(0);
  });

  test('measures proportionally, and a text as the sum of its parts', () => {
    expect(textWidth('iiii')).toBeLessThan(textWidth('MMMM'));
    expect(textWidth('A & B')).toBeCloseTo(textWidth('A ') + textWidth('&') + textWidth(' B'), 9);
    // Nothing is escaped: "&" is one glyph, not the five of "&amp;".
    expect(textWidth('A & B')).toBeLessThan(textWidth('A &amp; B'));
    expect(textWidth('')).toBe(0);
  });

  test('draws a decomposed accent (e + U+0301) as the composed letter', () => {
    expect(textWidth('Pe\u0301ngaduan')).toBeCloseTo(textWidth('Péngaduan'), 9);
    expect(textContours('e\u0301', 0, 0, 3)).toEqual(textContours('é', 0, 0, 3));
  });

  test('puts the cap height at 7 × scale below the top: an "H" of scale 3 spans 21 px', () => {
    const ys = textContours('H', 10, 40, 3).flat().map(([, y]) => y);
    expect(Math.min(...ys)).toBeCloseTo(40, 5);
    expect(Math.max(...ys)).toBeCloseTo(61, 5);
  });
});

describe('the rasteriser', () => {
  const coverageOf = (contours: [number, number][][], width = 20, height = 20) => {
    const grid = new Float64Array(width * height);
    fillContours(contours, width, height, (x, y, c) => { grid[y * width + x] = c; });
    return { at: (x: number, y: number) => grid[y * width + x]!, total: grid.reduce((a, b) => a + b, 0) };
  };

  test('covers a square exactly by area, its edges half-covered when they cut pixels in half', () => {
    const square: [number, number][] = [[2.5, 2.5], [12.5, 2.5], [12.5, 12.5], [2.5, 12.5]];
    const { at, total } = coverageOf([square]);
    expect(total).toBeCloseTo(100, 4);
    expect(at(5, 5)).toBeCloseTo(1, 6);
    expect(at(2, 5)).toBeCloseTo(0.5, 6);
    expect(at(2, 2)).toBeCloseTo(0.25, 6);
    expect(at(15, 15)).toBe(0);
  });

  test('fills by the non-zero rule either way round, and a hole cut the other way stays empty', () => {
    const outer: [number, number][] = [[2, 2], [18, 2], [18, 18], [2, 18]];
    const hole: [number, number][] = [[6, 6], [6, 14], [14, 14], [14, 6]];
    expect(coverageOf([outer]).total).toBeCloseTo(256, 4);
    expect(coverageOf([[...outer].reverse()]).total).toBeCloseTo(256, 4);
    const ring = coverageOf([outer, hole]);
    expect(ring.total).toBeCloseTo(256 - 64, 4);
    expect(ring.at(10, 10)).toBe(0);
  });

  test('a slanted edge gives partial coverage between 0 and 1', () => {
    const triangle: [number, number][] = [[0, 0], [20, 0], [0, 20]];
    const { at, total } = coverageOf([triangle]);
    expect(total).toBeCloseTo(200, 3);
    expect(at(9, 10)).toBeGreaterThan(0);
    expect(at(9, 10)).toBeLessThan(1);
  });
});

describe('text on the chart', () => {
  const { width: W } = { width: 1200 };
  const titleInk = (png: DecodedPng) => {
    const xs: number[] = [];
    let partial = 0;
    for (let y = 0; y < 70; y++) {
      for (let x = 0; x < W; x++) {
        const p = png.pixel(x, y);
        if (p === colours.title) xs.push(x);
        else if (p !== colours.background) partial++;
      }
    }
    return { xs, partial };
  };

  test.each([
    ['markup characters and quotes', 'Kategori <jalan> & "jembatan" \'desa\''],
    ['Indonesian with accents and dashes', 'Pengaduan per minggu — Triwulan IV 2026 (é, ü, …)'],
  ])('a title with %s is drawn whole, anti-aliased, as wide as the font says', (_name, title) => {
    const png = decodePng(renderRecapChart({ title, weeks: sampleMonth.weeks, labels: chartLabels }));
    const { xs, partial } = titleInk(png);
    expect(xs.length).toBeGreaterThan(400);
    // Edge pixels blend the text into the background: anti-aliased, not a bitmap font's hard steps.
    expect(partial).toBeGreaterThan(100);
    const outline = textContours(title, 0, 0, 4).flat().map(([x]) => x);
    expect(Math.max(...xs) - Math.min(...xs) + 1).toBeGreaterThanOrEqual(Math.max(...outline) - Math.min(...outline) - 3);
    expect(Math.max(...xs) - Math.min(...xs) + 1).toBeLessThanOrEqual(Math.max(...outline) - Math.min(...outline) + 2);
  });
});
