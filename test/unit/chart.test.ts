import fc from 'fast-check';
import { textContours, textWidth } from '../../shared/reports/vector-text';

/** The width of a text's outline at a scale: where its ink is (the pixels at the edges are partly covered). */
const outlineWidth = (text: string, scale: number) => {
  const xs = textContours(text, 0, 0, scale).flat().map(([x]) => x);
  return Math.max(...xs) - Math.min(...xs);
};
import { countAxis, formatCount, recapChartColours as colours, recapChartSize, renderRecapChart, type RecapChartInput, type WeekPoint } from '../../shared/reports/chart';
import { decodePng, pngSignature, type DecodedPng } from '../support/png';
import { chartLabels, sampleMonth, sampleQuarter } from '../support/write-chart';

/*
 * The chart is checked on its pixels, decoded by the test's own PNG reader: where the axis line
 * and gridlines are, which colours stand where, where the dots sit. Nothing here reads the
 * renderer's layout constants; positions are found in the image.
 */

const { width: W, height: H } = recapChartSize;

const chart = (weeks: WeekPoint[], title = 'Pengaduan per minggu — November 2026'): RecapChartInput => ({ title, weeks, labels: chartLabels });
const week = (received: number, closed: number, withinSlaShare: number | null = null, label = 'Minggu'): WeekPoint => ({ label, received, closed, withinSlaShare });
const render = (input: RecapChartInput) => decodePng(renderRecapChart(input));

/** Horizontal runs [start, end) of exactly `colour` in row `y`. */
function runs(png: DecodedPng, y: number, colour: number): Array<[number, number]> {
  const found: Array<[number, number]> = [];
  for (let x = 0; x < png.width; x++) {
    if (png.pixel(x, y) !== colour) continue;
    const start = x;
    while (x < png.width && png.pixel(x, y) === colour) x++;
    found.push([start, x]);
  }
  return found;
}

function pixelsOf(png: DecodedPng, colour: number, box = { x0: 0, y0: 0, x1: png.width, y1: png.height }): Array<[number, number]> {
  const found: Array<[number, number]> = [];
  const [x0, x1, y0, y1] = [Math.max(0, box.x0), Math.min(png.width, box.x1), Math.max(0, box.y0), Math.min(png.height, box.y1)];
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) if (png.pixel(x, y) === colour) found.push([x, y]);
  }
  return found;
}

/** How many pixels of each colour the image has. */
function colourCounts(png: DecodedPng, box = { x0: 0, y0: 0, x1: png.width, y1: png.height }): Map<number, number> {
  const counts = new Map<number, number>();
  for (let y = box.y0; y < box.y1; y++) {
    for (let x = box.x0; x < box.x1; x++) {
      const c = png.pixel(x, y);
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
  }
  return counts;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/**
 * The plot as the image shows it: the axis line (the longest run of the axis colour), the
 * gridlines above it (long runs of the grid colour), and the week centres that split the axis
 * line equally. Rows are pixel indices; a 2-row line's centre is between its rows.
 */
function plotFrame(png: DecodedPng, weekCount: number) {
  // A dot at 0 % may interrupt the axis line with its white ring, so count the row's pixels, not one run.
  const total = (found: Array<[number, number]>) => found.reduce((n, [a, b]) => n + b - a, 0);
  const axisRows = Array.from({ length: png.height }, (_, y) => y).filter((y) => total(runs(png, y, colours.axis)) > W / 2);
  expect(axisRows).toHaveLength(2);
  const axisRuns = runs(png, axisRows[0]!, colours.axis);
  const [left, right] = [axisRuns[0]![0], axisRuns[axisRuns.length - 1]![1]];
  const gridRows = Array.from({ length: png.height }, (_, y) => y).filter((y) => total(runs(png, y, colours.grid)) > (right - left) / 3);
  const gridlines: number[] = [];
  for (let i = 0; i < gridRows.length; i += 2) {
    expect(gridRows[i + 1]).toBe(gridRows[i]! + 1); // 2 px thick
    gridlines.push(gridRows[i]! + 0.5);
  }
  const slot = (right - left) / weekCount;
  return {
    left,
    right,
    axisRow: axisRows[0]!,
    /** Centre of the axis line: the bottom of both axes. */
    bottom: axisRows[0]! + 0.5,
    /** Centres of the gridlines, top first. */
    gridlines,
    centre: (i: number) => left + (i + 0.5) * slot,
  };
}

/** Column clusters of `colour` in a band of rows, joining gaps narrower than `join` pixels. */
function clusters(png: DecodedPng, colour: number, y0: number, y1: number, join: number): Array<[number, number]> {
  const columns = [...new Set(pixelsOf(png, colour, { x0: 0, y0, x1: png.width, y1 }).map(([x]) => x))].sort((a, b) => a - b);
  const found: Array<[number, number]> = [];
  for (const x of columns) {
    const last = found[found.length - 1];
    if (last && x - last[1] < join) last[1] = x + 1;
    else found.push([x, x + 1]);
  }
  return found;
}

/** The dot of week `i`: centroid of the share colour around the week's centre, within the plot (not the legend). */
function dotAt(png: DecodedPng, frame: ReturnType<typeof plotFrame>, i: number) {
  const cx = Math.round(frame.centre(i));
  const ink = pixelsOf(png, colours.withinSla, { x0: cx - 16, y0: Math.floor(frame.gridlines[0]!) - 16, x1: cx + 16, y1: Math.ceil(frame.bottom) + 16 });
  return ink.length === 0 ? null : { x: mean(ink.map(([x]) => x)), y: mean(ink.map(([, y]) => y)), pixels: ink.length };
}

describe('recap chart: the PNG', () => {
  test('is a 1200×600 PNG whose every chunk has a valid CRC, from IHDR to IEND', () => {
    // Prepare
    const input = sampleMonth;

    // Act
    const bytes = renderRecapChart(input);
    const png = decodePng(bytes);

    // Assess
    expect(Buffer.from(bytes.subarray(0, 8)).equals(pngSignature)).toBe(true);
    expect([png.width, png.height]).toEqual([1200, 600]);
    expect(png.chunks[0]!.type).toBe('IHDR');
    expect(png.chunks[png.chunks.length - 1]!.type).toBe('IEND');
    expect(png.chunks.some((c) => c.type === 'IDAT')).toBe(true);
    expect(png.chunks.filter((c) => !c.crcMatches).map((c) => c.type)).toEqual([]);
  });

  test('the same input gives the same bytes; a changed count gives other bytes', () => {
    // Prepare
    const changed = { ...sampleMonth, weeks: sampleMonth.weeks.map((w, i) => (i === 2 ? { ...w, received: w.received + 1 } : w)) };

    // Act
    const [first, second, other] = [renderRecapChart(sampleMonth), renderRecapChart(structuredClone(sampleMonth)), renderRecapChart(changed)];

    // Assess
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
    expect(Buffer.from(first).equals(Buffer.from(other))).toBe(false);
  });

  test('stays well under 100 KB for a month and for a quarter', () => {
    // Act
    const sizes = [sampleMonth, sampleQuarter].map((input) => renderRecapChart(input).length);

    // Assess
    for (const size of sizes) expect(size).toBeLessThan(100_000);
  });
});

describe('recap chart: bars', () => {
  // Shares are null here so that no line or dot crosses the bars.
  const weeks = [week(10, 20), week(0, 5), week(30, 0)];

  test('stand on the axis, received (blue) left of closed (orange), and a zero count has no bar', () => {
    // Prepare
    const png = render(chart(weeks));
    const frame = plotFrame(png, weeks.length);

    // Act: the row just above the axis line crosses every bar.
    const row = frame.axisRow - 2;
    const blue = runs(png, row, colours.received);
    const orange = runs(png, row, colours.closed);

    // Assess
    expect(blue).toHaveLength(2); // weeks 0 and 2
    expect(orange).toHaveLength(2); // weeks 0 and 1
    const [blue0, blue2] = blue as [[number, number], [number, number]];
    const [orange0, orange1] = orange as [[number, number], [number, number]];
    expect(blue0[1]).toBeLessThan(orange0[0]);
    expect(orange0[0] - blue0[1]).toBeLessThanOrEqual(6); // a pair, side by side
    expect(blue0[1]).toBeLessThanOrEqual(frame.centre(0) + 1);
    expect(orange0[0]).toBeGreaterThanOrEqual(frame.centre(0) - 1);
    expect(orange1[0]).toBeGreaterThan(frame.centre(0.5));
    expect(orange1[1]).toBeLessThan(frame.centre(1.5));
    expect(blue2[0]).toBeGreaterThan(frame.centre(1.5));
    // No blue beside week 1's orange bar, and nothing orange in week 2's slot.
    expect(pixelsOf(png, colours.received, { x0: Math.round(frame.centre(0.5)), y0: 0, x1: Math.round(frame.centre(1.5)), y1: H })).toEqual([]);
    expect(pixelsOf(png, colours.closed, { x0: Math.round(frame.centre(1.5)), y0: 0, x1: W, y1: H })).toEqual([]);
  });

  test('are as tall as their count on the count axis: a larger count, a taller bar', () => {
    // Prepare
    const axis = countAxis(30);
    const png = render(chart(weeks));
    const frame = plotFrame(png, weeks.length);
    const topLine = frame.gridlines[0]!;
    const barTop = (x: number, colour: number) => Math.min(...pixelsOf(png, colour, { x0: x, y0: 0, x1: x + 1, y1: H }).map(([, y]) => y));
    const expectedTop = (count: number) => frame.bottom - (count / axis.top) * (frame.bottom - topLine);

    // Act
    const row = frame.axisRow - 2;
    const [blue0, blue2] = runs(png, row, colours.received);
    const [orange0, orange1] = runs(png, row, colours.closed);
    const tops = {
      received10: barTop(Math.floor((blue0![0] + blue0![1]) / 2), colours.received),
      received30: barTop(Math.floor((blue2![0] + blue2![1]) / 2), colours.received),
      closed20: barTop(Math.floor((orange0![0] + orange0![1]) / 2), colours.closed),
      closed5: barTop(Math.floor((orange1![0] + orange1![1]) / 2), colours.closed),
    };

    // Assess
    expect(frame.gridlines).toHaveLength(axis.intervals);
    expect(tops.received30).toBeLessThan(tops.closed20);
    expect(tops.closed20).toBeLessThan(tops.received10);
    expect(tops.received10).toBeLessThan(tops.closed5);
    expect(Math.abs(tops.received10 - expectedTop(10))).toBeLessThanOrEqual(1);
    expect(Math.abs(tops.received30 - expectedTop(30))).toBeLessThanOrEqual(1);
    expect(Math.abs(tops.closed20 - expectedTop(20))).toBeLessThanOrEqual(1);
    expect(Math.abs(tops.closed5 - expectedTop(5))).toBeLessThanOrEqual(1);
  });

  test('a count of 1 against an axis of thousands still shows, as a sliver above the axis line', () => {
    // Prepare
    const png = render(chart([week(12_345, 1), week(1, 12_000)]));
    const frame = plotFrame(png, 2);

    // Act
    const sliver = pixelsOf(png, colours.closed, { x0: Math.round(frame.left), y0: Math.round(frame.gridlines[0]!) + 2, x1: Math.round(frame.centre(1)), y1: H });

    // Assess
    expect(sliver.length).toBeGreaterThan(0);
    expect(Math.min(...sliver.map(([, y]) => y))).toBeGreaterThan(frame.bottom - 6);
  });

  test('the gridlines are evenly spaced, from the axis line to the top', () => {
    // Prepare
    const png = render(sampleMonth);
    const frame = plotFrame(png, sampleMonth.weeks.length);

    // Act
    const lines = [...frame.gridlines, frame.bottom];
    const gaps = lines.slice(1).map((y, i) => y - lines[i]!);

    // Assess
    expect(gaps.length).toBeGreaterThanOrEqual(4);
    expect(Math.max(...gaps) - Math.min(...gaps)).toBeLessThanOrEqual(1);
  });
});

describe('recap chart: the share line', () => {
  test('a share of 100 % puts the dot on the top gridline, 0 % on the axis line, 50 % halfway; null, no dot', () => {
    // Prepare: every other week without verdicts, so that each dot stands alone.
    const shares = [1, null, 0, null, 0.5];
    const png = render(chart(shares.map((s) => week(8, 6, s))));
    const frame = plotFrame(png, shares.length);
    const top = frame.gridlines[0]!;

    // Act
    const dots = shares.map((_, i) => dotAt(png, frame, i));

    // Assess
    expect(dots[1]).toBeNull();
    expect(dots[3]).toBeNull();
    expect(Math.abs(dots[0]!.y - top)).toBeLessThanOrEqual(1);
    expect(Math.abs(dots[2]!.y - frame.bottom)).toBeLessThanOrEqual(1);
    expect(Math.abs(dots[4]!.y - (top + frame.bottom) / 2)).toBeLessThanOrEqual(1);
    for (const i of [0, 2, 4]) expect(Math.abs(dots[i]!.x - (frame.centre(i) - 0.5))).toBeLessThanOrEqual(1);
    // A dot, not a point: visible at 600 px wide.
    expect(dots[0]!.pixels).toBeGreaterThan(150);
  });

  test('joins consecutive weeks with a line and breaks it at a week without verdicts', () => {
    // Prepare
    const shares = [0.2, 0.8, null, 0.6];
    const png = render(chart(shares.map((s) => week(3, 3, s))));
    const frame = plotFrame(png, shares.length);
    const shareAt = (share: number) => frame.bottom - share * (frame.bottom - frame.gridlines[0]!);
    const greenIn = (x: number) => pixelsOf(png, colours.withinSla, { x0: Math.round(x) - 1, y0: 0, x1: Math.round(x) + 2, y1: H }).map(([, y]) => y);

    // Act
    const between01 = greenIn(frame.centre(0.5));
    const between12 = greenIn(frame.centre(1.5));
    const between23 = greenIn(frame.centre(2.5));

    // Assess: halfway from 20 % to 80 % the line is at 50 %.
    expect(between01.length).toBeGreaterThan(0);
    expect(Math.abs(mean(between01) - shareAt(0.5))).toBeLessThanOrEqual(2);
    expect(between12).toEqual([]);
    expect(between23).toEqual([]);
    expect(dotAt(png, frame, 3)).not.toBeNull();
  });
});

describe('recap chart: text', () => {
  test('the title and the legend are drawn above the plot, the legend in the order received, closed, share', () => {
    // Prepare
    const png = render(sampleMonth);
    const frame = plotFrame(png, sampleMonth.weeks.length);
    const aboveThePlot = { x0: 0, y0: 0, x1: W, y1: Math.floor(frame.gridlines[0]!) - 14 };

    // Act
    const title = pixelsOf(png, colours.title, aboveThePlot);
    const swatch = (colour: number) => pixelsOf(png, colour, aboveThePlot);
    const [blue, orange, green] = [colours.received, colours.closed, colours.withinSla].map(swatch);
    const legendRows = { y0: Math.min(...blue!.map(([, y]) => y)), y1: Math.max(...blue!.map(([, y]) => y)) + 1 };
    const legendText = pixelsOf(png, colours.text, { x0: 0, x1: W, ...legendRows }).map(([x]) => x);
    const right = (points: Array<[number, number]>) => Math.max(...points.map(([x]) => x));
    const leftOf = (points: Array<[number, number]>) => Math.min(...points.map(([x]) => x));

    // Assess
    expect(title.length).toBeGreaterThan(500);
    expect(Math.max(...title.map(([, y]) => y))).toBeLessThan(legendRows.y0);
    expect([blue, orange, green].every((points) => points!.length > 100)).toBe(true);
    expect(right(blue!)).toBeLessThan(leftOf(orange!));
    expect(right(orange!)).toBeLessThan(leftOf(green!));
    // Each swatch is followed by its name.
    expect(legendText.some((x) => x > right(blue!) && x < leftOf(orange!))).toBe(true);
    expect(legendText.some((x) => x > right(orange!) && x < leftOf(green!))).toBe(true);
    expect(legendText.some((x) => x > right(green!))).toBe(true);
  });

  test('a longer title is drawn wider, from the same left edge', () => {
    // Prepare
    const short = render(chart(sampleMonth.weeks, 'Nov'));
    const long = render(chart(sampleMonth.weeks, 'Pengaduan per minggu — November 2026'));

    // Act
    const extent = (png: DecodedPng) => {
      const xs = pixelsOf(png, colours.title, { x0: 0, y0: 0, x1: W, y1: H / 4 }).map(([x]) => x);
      return [Math.min(...xs), Math.max(...xs)];
    };

    // Assess
    expect(extent(short)[0]).toBe(extent(long)[0]);
    expect(extent(long)[1]! - extent(long)[0]!).toBeGreaterThan(5 * (extent(short)[1]! - extent(short)[0]!));
  });

  test('every week of a month is labelled under its own bars', () => {
    // Prepare
    const png = render(sampleMonth);
    const frame = plotFrame(png, sampleMonth.weeks.length);

    // Act: text below the axis line and its "0" tick labels, grouped into labels (a word space
    // is narrower than 18 px).
    const labels = clusters(png, colours.text, frame.axisRow + 16, H, 18);

    // Assess
    expect(labels).toHaveLength(sampleMonth.weeks.length);
    labels.forEach(([a, b], i) => expect(Math.abs((a + b) / 2 - frame.centre(i))).toBeLessThanOrEqual(3));
  });

  test('large counts (12.345 in a week) fit their axis labels inside the image, with the thousands separator', () => {
    // Prepare
    const png = render(chart([week(12_345, 9_876, 0.7), week(4_321, 11_002, 0.9)]));
    const frame = plotFrame(png, 2);
    const topLabel = formatCount(countAxis(12_345).top);

    // Act: the tick label level with the top gridline, left of the plot.
    const y = Math.round(frame.gridlines[0]!);
    const labelInk = pixelsOf(png, colours.text, { x0: 0, y0: y - 14, x1: frame.left, y1: y + 14 }).map(([x]) => x);

    // Assess
    expect(topLabel).toBe('20.000');
    expect(Math.min(...labelInk)).toBeGreaterThan(8);
    expect(Math.abs(Math.max(...labelInk) - Math.min(...labelInk) + 1 - outlineWidth(topLabel, 3))).toBeLessThanOrEqual(2);
    expect(Math.max(...labelInk)).toBeLessThan(frame.left);
  });
});

describe('recap chart: a period without complaints', () => {
  test.each([
    ['no weeks', []],
    ['weeks of zero and no verdicts', [week(0, 0), week(0, 0), week(0, 0), week(0, 0)]],
  ])('%s: the title and the no-data message, centred, and neither bars nor line', (_what, weeks) => {
    // Prepare
    const input = chart(weeks, 'Pengaduan per minggu — Desember 2026');

    // Act
    const png = render(input);
    const counts = colourCounts(png);
    const message = pixelsOf(png, colours.noData).map(([x]) => x);

    // Assess
    expect([png.width, png.height]).toEqual([W, H]);
    expect(png.chunks.every((c) => c.crcMatches)).toBe(true);
    expect(counts.get(colours.title)).toBeGreaterThan(500);
    expect(message.length).toBeGreaterThan(300);
    expect(Math.abs((Math.min(...message) + Math.max(...message)) / 2 - W / 2)).toBeLessThanOrEqual(3);
    expect([colours.received, colours.closed, colours.withinSla, colours.axis].map((c) => counts.get(c) ?? 0)).toEqual([0, 0, 0, 0]);
  });

  test('a chart with data shows no no-data message', () => {
    expect(colourCounts(render(sampleMonth)).get(colours.noData)).toBeUndefined();
  });

  test('verdicts without new complaints still draw the line', () => {
    // Prepare: older cases got their verdicts in a week that received none.
    const png = render(chart([week(0, 0, 0.5), week(0, 0, 1)]));

    // Act
    const counts = colourCounts(png);

    // Assess
    expect(counts.get(colours.withinSla)).toBeGreaterThan(300);
    expect(counts.get(colours.noData)).toBeUndefined();
  });
});

describe('recap chart: a 14-week quarter', () => {
  let png: DecodedPng;
  let frame: ReturnType<typeof plotFrame>;
  beforeAll(() => {
    png = render(sampleQuarter);
    frame = plotFrame(png, sampleQuarter.weeks.length);
  });

  test('has a pair of bars for each of its 14 weeks, none overlapping', () => {
    // Prepare: a row low enough to cross every bar, above the dots' reach.
    const row = frame.axisRow - 2;

    // Act
    const blue = runs(png, row, colours.received);
    const orange = runs(png, row, colours.closed);
    const all = [...blue, ...orange].sort((a, b) => a[0] - b[0]);

    // Assess
    expect(blue).toHaveLength(14);
    expect(orange).toHaveLength(14);
    all.slice(1).forEach(([start], i) => expect(start).toBeGreaterThan(all[i]![1]));
    blue.forEach(([, end], i) => expect(end).toBeLessThanOrEqual(orange[i]![0]));
  });

  test('labels its weeks without overlap: each label under a week, evenly, the first week first', () => {
    // Act
    const labels = clusters(png, colours.text, frame.axisRow + 16, H, 18);
    const labelled = labels.map(([a, b]) => sampleQuarter.weeks.findIndex((_, i) => Math.abs((a + b) / 2 - frame.centre(i)) <= 3));

    // Assess
    expect(labels.length).toBeGreaterThanOrEqual(5);
    expect(labelled).not.toContain(-1); // a merged pair of labels would centre between two weeks
    expect(labelled[0]).toBe(0);
    const steps = new Set(labelled.slice(1).map((w, i) => w - labelled[i]!));
    expect(steps.size).toBe(1);
    expect(labels[0]![0]).toBeGreaterThan(8);
    expect(labels[labels.length - 1]![1]).toBeLessThan(W - 8);
  });

  test('labels too wide for their week are thinned out, each printed whole rather than cut short', () => {
    // Prepare: fourteen one-word labels (nowhere to break them), each wider than a week's slot.
    const names = Array.from({ length: 14 }, (_, i) => `Pekan${String.fromCharCode(65 + i)}x`);
    const wide = render(chart(names.map((label) => ({ ...week(5, 4), label }))));
    const wideFrame = plotFrame(wide, names.length);

    // Act
    const labels = clusters(wide, colours.text, wideFrame.axisRow + 16, H, 18);
    const labelled = labels.map(([a, b]) => names.findIndex((_, i) => Math.abs((a + b) / 2 - wideFrame.centre(i)) <= 3));

    // Assess
    expect(textWidth(names[0]!) * 3).toBeGreaterThan((wideFrame.right - wideFrame.left) / names.length);
    expect(labelled).not.toContain(-1);
    expect(labelled.length).toBeLessThan(names.length);
    expect(labelled[1]! - labelled[0]!).toBeGreaterThan(1);
    labels.forEach(([a, b], i) => expect(Math.abs(b - a - outlineWidth(names[labelled[i]!]!, 3))).toBeLessThanOrEqual(2));
  });

  test('a week without verdicts leaves a gap in the line and no dot', () => {
    // Prepare
    const missing = sampleQuarter.weeks.findIndex((w) => w.withinSlaShare === null);

    // Act
    const dots = sampleQuarter.weeks.map((_, i) => dotAt(png, frame, i));

    // Assess
    expect(missing).toBeGreaterThan(0);
    expect(dots[missing]).toBeNull();
    expect(dots.filter((d) => d !== null)).toHaveLength(13);
  });
});

describe('recap chart: input', () => {
  test.each([
    ['a negative count', week(-1, 0)],
    ['a fractional count', week(2.5, 0)],
    ['a share above 1', week(3, 3, 1.2)],
    ['a share that is not a number', week(3, 3, Number.NaN)],
  ])('refuses %s', (_what, bad) => {
    expect(() => renderRecapChart(chart([week(1, 1), bad]))).toThrow(RangeError);
  });

  test('any input in range renders a 1200×600 PNG with valid chunks and a clear outer margin', () => {
    const text = (maxLength: number) => fc.string({ unit: 'binary', maxLength });
    const weekPoint = fc.record({
      label: text(16),
      received: fc.integer({ min: 0, max: 1_000_000 }),
      closed: fc.integer({ min: 0, max: 1_000_000 }),
      withinSlaShare: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
    });
    const input = fc.record({
      title: text(90),
      weeks: fc.array(weekPoint, { maxLength: 14 }),
      labels: fc.record({ received: text(40), closed: text(40), withinSla: text(40), noData: text(60) }),
    });
    fc.assert(fc.property(input, (chartInput) => {
      const png = decodePng(renderRecapChart(chartInput));
      expect([png.width, png.height]).toEqual([W, H]);
      expect(png.chunks.every((c) => c.crcMatches)).toBe(true);
      // Nothing drawn within 8 px of the edge: no text or bar runs off the image.
      const margins = [{ x0: 0, y0: 0, x1: W, y1: 8 }, { x0: 0, y0: H - 8, x1: W, y1: H }, { x0: 0, y0: 0, x1: 8, y1: H }, { x0: W - 8, y0: 0, x1: W, y1: H }];
      expect(margins.map((box) => [...colourCounts(png, box).keys()])).toEqual(margins.map(() => [colours.background]));
    }), { numRuns: 25 });
  });
});

describe('count axis', () => {
  test.each([
    // [largest weekly count, step, top]
    [0, 1, 4],
    [1, 1, 4],
    [5, 1, 5],
    [6, 2, 8],
    [11, 5, 20],
    [40, 10, 40],
    [41, 10, 50],
    [51, 20, 80],
    [12_345, 5_000, 20_000],
  ])('a largest count of %i: steps of %i up to %i', (max, step, top) => {
    expect(countAxis(max)).toEqual({ step, top, intervals: top / step });
  });

  test('any count: a nice integer step, 4 or 5 intervals, a top that holds the count without an extra step', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 10_000_000 }), (max) => {
      const { step, top, intervals } = countAxis(max);
      const magnitude = 10 ** Math.floor(Math.log10(step));
      expect([1, 2, 5]).toContain(step / magnitude);
      expect([4, 5]).toContain(intervals);
      expect(top).toBe(step * intervals);
      expect(top).toBeGreaterThanOrEqual(max);
      if (intervals === 5) expect(top - step).toBeLessThan(max);
    }));
  });

  test.each([
    [0, '0'],
    [999, '999'],
    [1000, '1.000'],
    [12_345, '12.345'],
    [1_234_567, '1.234.567'],
  ])('formats %i as %s', (count, text) => {
    expect(formatCount(count)).toBe(text);
    expect(formatCount(count, ',')).toBe(text.replace(/\./g, ','));
  });
});
