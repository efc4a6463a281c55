import { stringify } from 'csv-stringify/sync';
import type { DetectReport } from '../pipeline/detect';
import { formatInterval } from '../core/interval';
import { formatLabels } from '../core/series';

/** Readable summary of a detection run: what was read, the anomaly events, and warnings. */
export function formatTable(
  report: DetectReport,
  meta: { file: string; description: string; seconds: number }
): string {
  const lines: string[] = [];
  const points = report.series.reduce((n, s) => n + s.points.length, 0);
  const intervals = [...new Set(report.series.map((s) => s.intervalMs).filter((x) => x > 0))].map(formatInterval);
  lines.push(`Vigil detection on ${meta.file}`);
  lines.push(`  input:     ${meta.description}`);
  lines.push(`  series:    ${report.series.length} (${points} points at ${intervals.join(', ') || '-'})`);
  lines.push(`  anomalies: ${report.anomalies.length} events in ${meta.seconds.toFixed(2)} s`);
  if (report.anomalies.length) {
    lines.push('');
    const rows = report.anomalies.map((a) => [
      iso(a.start),
      a.end === a.start ? '' : iso(a.end),
      seriesName(a.labels),
      a.severity,
      String(Math.round(a.score)),
      `${fmt(a.actual)} vs ${fmt(a.expected)}`,
      Object.entries(a.detectors)
        .sort((x, y) => y[1] - x[1])
        .map(([k]) => k)
        .join(','),
    ]);
    const header = ['start (UTC)', 'end', 'series', 'severity', 'score', 'actual vs expected', 'detectors'];
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
    const row = (r: string[]) =>
      '  ' +
      r
        .map((x, c) => x.padEnd(widths[c]))
        .join('  ')
        .trimEnd();
    lines.push(row(header));
    for (const r of rows) lines.push(row(r));
  }
  for (const w of report.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n') + '\n';
}

/** One CSV row per point: series labels, time (ISO and epoch ms), value, expected, band, score, anomaly. */
export function formatCsv(report: DetectReport): string {
  const rows: unknown[][] = [];
  for (const s of report.series) {
    const name = seriesName(s.labels);
    for (const p of s.points) {
      rows.push([name, iso(p.t), p.t, p.value, p.expected, p.lower, p.upper, p.score, p.anomaly ? 1 : 0]);
    }
  }
  return stringify(rows, {
    header: true,
    columns: ['series', 'time', 't', 'value', 'expected', 'lower', 'upper', 'score', 'anomaly'],
  });
}

/** The JSON document of `--format json`: `{ series, anomalies, warnings }`. */
export function formatJson(report: DetectReport): string {
  return JSON.stringify({ series: report.series, anomalies: report.anomalies, warnings: report.warnings }) + '\n';
}

function seriesName(labels: Record<string, string>): string {
  const { __name__: name, ...rest } = labels;
  const r = Object.keys(rest).length ? formatLabels(rest) : '';
  return `${name ?? 'value'}${r}`;
}

function iso(t: number): string {
  return new Date(t).toISOString().replace('.000Z', 'Z');
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return '-';
  return Math.abs(x) >= 100 ? String(Math.round(x)) : String(Number(x.toPrecision(3)));
}
