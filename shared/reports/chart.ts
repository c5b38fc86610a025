/**
 * The chart of the monthly and quarterly recap emails, drawn as a PNG in pure TypeScript: bars of
 * complaints received and closed per week on a count axis, and the share of SLA verdicts within
 * the time limit as a line on a 0–100 % axis. Text is drawn from the outlines of an open font
 * (Noto Sans, OFL; see ./vector-text), anti-aliased. No canvas, no browser, no native or wasm
 * module: it runs wherever the report handler runs (Lambda arm64, bundled by esbuild).
 *
 * The image is 1200×600 for display at 600 px wide (sharp on phone screens, where heads of office
 * and the Bupati read the recap), so every length below is in those double-density pixels.
 */
import { encodePng } from './png';
import { fillContours, fontMetrics, textContours, textWidth } from './vector-text';

// Bound once: the pixel loops below then make no global lookup per pixel, which is slow where
// this module runs inside a vm context (as under jest).
const { ceil, floor, max, min, round, sqrt } = Math;

/** One week of the recap period. */
export interface WeekPoint {
  /** What is printed under the week's bars, e.g. "2–8 Nov". */
  label: string;
  /** Complaints received that week. */
  received: number;
  /** Complaints closed that week. */
  closed: number;
  /** Share (0..1) of the week's SLA verdicts that were within the time limit; null when the week had none. */
  withinSlaShare: number | null;
}

/** The words on the chart, in the recipient's language. */
export interface RecapChartLabels {
  received: string;
  closed: string;
  withinSla: string;
  /** Shown instead of the bars when the period had no complaints and no verdicts. */
  noData: string;
  /** Between groups of three digits: "12.345" in Indonesian (the default), "12,345" in English. */
  thousandsSeparator?: string;
}

export interface RecapChartInput {
  /** E.g. "Pengaduan per minggu — November 2026". */
  title: string;
  /** In order; 4–6 for a month, up to 14 for a quarter. */
  weeks: WeekPoint[];
  labels: RecapChartLabels;
}

/** Pixel size of every recap chart. */
export const recapChartSize = { width: 1200, height: 600 } as const;

/**
 * The chart's colours (0xRRGGBB). Orange and bluish green are from the Okabe–Ito palette, made
 * to stay apart with the common colour-vision deficiencies; the dark blue beside them differs
 * from both in lightness too, so the three series still separate in greyscale. Text and grid are
 * neutral greys.
 */
export const recapChartColours = {
  background: 0xffffff,
  title: 0x1f1f1f,
  text: 0x454545,
  noData: 0x6b6b6b,
  grid: 0xe2e2e2,
  axis: 0x8c8c8c,
  received: 0x0b5394,
  closed: 0xe69f00,
  withinSla: 0x009e73,
} as const;

/** A count axis from 0 to `top` in `intervals` equal steps of `step`. */
export interface CountAxis {
  step: number;
  top: number;
  intervals: number;
}

/**
 * The count axis for a largest weekly count: a "nice" integer step (1, 2 or 5 times a power of
 * ten) and 4 or 5 intervals, so that the share axis (0–100 %) can share its gridlines at 25 % or
 * 20 % steps. A largest count of 0 still gets an axis of 0–4.
 */
export function countAxis(maxCount: number): CountAxis {
  let step = 1;
  for (const candidate of niceSteps()) {
    step = candidate;
    if (step * 5 >= maxCount) break; // the smallest nice step whose five intervals hold the count
  }
  const intervals = max(4, ceil(maxCount / step));
  return { step, top: step * intervals, intervals };
}

function* niceSteps(): Generator<number> {
  for (let magnitude = 1; ; magnitude *= 10) for (const factor of [1, 2, 5]) yield factor * magnitude;
}

/** "12345" → "12.345" (or with the separator given). */
export function formatCount(count: number, separator = '.'): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, separator);
}

// Layout, in image pixels.
const pad = 28;
const titleTop = 24;
const titleScales = [4, 3];
const textScale = 3;
const legendScales = [3, 2];
const tickGap = 14;
const weekLabelGap = 18;
const barGap = 4;
const maxBarWidth = 56;
const lineHalfWidth = 2.5;
const dotRadius = 9;
const dotRing = 3;
/** Coverage steps of anti-aliased edges: few enough that the image keeps to a 256-colour palette. */
const coverageSteps = 4;
/** Text edges take more steps: small letters need them to stay even (still within the palette). */
const textCoverageSteps = 8;

class Raster {
  readonly rgb: Uint8Array;

  constructor(readonly width: number, readonly height: number, background: number) {
    this.rgb = new Uint8Array(width * height * 3);
    this.fillRect(0, 0, width, height, background);
  }

  fillRect(x: number, y: number, w: number, h: number, colour: number): void {
    const x0 = max(0, round(x));
    const y0 = max(0, round(y));
    const x1 = min(this.width, round(x + w));
    const y1 = min(this.height, round(y + h));
    for (let py = y0; py < y1; py++) {
      for (let px = x0; px < x1; px++) this.set(px, py, colour);
    }
  }

  set(x: number, y: number, colour: number): void {
    const i = 3 * (y * this.width + x);
    this.rgb[i] = colour >> 16;
    this.rgb[i + 1] = (colour >> 8) & 0xff;
    this.rgb[i + 2] = colour & 0xff;
  }

  blend(x: number, y: number, colour: number, alpha: number): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height || alpha <= 0) return;
    const i = 3 * (y * this.width + x);
    const { rgb } = this;
    rgb[i] = round(rgb[i]! * (1 - alpha) + (colour >> 16) * alpha);
    rgb[i + 1] = round(rgb[i + 1]! * (1 - alpha) + ((colour >> 8) & 0xff) * alpha);
    rgb[i + 2] = round(rgb[i + 2]! * (1 - alpha) + (colour & 0xff) * alpha);
  }

  /**
   * Draws `text` with its cap height starting at `top` (cap height 7 × `scale`), filled from the
   * font's outlines with anti-aliased edges (see ./vector-text).
   */
  text(text: string, left: number, top: number, scale: number, colour: number): void {
    fillContours(textContours(text, round(left), round(top), scale), this.width, this.height, (x, y, coverage) => {
      this.blend(x, y, colour, round(coverage * textCoverageSteps) / textCoverageSteps);
    });
  }

  /**
   * Blends `colour` where `coverage(px, py)` (0..1, at the pixel's centre) says, within a box.
   * Coverage is rounded to a few steps so that the chart keeps a small palette.
   */
  paint(box: { x0: number; y0: number; x1: number; y1: number }, colour: number, coverage: (cx: number, cy: number) => number): void {
    const x0 = max(0, floor(box.x0));
    const x1 = min(this.width, ceil(box.x1));
    const y0 = max(0, floor(box.y0));
    const y1 = min(this.height, ceil(box.y1));
    for (let py = y0; py < y1; py++) {
      for (let px = x0; px < x1; px++) {
        const c = coverage(px + 0.5, py + 0.5);
        if (c > 0) this.blend(px, py, colour, round(min(1, c) * coverageSteps) / coverageSteps);
      }
    }
  }

  disc(cx: number, cy: number, radius: number, colour: number): void {
    const r = radius + 1;
    this.paint({ x0: cx - r, y0: cy - r, x1: cx + r, y1: cy + r }, colour, (x, y) => radius + 0.5 - sqrt((x - cx) ** 2 + (y - cy) ** 2));
  }

  /**
   * A polyline of one width. Each pixel takes the coverage of its nearest segment and is painted
   * once, so joints are not darkened by two overlapping segment ends.
   */
  polyline(points: ReadonlyArray<readonly [number, number]>, halfWidth: number, colour: number): void {
    if (points.length < 2) return;
    const reach = halfWidth + 1;
    const x0 = max(0, floor(min(...points.map((p) => p[0])) - reach));
    const y0 = max(0, floor(min(...points.map((p) => p[1])) - reach));
    const x1 = min(this.width, ceil(max(...points.map((p) => p[0])) + reach));
    const y1 = min(this.height, ceil(max(...points.map((p) => p[1])) + reach));
    const boxWidth = x1 - x0;
    const coverage = new Float32Array(max(0, boxWidth * (y1 - y0)));
    for (let s = 1; s < points.length; s++) {
      const a = points[s - 1]!;
      const b = points[s]!;
      // Only the pixels near this segment.
      for (let py = max(y0, floor(min(a[1], b[1]) - reach)); py < min(y1, ceil(max(a[1], b[1]) + reach)); py++) {
        for (let px = max(x0, floor(min(a[0], b[0]) - reach)); px < min(x1, ceil(max(a[0], b[0]) + reach)); px++) {
          const i = (py - y0) * boxWidth + (px - x0);
          coverage[i] = max(coverage[i]!, halfWidth + 0.5 - distanceToSegment(px + 0.5, py + 0.5, a, b));
        }
      }
    }
    this.paint({ x0, y0, x1, y1 }, colour, (cx, cy) => coverage[(floor(cy) - y0) * boxWidth + (floor(cx) - x0)]!);
  }
}

function distanceToSegment(x: number, y: number, a: readonly [number, number], b: readonly [number, number]): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const lengthSquared = dx * dx + dy * dy;
  const t = lengthSquared === 0 ? 0 : min(1, max(0, ((x - a[0]) * dx + (y - a[1]) * dy) / lengthSquared));
  return sqrt((x - a[0] - t * dx) ** 2 + (y - a[1] - t * dy) ** 2);
}

/** Text at the largest of `scales` that fits `maxWidth`; cut with "..." at the smallest if none does. */
function fitText(text: string, maxWidth: number, scales: readonly number[]): { text: string; scale: number; width: number } {
  for (const scale of scales) {
    const width = textWidth(text) * scale;
    if (width <= maxWidth) return { text, scale, width };
  }
  const scale = scales[scales.length - 1]!;
  const chars = [...text];
  while (chars.length > 0 && textWidth(`${chars.join('').trimEnd()}...`) * scale > maxWidth) chars.pop();
  const cut = `${chars.join('').trimEnd()}...`;
  return { text: cut, scale, width: textWidth(cut) * scale };
}

const capHeight = (scale: number) => fontMetrics.capHeight * scale;
const lineHeight = (scale: number) => fontMetrics.rows * scale;

function validate(input: RecapChartInput): void {
  const isCount = (n: number) => Number.isSafeInteger(n) && n >= 0;
  input.weeks.forEach((week, i) => {
    if (!isCount(week.received) || !isCount(week.closed)) throw new RangeError(`recap chart: week ${i} counts must be whole numbers ≥ 0`);
    const share = week.withinSlaShare;
    if (share !== null && !(share >= 0 && share <= 1)) throw new RangeError(`recap chart: week ${i} share must be between 0 and 1 or null`);
  });
}

/**
 * Renders the recap chart as PNG bytes (1200×600 with a palette of a few dozen colours; about
 * 15–30 KB). The same input always gives the same bytes. A period without complaints or
 * verdicts gives the title and `labels.noData` instead of the plot.
 *
 * @throws RangeError when a count is not a whole number ≥ 0 or a share is outside 0..1.
 */
export function renderRecapChart(input: RecapChartInput): Uint8Array {
  validate(input);
  const { width: W, height: H } = recapChartSize;
  const colours = recapChartColours;
  const raster = new Raster(W, H, colours.background);
  const { weeks, labels } = input;

  const title = fitText(input.title, W - 2 * pad, titleScales);
  raster.text(title.text, pad, titleTop, title.scale, colours.title);
  const titleBottom = titleTop + lineHeight(title.scale);

  const hasData = weeks.some((w) => w.received > 0 || w.closed > 0 || w.withinSlaShare !== null);
  if (!hasData) {
    const message = fitText(labels.noData, W - 2 * pad, [4, 3]);
    const middle = (titleBottom + H) / 2;
    raster.text(message.text, round((W - message.width) / 2), round(middle - capHeight(message.scale) / 2), message.scale, colours.noData);
    return encodePng(raster);
  }

  // Legend under the title: a swatch per series, then its name.
  const legendTop = titleBottom + 14;
  const legendItems = [
    { kind: 'bar' as const, colour: colours.received, text: labels.received },
    { kind: 'bar' as const, colour: colours.closed, text: labels.closed },
    { kind: 'line' as const, colour: colours.withinSla, text: labels.withinSla },
  ];
  const legendScale = legendScales.find((s) => legendWidth(legendItems.map((i) => i.text), s) <= W - 2 * pad) ?? legendScales[legendScales.length - 1]!;
  const swatch = capHeight(legendScale);
  // Labels too long even at the smaller scale share the width equally, each cut short.
  const legendFits = legendWidth(legendItems.map((i) => i.text), legendScale) <= W - 2 * pad;
  const labelRoom = (W - 2 * pad - legendWidth(['', '', ''], legendScale)) / legendItems.length;
  let penX = pad;
  for (const item of legendItems) {
    const swatchWidth = item.kind === 'bar' ? swatch : 2 * swatch;
    if (item.kind === 'bar') raster.fillRect(penX, legendTop, swatch, swatch, item.colour);
    else {
      const y = legendTop + swatch / 2;
      raster.polyline([[penX, y], [penX + swatchWidth, y]], lineHalfWidth, item.colour);
      raster.disc(penX + swatchWidth / 2, y, dotRadius - 2, item.colour);
    }
    const label = legendFits ? { text: item.text, width: textWidth(item.text) * legendScale } : fitText(item.text, labelRoom, [legendScale]);
    raster.text(label.text, penX + swatchWidth + 10, legendTop, legendScale, colours.text);
    penX += swatchWidth + 10 + label.width + 36;
  }
  const legendBottom = legendTop + lineHeight(legendScale);

  // Axes: counts on the left, shares on the right, on the same gridlines.
  const axis = countAxis(max(0, ...weeks.map((w) => max(w.received, w.closed))));
  const countLabels = Array.from({ length: axis.intervals + 1 }, (_, i) => formatCount(i * axis.step, labels.thousandsSeparator));
  const shareLabels = Array.from({ length: axis.intervals + 1 }, (_, i) => `${round((100 * i) / axis.intervals)}%`);
  const widest = (texts: string[]) => max(...texts.map((t) => textWidth(t) * textScale));
  const left = pad + widest(countLabels) + tickGap;
  const right = W - pad - widest(shareLabels) - tickGap;
  const slot = (right - left) / max(1, weeks.length);
  const weekLabels = layoutWeekLabels(weeks.map((w) => w.label), slot);
  const plot = { left, right, top: legendBottom + 26, bottom: H - pad - weekLabels.height - weekLabelGap };
  const plotHeight = plot.bottom - plot.top;
  const yOfCount = (count: number) => plot.bottom - (count / axis.top) * plotHeight;
  const yOfShare = (share: number) => plot.bottom - share * plotHeight;

  // Gridlines are 2 px thick, centred on the pixel edge of their value.
  for (let i = 1; i <= axis.intervals; i++) raster.fillRect(plot.left, round(yOfCount(i * axis.step)) - 1, plot.right - plot.left, 2, colours.grid);
  for (let i = 0; i <= axis.intervals; i++) {
    const y = round(yOfCount(i * axis.step)) - capHeight(textScale) / 2;
    raster.text(countLabels[i]!, plot.left - tickGap - textWidth(countLabels[i]!) * textScale, y, textScale, colours.text);
    raster.text(shareLabels[i]!, plot.right + tickGap, y, textScale, colours.text);
  }

  // Bars: received left of closed, the pair centred in the week's slot.
  const barWidth = max(2, min(maxBarWidth, floor((slot * 0.72 - barGap) / 2)));
  const centreOf = (i: number) => plot.left + (i + 0.5) * slot;
  weeks.forEach((week, i) => {
    const middle = round(centreOf(i));
    const bar = (count: number, left: number, colour: number) => {
      if (count === 0) return;
      // A count of 1 against an axis of thousands still shows as a sliver, not as nothing.
      const top = min(round(yOfCount(count)), plot.bottom - 4);
      raster.fillRect(left, top, barWidth, plot.bottom - top, colour);
    };
    bar(week.received, middle - barGap / 2 - barWidth, colours.received);
    bar(week.closed, middle + barGap / 2, colours.closed);
  });
  raster.fillRect(plot.left, plot.bottom - 1, plot.right - plot.left, 2, colours.axis);

  for (const { index, lines } of weekLabels.shown) {
    lines.forEach((line, n) => {
      const x = min(W - pad / 2 - line.width, max(pad / 2, round(centreOf(index) - line.width / 2)));
      raster.text(line.text, x, plot.bottom + weekLabelGap + n * weekLabelLineHeight, line.scale, colours.text);
    });
  }

  // The share line breaks where a week has no verdicts; each week with a share gets a dot.
  let run: Array<[number, number]> = [];
  const runs: Array<Array<[number, number]>> = [run];
  weeks.forEach((week, i) => {
    if (week.withinSlaShare === null) runs.push((run = []));
    else run.push([centreOf(i), yOfShare(week.withinSlaShare)]);
  });
  for (const points of runs) raster.polyline(points, lineHalfWidth, colours.withinSla);
  for (const [x, y] of runs.flat()) {
    // A white ring keeps the dot readable where it sits on a bar of a similar lightness.
    raster.disc(x, y, dotRadius + dotRing, colours.background);
    raster.disc(x, y, dotRadius, colours.withinSla);
  }

  return encodePng(raster);
}

function legendWidth(texts: string[], scale: number): number {
  const swatch = capHeight(scale);
  return texts.reduce((sum, t, i) => sum + (i === 2 ? 2 * swatch : swatch) + 10 + textWidth(t) * scale, 0) + 36 * (texts.length - 1);
}

const weekLabelLineHeight = lineHeight(textScale) + 4;

/**
 * Which week labels to print, and on how many lines, so that they never overlap: all on one line
 * if they fit their slots; else each on two lines ("28 Sep–" over "4 Okt", "12–18" over "Okt"),
 * broken at the dash or space that gives the narrowest lines, if that lets more of them be
 * printed; and if still too wide, only every k-th, first week first. A label wider than the
 * whole plot is cut short.
 */
function layoutWeekLabels(texts: string[], slot: number): {
  height: number;
  shown: Array<{ index: number; lines: Array<{ text: string; scale: number; width: number }> }>;
} {
  // Wider than a word space (5 glyph pixels), so two labels never read as one.
  const gap = 20;
  // Of the places a label may break (after a dash, at a space), the one giving the narrowest lines.
  const split = (text: string) => {
    let best = [text];
    for (const m of text.matchAll(/[–-](?=\S)| /gu)) {
      const lines = [text.slice(0, m.index + (m[0] === ' ' ? 0 : 1)), text.slice(m.index + 1)];
      if (lines.some((l) => l.trim() === '')) continue;
      if (max(...lines.map(textWidth)) < max(...best.map(textWidth))) best = lines;
    }
    return best;
  };
  const everyFor = (lines: string[][]) => {
    const widest = max(0, ...lines.flat().map((t) => textWidth(t) * textScale));
    return max(1, ceil((widest + gap) / slot));
  };
  const oneLine = texts.map((t) => [t]);
  const twoLines = texts.map(split);
  const useTwo = twoLines.some((l) => l.length > 1) && everyFor(twoLines) < everyFor(oneLine);
  const chosen = useTwo ? twoLines : oneLine;
  // A label wider than the whole plot is printed once, cut to the plot's width.
  const every = min(max(1, texts.length), everyFor(chosen));
  const shown = chosen
    .map((lines, index) => ({ index, lines: lines.map((line) => fitText(line, every * slot - gap, [textScale])) }))
    .filter(({ index }) => index % every === 0);
  const lineCount = useTwo ? 2 : 1;
  return { height: (lineCount - 1) * weekLabelLineHeight + lineHeight(textScale), shown };
}
