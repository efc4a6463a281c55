/**
 * `vigil bench logparse`: grouping and parsing accuracy of the template miner, in its default configuration, on
 * every system of a loghub-style corpus. Metrics: `pkg/logs/accuracy.ts` (Zhu et al., ICSE-SEIP 2019; Khan et
 * al., ICSE 2022). Drain's published grouping accuracy on the same 2k samples is shown beside ours.
 */

import { groupingAccuracy, parsingAccuracy } from '../../logs/accuracy';
import { TemplateMiner, type TemplateMinerOptions } from '../../logs/miner';
import { listLoghubSystems, readLoghubStructured } from './corpus';

/**
 * Drain's grouping accuracy on loghub's 2k samples as published in Zhu, He, Liu, He, Xie, Zheng & Lyu, "Tools and
 * Benchmarks for Automated Log Parsing", ICSE-SEIP 2019, Table III (tuned per system; average 0.865 over 16).
 */
export const DRAIN_PUBLISHED_GA: Readonly<Record<string, number>> = {
  HDFS: 0.998,
  Hadoop: 0.948,
  Spark: 0.92,
  Zookeeper: 0.967,
  OpenStack: 0.733,
  BGL: 0.963,
  HPC: 0.887,
  Thunderbird: 0.955,
  Windows: 0.997,
  Linux: 0.69,
  Mac: 0.787,
  Android: 0.911,
  HealthApp: 0.78,
  Apache: 1,
  OpenSSH: 0.788,
  Proxifier: 0.527,
};

/** Result for one system. */
export interface LogParseSystemResult {
  ga: number;
  pa: number;
  lines: number;
  /** distinct ground-truth templates and templates found */
  truthTemplates: number;
  templates: number;
  seconds: number;
}

/** Result of the whole corpus. */
export interface LogParseResult {
  systems: Record<string, LogParseSystemResult>;
  average: { ga: number; pa: number };
}

/**
 * Mine every system's messages in file order with one miner per system, then score each line's final
 * template.
 *
 * @param dir a loghub-style corpus folder
 * @param options miner options (default: the product's defaults)
 * @param onSystem progress callback
 * @throws InputError for a missing folder or a malformed CSV
 */
export function benchLogParse(
  dir: string,
  options: Partial<TemplateMinerOptions> = {},
  onSystem?: (name: string, r: LogParseSystemResult) => void
): LogParseResult {
  const systems: Record<string, LogParseSystemResult> = {};
  for (const sys of listLoghubSystems(dir)) {
    const data = readLoghubStructured(sys.file);
    const started = performance.now();
    const miner = new TemplateMiner(options);
    const refs = data.content.map((m) => miner.add(m ?? '').ref);
    const resolved = refs.map((r) => miner.resolve(r));
    const seconds = (performance.now() - started) / 1000;
    const r: LogParseSystemResult = {
      ga: groupingAccuracy(
        data.template,
        resolved.map((x) => x.id)
      ),
      pa: parsingAccuracy(
        data.template,
        resolved.map((x) => x.template)
      ),
      lines: data.content.length,
      truthTemplates: new Set(data.template).size,
      templates: new Set(resolved.map((x) => x.id)).size,
      seconds,
    };
    systems[sys.name] = r;
    onSystem?.(sys.name, r);
  }
  const names = Object.keys(systems);
  const mean = (f: (r: LogParseSystemResult) => number) => names.reduce((s, n) => s + f(systems[n]), 0) / names.length;
  return { systems, average: { ga: mean((r) => r.ga), pa: mean((r) => r.pa) } };
}

const round4 = (x: number) => Math.round(x * 10000) / 10000;

/** The per-system table (Drain's published GA beside ours where published). */
export function formatLogParseTable(result: LogParseResult): string {
  const header = ['system', 'lines', 'templates', 'found', 'GA', 'PA', 'Drain GA (published)'];
  const rows = Object.entries(result.systems).map(([name, r]) => [
    name,
    String(r.lines),
    String(r.truthTemplates),
    String(r.templates),
    r.ga.toFixed(3),
    r.pa.toFixed(3),
    name in DRAIN_PUBLISHED_GA ? DRAIN_PUBLISHED_GA[name].toFixed(3) : '-',
  ]);
  const published = Object.keys(result.systems).filter((n) => n in DRAIN_PUBLISHED_GA);
  const drainMean = published.reduce((s, n) => s + DRAIN_PUBLISHED_GA[n], 0) / Math.max(1, published.length);
  rows.push([
    'average',
    '',
    '',
    '',
    result.average.ga.toFixed(3),
    result.average.pa.toFixed(3),
    published.length ? drainMean.toFixed(3) : '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/** The last line of `vigil bench logparse`: `{"systems": {"<S>": {"ga", "pa"}}, "average": {"ga", "pa"}}`. */
export function logParseSummary(result: LogParseResult): string {
  const systems: Record<string, { ga: number; pa: number }> = {};
  for (const [name, r] of Object.entries(result.systems)) systems[name] = { ga: round4(r.ga), pa: round4(r.pa) };
  return JSON.stringify({ systems, average: { ga: round4(result.average.ga), pa: round4(result.average.pa) } });
}
