/** One line of a chart. */
export interface ChartSeries {
  name: string;
  /** Points with positive coordinates (others are left out). */
  points: readonly { x: number; y: number }[];
  /** Drawn dashed (a baseline). */
  dashed?: boolean;
}

/** Titles of a chart. */
export interface ChartLabels {
  title: string;
  x: string;
  y: string;
  /** Tick label of a y value (a power of ten). */
  formatY: (value: number) => string;
}

const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
  '#393b79',
  '#637939',
  '#8c6d31',
  '#843c39',
];
const WIDTH = 780;
const HEIGHT = 440;
const MARGIN = { left: 72, right: 230, top: 44, bottom: 56 };

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function round(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** Powers of ten covering [min, max]. */
function decades(min: number, max: number): number[] {
  const out: number[] = [];
  for (let power = Math.floor(Math.log10(min)); power <= Math.ceil(Math.log10(max)); power++) {
    out.push(10 ** power);
  }
  return out;
}

/**
 * A line chart with both axes logarithmic, as a standalone SVG document: grid lines at powers of
 * ten, one coloured line with markers per series (dashed for baselines), a legend on the right.
 * Pure: same input, same text.
 */
export function renderLogLogChart(series: readonly ChartSeries[], labels: ChartLabels): string {
  const lines = series.map((line) => ({
    ...line,
    points: line.points.filter((p) => p.x > 0 && p.y > 0 && Number.isFinite(p.x + p.y)),
  }));
  const all = lines.flatMap((line) => line.points);
  const xs = decades(Math.min(...all.map((p) => p.x)), Math.max(...all.map((p) => p.x)));
  const ys = decades(Math.min(...all.map((p) => p.y)), Math.max(...all.map((p) => p.y)));
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const scale = (value: number, ticks: number[], size: number) => {
    const low = Math.log10(ticks[0]!);
    const high = Math.log10(ticks.at(-1)!);
    return high === low ? size / 2 : ((Math.log10(value) - low) / (high - low)) * size;
  };
  const px = (x: number) => MARGIN.left + scale(x, xs, plotWidth);
  const py = (y: number) => MARGIN.top + plotHeight - scale(y, ys, plotHeight);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="24" font-size="15" font-weight="bold">${escapeXml(labels.title)}</text>`,
  ];
  for (const x of xs) {
    out.push(
      `<line x1="${round(px(x))}" y1="${MARGIN.top}" x2="${round(px(x))}" y2="${MARGIN.top + plotHeight}" stroke="#dddddd"/>`,
      `<text x="${round(px(x))}" y="${MARGIN.top + plotHeight + 18}" text-anchor="middle">${escapeXml(x.toLocaleString('en-US'))}</text>`,
    );
  }
  for (const y of ys) {
    out.push(
      `<line x1="${MARGIN.left}" y1="${round(py(y))}" x2="${MARGIN.left + plotWidth}" y2="${round(py(y))}" stroke="#dddddd"/>`,
      `<text x="${MARGIN.left - 6}" y="${round(py(y) + 4)}" text-anchor="end">${escapeXml(labels.formatY(y))}</text>`,
    );
  }
  out.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#888888"/>`,
    `<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 14}" text-anchor="middle">${escapeXml(labels.x)}</text>`,
    `<text transform="translate(16 ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escapeXml(labels.y)}</text>`,
  );
  lines.forEach((line, index) => {
    const color = PALETTE[index % PALETTE.length]!;
    const dash = line.dashed ? ' stroke-dasharray="6 4"' : '';
    const path = line.points.map((p) => `${round(px(p.x))},${round(py(p.y))}`).join(' ');
    out.push(`<polyline points="${path}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`);
    for (const p of line.points) {
      out.push(`<circle cx="${round(px(p.x))}" cy="${round(py(p.y))}" r="3" fill="${color}"/>`);
    }
    const legendY = MARGIN.top + 8 + index * 20;
    const legendX = MARGIN.left + plotWidth + 16;
    out.push(
      `<line x1="${legendX}" y1="${legendY}" x2="${legendX + 24}" y2="${legendY}" stroke="${color}" stroke-width="2"${dash}/>`,
      `<text x="${legendX + 30}" y="${legendY + 4}">${escapeXml(line.name)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
