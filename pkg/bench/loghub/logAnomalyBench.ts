/**
 * `vigil bench logs`: line-level precision, recall and F1 of the log anomaly detection (default configuration) on
 * every system of a loghub-style corpus whose structured CSV has a `Label` column (`-` for a normal line), as BGL's
 * does (alert categories from Oliner & Stearley, "What Supercomputers Say: A Study of Five System Logs", DSN 2007).
 */

import { atLeast, parseLevel, type Severity } from '../../logs/severity';
import { detectLogAnomalies, type LogAnomalyOptions, type LogRecord } from '../../logs/logAnomalies';
import { listLoghubSystems, readLoghubStructured } from './corpus';

/** Counts and scores of one way of flagging lines. */
export interface LineScores {
  flagged: number;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Result for one labelled system. */
export interface LogBenchSystem {
  lines: number;
  alerts: number;
  /** the product's decision */
  vigil: LineScores;
  /** baseline: lines at the most severe level present (FATAL in BGL) */
  topLevel: LineScores;
  /** what each step of the fault model adds: a stated failure at error level or above; then not a caller error */
  stated: LineScores;
  notCaller: LineScores;
  events: number;
  seconds: number;
}

export interface LogBenchResult {
  systems: Record<string, LogBenchSystem>;
  /** over all labelled lines of all systems */
  overall: LineScores;
}

/** Precision, recall and F1 of flags against truth. */
export function lineScores(truth: ArrayLike<boolean>, flags: ArrayLike<boolean>): LineScores {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let flagged = 0;
  for (let i = 0; i < truth.length; i++) {
    if (flags[i]) flagged++;
    if (flags[i] && truth[i]) tp++;
    else if (flags[i]) fp++;
    else if (truth[i]) fn++;
  }
  return fromCounts(flagged, tp, fp, fn);
}

function fromCounts(flagged: number, tp: number, fp: number, fn: number): LineScores {
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { flagged, tp, fp, fn, precision, recall, f1 };
}

function errorOrWorse(level: Severity | undefined): boolean {
  return level === undefined || atLeast(level, 'error');
}

/** Epoch ms of a structured row: `Timestamp` in seconds (or ms when large); NaN when absent. */
function rowTime(row: Record<string, string>): number {
  const t = Number(row.Timestamp);
  if (row.Timestamp === undefined || row.Timestamp === '' || !Number.isFinite(t)) return NaN;
  return t < 1e11 ? t * 1000 : t;
}

/**
 * Run the log anomaly detection on each labelled system.
 *
 * @param dir a loghub-style corpus folder
 * @throws InputError when no system has a `Label` column
 */
export function benchLogAnomalies(
  dir: string,
  options: LogAnomalyOptions = {},
  onSystem?: (name: string, r: LogBenchSystem) => void
): LogBenchResult {
  const systems: Record<string, LogBenchSystem> = {};
  for (const sys of listLoghubSystems(dir)) {
    const data = readLoghubStructured(sys.file);
    if (data.rows.length === 0 || !('Label' in data.rows[0])) continue;
    const started = performance.now();
    const records: LogRecord[] = data.rows.map((r, i) => ({
      time: rowTime(r),
      message: r.Content ?? '',
      ...(r.Level !== undefined ? { level: r.Level } : {}),
      line: i + 1,
    }));
    const report = detectLogAnomalies(records, options);
    const truth = data.rows.map((r) => r.Label !== '-' && r.Label !== '');
    const levels = data.rows.map((r) => parseLevel(r.Level));
    const top = levels.reduce<ReturnType<typeof parseLevel>>((m, l) => (l && (!m || atLeast(l, m)) ? l : m), undefined);
    const r: LogBenchSystem = {
      lines: records.length,
      alerts: truth.filter(Boolean).length,
      vigil: lineScores(
        truth,
        Array.from(report.anomalous, (x) => x === 1)
      ),
      topLevel: lineScores(
        truth,
        levels.map((l) => l !== undefined && top !== undefined && l === top)
      ),
      stated: lineScores(
        truth,
        report.severities.map(
          (s) => s.reason !== 'none' && s.reason !== 'undone' && s.reason !== 'level' && errorOrWorse(s.level)
        )
      ),
      notCaller: lineScores(
        truth,
        report.severities.map((s) => (s.reason === 'fault' || s.reason === 'status report') && errorOrWorse(s.level))
      ),
      events: report.events.length,
      seconds: (performance.now() - started) / 1000,
    };
    systems[sys.name] = r;
    onSystem?.(sys.name, r);
  }
  const names = Object.keys(systems);
  if (names.length === 0) throw new Error(`${dir}: no system has a Label column to score against`);
  const add = (k: 'flagged' | 'tp' | 'fp' | 'fn') => names.reduce((s, n) => s + systems[n].vigil[k], 0);
  return { systems, overall: fromCounts(add('flagged'), add('tp'), add('fp'), add('fn')) };
}

/** The per-system table, the top-level baseline beside the product's decision. */
export function formatLogBenchTable(result: LogBenchResult): string {
  const header = ['system', 'lines', 'alerts', 'method', 'flagged', 'precision', 'recall', 'F1'];
  const rows: string[][] = [];
  for (const [name, r] of Object.entries(result.systems)) {
    const row = (method: string, s: LineScores) => [
      name,
      String(r.lines),
      String(r.alerts),
      method,
      String(s.flagged),
      s.precision.toFixed(3),
      s.recall.toFixed(3),
      s.f1.toFixed(3),
    ];
    rows.push(
      row('top level alone', r.topLevel),
      row('failure stated, level error+', r.stated),
      row('... not a caller error', r.notCaller),
      row('... not a status report (vigil)', r.vigil)
    );
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 || i === 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/** The last line of `vigil bench logs`. */
export function logBenchSummary(result: LogBenchResult): string {
  const r4 = (x: number) => Math.round(x * 10000) / 10000;
  return JSON.stringify({
    precision: r4(result.overall.precision),
    recall: r4(result.overall.recall),
    f1: r4(result.overall.f1),
  });
}
