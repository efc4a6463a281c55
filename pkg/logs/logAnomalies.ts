/**
 * Anomalies in log lines: templates are mined from the messages, and four signals raise events, each carrying up
 * to five example lines:
 *
 * - `log:fault`: lines that report a fault (`severity.ts`: a failure stated at error level or above, or without a
 *   level, that is neither the caller's error nor a status report);
 * - `log:new-template`: a template first seen after the warm-up (the first `warmup` share of the time span);
 * - `log:template-count`: per-template line counts per interval are series, judged by the detection ensemble
 *   (`detect`), so a rare template appearing in a burst, or a regular one falling silent, is an anomaly like a
 *   spike in any metric; they warm up over the same `warmup` share of the span (the file is its own history);
 * - `log:tfidf-iforest`: an interval whose mix of templates is unusual (TF-IDF + Isolation Forest,
 *   `windowOutliers.ts`).
 *
 * Signals of one template that touch the same or adjacent intervals form one event. Only lines that report a fault
 * make an event major or critical (their own 0-100 severity); the other signals alone make at most a minor event
 * (score below 50), so a burst of info lines is shown without paging anyone. A line is anomalous when its own
 * severity score is 50 or more: that is the line-level decision `vigil bench logs` measures.
 */

import { InputError } from '../core/errors';
import { formatInterval } from '../core/interval';
import type { Series } from '../core/series';
import { detect, MIN_POINTS, type DetectOptions } from '../pipeline/detect';
import { severityOf } from '../contract/rules';
import type { AnomalyEvent } from '../contract/results';
import { compileMaskingRules, DEFAULT_MASKING, maskMessage } from './masking';
import { TemplateMiner, type TemplateInfo, type TemplateMinerOptions, type TemplateMinerState } from './miner';
import { lineSeverity, type LineSeverity } from './severity';
import { windowOutliers } from './windowOutliers';

/** One log line as the log pipeline sees it. */
export interface LogRecord {
  /** epoch ms; NaN when the line has no time */
  time: number;
  /** the free-text part of the line */
  message: string;
  /** the level field, when the header has one */
  level?: string;
  /** 1-based line number in its source, for examples */
  line?: number;
}

/** Options of `detectLogAnomalies`; all optional. */
export interface LogAnomalyOptions {
  /** interval of the per-template count series and of the windows, ms (default: chosen from the span) */
  intervalMs?: number;
  /** the time range the series cover (epoch ms, `to` exclusive); default: the first to the last line */
  range?: { from: number; to: number };
  /**
   * share of the time span before which no template counts as new and the count series only learn (default 0.1;
   * the count series warm up over at least 10 intervals)
   */
  warmup?: number;
  /** templates with at least this many lines get a count series (default 10) */
  minSeriesLines?: number;
  /** most count series judged, most frequent templates first (default 50) */
  maxSeries?: number;
  /** Isolation Forest score (0-1) from which a window is unusual (default 0.7: clearly isolated, Liu et al. 2008) */
  windowThreshold?: number;
  /** example lines per event (default 5) */
  examples?: number;
  /** template miner options */
  miner?: Partial<TemplateMinerOptions>;
  /** ensemble options for the count series */
  detection?: DetectOptions;
}

/** An example line of an event. */
export interface LogExample {
  time: number;
  line?: number;
  message: string;
}

/** A log anomaly: an anomaly event plus the template and example lines. */
export interface LogEvent extends AnomalyEvent {
  kind: 'template' | 'window';
  templateId?: string;
  template?: string;
  /** lines in the event */
  count: number;
  /** up to `examples` lines, in time order */
  examples: LogExample[];
}

/** What `detectLogAnomalies` returns. */
export interface LogAnomalyReport {
  intervalMs: number;
  templates: TemplateInfo[];
  /** per-template line counts per interval (labels `__name__="log_template_lines"`, `template_id`, `template`) */
  series: Series[];
  events: LogEvent[];
  /** per input line: template id, 0-100 severity score, anomalous (score >= 50) */
  lineTemplates: string[];
  lineScores: Float64Array;
  anomalous: Uint8Array;
  severities: LineSeverity[];
  miner: TemplateMinerState;
  warnings: string[];
}

const NICE_INTERVALS = [60_000, 300_000, 900_000, 3_600_000, 21_600_000, 86_400_000, 604_800_000];
/** Most intervals a span is cut into when the interval is chosen automatically. */
export const MAX_AUTO_BUCKETS = 2000;

/** The smallest of 1m, 5m, 15m, 1h, 6h, 1d, 1w that cuts `spanMs` into at most 2000 intervals. */
export function chooseLogInterval(spanMs: number): number {
  for (const i of NICE_INTERVALS) if (spanMs / i <= MAX_AUTO_BUCKETS) return i;
  return NICE_INTERVALS[NICE_INTERVALS.length - 1];
}

/** Largest score a signal other than a fault gives an event (the top of the minor band). */
const NON_FAULT_CAP = 49;
const NEW_TEMPLATE_SCORE = 40;

interface Mark {
  from: number;
  to: number;
  detector: string;
  score: number;
  expected?: number;
  actual?: number;
  direction?: 'above' | 'below';
}

/**
 * Find anomalies in log lines.
 *
 * @param records log lines in source order (times epoch ms, NaN when unknown); not mutated
 * @param options see `LogAnomalyOptions`
 * @returns templates, per-template count series, events (time order) and per-line decisions
 * @throws ParameterError for bad miner or detection options; InputError for a bad interval or warm-up
 */
export function detectLogAnomalies(records: readonly LogRecord[], options: LogAnomalyOptions = {}): LogAnomalyReport {
  const warmup = options.warmup ?? 0.1;
  if (!(warmup >= 0 && warmup <= 1)) throw new InputError(`logs: warmup must be in [0, 1], got ${warmup}`);
  if (options.intervalMs !== undefined && !(options.intervalMs > 0)) {
    throw new InputError(`logs: interval must be positive, got ${options.intervalMs}`);
  }
  const exampleCount = options.examples ?? 5;
  const warnings: string[] = [];
  const miner = new TemplateMiner(options.miner ?? {});
  const rules = options.miner?.masking ? compileMaskingRules(options.miner.masking) : DEFAULT_MASKING;

  const refs = records.map((r) => miner.add(r.message ?? '', Number.isFinite(r.time) ? r.time : undefined).ref);
  const resolved = refs.map((ref) => miner.resolve(ref));
  const lineTemplates = resolved.map((r) => r.id);
  const templateText = new Map(resolved.map((r) => [r.id, r.template]));
  const severities = records.map((r) => lineSeverity(maskMessage(r.message ?? '', rules), r.level));
  const lineScores = Float64Array.from(severities, (s) => s.score);
  const anomalous = Uint8Array.from(lineScores, (s) => (s >= 50 ? 1 : 0));

  const timed = records.map((r, i) => i).filter((i) => Number.isFinite(records[i].time));
  const base = {
    templates: miner.templates(),
    lineTemplates,
    lineScores,
    anomalous,
    severities,
    miner: miner.toJSON(),
    warnings,
  };
  if (timed.length < 2) {
    warnings.push('fewer than two lines have a time: no series, windows or new-template events');
    return { ...base, intervalMs: options.intervalMs ?? 0, series: [], events: faultOnlyEvents() };
  }
  let t0 = Infinity;
  let t1 = -Infinity;
  for (const i of timed) {
    t0 = Math.min(t0, records[i].time);
    t1 = Math.max(t1, records[i].time);
  }
  if (options.range) {
    if (!(options.range.to > options.range.from)) throw new InputError('logs: range.to must be after range.from');
    t0 = Math.min(t0, options.range.from);
    t1 = Math.max(t1, options.range.to - 1);
  }
  const intervalMs = options.intervalMs ?? chooseLogInterval(t1 - t0);
  const start = Math.floor(t0 / intervalMs) * intervalMs;
  const buckets = Math.floor((t1 - start) / intervalMs) + 1;
  if (buckets > 1_000_000) throw new InputError(`logs: ${buckets} intervals of ${intervalMs} ms is too many`);
  const bucketOf = (t: number) => Math.floor((t - start) / intervalMs);
  const warmupEnd = t0 + warmup * (t1 - t0);

  // lines of each template, in time order
  const byTemplate = new Map<string, number[]>();
  for (const i of timed) {
    const id = lineTemplates[i];
    const list = byTemplate.get(id);
    if (list) list.push(i);
    else byTemplate.set(id, [i]);
  }
  for (const list of byTemplate.values()) list.sort((a, b) => records[a].time - records[b].time || a - b);

  const marks = new Map<string, Mark[]>();
  const addMark = (id: string, m: Mark) => {
    const list = marks.get(id);
    if (list) list.push(m);
    else marks.set(id, [m]);
  };
  for (const [id, lines] of byTemplate) {
    for (const i of lines) {
      if (severities[i].fault) {
        const b = bucketOf(records[i].time);
        addMark(id, { from: b, to: b, detector: 'log:fault', score: lineScores[i] });
      }
    }
    const first = records[lines[0]].time;
    if (first > warmupEnd) {
      const b = bucketOf(first);
      addMark(id, { from: b, to: b, detector: 'log:new-template', score: NEW_TEMPLATE_SCORE, expected: 0 });
    }
  }

  // per-template count series through the detection ensemble
  const timestamps = Float64Array.from({ length: buckets }, (_, b) => start + b * intervalMs);
  const series: Series[] = [];
  for (const [id, lines] of byTemplate) {
    const values = new Float64Array(buckets);
    for (const i of lines) values[bucketOf(records[i].time)]++;
    series.push({
      labels: { __name__: 'log_template_lines', template_id: id, template: templateText.get(id) ?? '' },
      timestamps,
      values,
    });
  }
  series.sort((a, b) => sum(b.values) - sum(a.values) || compareIds(a.labels.template_id, b.labels.template_id));
  const judged = series
    .filter((s) => sum(s.values) >= (options.minSeriesLines ?? 10))
    .slice(0, options.maxSeries ?? 50);
  if (judged.length > 0 && buckets >= 10) {
    // a file's history is the file itself: the count series warm up over the same share of the span as new
    // templates (at least MIN_POINTS intervals), not the pipeline's two days, which would leave a file of a few
    // hours unjudged
    const countWarmup = Math.max(MIN_POINTS, Math.ceil(warmup * buckets));
    const report = detect(judged, { warmup: countWarmup, ...options.detection, intervalMs });
    for (const e of report.anomalies) {
      addMark(e.labels.template_id, {
        from: bucketOf(e.start),
        to: bucketOf(e.end),
        detector: 'log:template-count',
        score: e.score,
        expected: e.expected,
        actual: e.actual,
        direction: e.direction,
      });
    }
  } else if (buckets < 10) warnings.push(`only ${buckets} intervals: template counts are not judged as series`);

  const events: LogEvent[] = [];
  for (const [id, list] of marks) events.push(...templateEvents(id, list));

  // unusual windows
  const windows: string[][] = Array.from({ length: buckets }, () => []);
  for (const i of timed) windows[bucketOf(records[i].time)].push(lineTemplates[i]);
  const { scores, matrix } = windowOutliers(windows);
  const threshold = options.windowThreshold ?? 0.7;
  const idf = new Map(matrix.terms.map((t, c) => [t, matrix.idf[c]]));
  for (let b = 0; b < buckets; b++) {
    if (!(scores[b] >= threshold)) continue;
    const lines = timed.filter((i) => bucketOf(records[i].time) === b);
    const rare = [...lines].sort(
      (x, y) => (idf.get(lineTemplates[y]) ?? 0) - (idf.get(lineTemplates[x]) ?? 0) || x - y
    );
    const score = Math.min(NON_FAULT_CAP, Math.round((scores[b] - 0.5) * 200));
    const from = start + b * intervalMs;
    events.push({
      kind: 'window',
      start: from,
      end: from + intervalMs,
      labels: { __name__: 'log_window' },
      severity: severityOf(score),
      score,
      peak: from,
      detectors: { 'log:tfidf-iforest': Math.round(scores[b] * 100) },
      expected: NaN,
      actual: lines.length,
      direction: 'above',
      confidence: 1,
      explanation:
        `the mix of ${plural(lines.length, 'line')} in this ${formatInterval(intervalMs)} is unusual ` +
        `(TF-IDF + Isolation Forest score ${scores[b].toFixed(2)}); rarest: ` +
        rare
          .slice(0, 2)
          .map((i) => `"${templateText.get(lineTemplates[i])}"`)
          .join(', '),
      count: lines.length,
      examples: examplesOf(rare.slice(0, exampleCount).sort((x, y) => records[x].time - records[y].time || x - y)),
    });
  }
  events.sort((a, b) => a.start - b.start || b.score - a.score);
  return { ...base, intervalMs, series, events };

  function faultOnlyEvents(): LogEvent[] {
    const out: LogEvent[] = [];
    const byId = new Map<string, number[]>();
    records.forEach((_, i) => {
      if (!severities[i].fault) return;
      const list = byId.get(lineTemplates[i]);
      if (list) list.push(i);
      else byId.set(lineTemplates[i], [i]);
    });
    for (const [id, lines] of byId) {
      const score = Math.max(...lines.map((i) => lineScores[i]));
      out.push({
        kind: 'template',
        templateId: id,
        template: templateText.get(id),
        start: NaN,
        end: NaN,
        labels: { __name__: 'log_template_lines', template_id: id, template: templateText.get(id) ?? '' },
        severity: severityOf(score),
        score,
        peak: NaN,
        detectors: { 'log:fault': score },
        expected: 0,
        actual: lines.length,
        direction: 'above',
        confidence: 1,
        explanation: `${plural(lines.length, 'line')} of "${templateText.get(id)}" report a fault`,
        count: lines.length,
        examples: examplesOf(lines.slice(0, exampleCount)),
      });
    }
    return out;
  }

  function examplesOf(lines: number[]): LogExample[] {
    return lines.map((i) => {
      const ex: LogExample = { time: records[i].time, message: records[i].message };
      if (records[i].line !== undefined) ex.line = records[i].line;
      return ex;
    });
  }

  function templateEvents(id: string, list: Mark[]): LogEvent[] {
    list.sort((a, b) => a.from - b.from || a.to - b.to);
    const groups: Mark[][] = [];
    for (const m of list) {
      const g = groups[groups.length - 1];
      if (g && m.from <= Math.max(...g.map((x) => x.to)) + 1) g.push(m);
      else groups.push([m]);
    }
    const lines = byTemplate.get(id) ?? [];
    const total = lines.length;
    const rate = total / buckets;
    const template = templateText.get(id) ?? '';
    return groups.map((g) => {
      const from = Math.min(...g.map((m) => m.from));
      const to = Math.max(...g.map((m) => m.to));
      const inside = lines.filter((i) => {
        const b = bucketOf(records[i].time);
        return b >= from && b <= to;
      });
      const detectors: Record<string, number> = {};
      for (const m of g) detectors[m.detector] = Math.max(detectors[m.detector] ?? 0, Math.round(m.score));
      const fault = g.filter((m) => m.detector === 'log:fault').reduce((s, m) => Math.max(s, m.score), 0);
      const other = g.filter((m) => m.detector !== 'log:fault').reduce((s, m) => Math.max(s, m.score), 0);
      const score = Math.round(Math.max(fault, Math.min(NON_FAULT_CAP, other)));
      const peakLine = inside.reduce((p, i) => (p < 0 || lineScores[i] > lineScores[p] ? i : p), -1);
      const counted = g.find((m) => m.detector === 'log:template-count');
      const direction = counted?.direction ?? 'above';
      const startMs = inside.length ? records[inside[0]].time : start + from * intervalMs;
      const endMs = inside.length ? records[inside[inside.length - 1]].time : start + (to + 1) * intervalMs;
      const faults = inside.filter((i) => severities[i].fault).length;
      const parts: string[] = [];
      if (faults > 0) parts.push(`${faults} ${faults === 1 ? 'reports' : 'report'} a fault${faultLevel(inside)}`);
      if (detectors['log:new-template'] !== undefined) parts.push('the template was never seen before');
      if (counted) {
        parts.push(
          `${direction === 'above' ? 'more' : 'fewer'} lines than expected (${fmt(counted.actual)} vs ${fmt(counted.expected)} per ${formatInterval(intervalMs)})`
        );
      }
      return {
        kind: 'template' as const,
        templateId: id,
        template,
        start: startMs,
        end: endMs,
        labels: { __name__: 'log_template_lines', template_id: id, template },
        severity: severityOf(score),
        score,
        peak: peakLine >= 0 ? records[peakLine].time : startMs,
        detectors,
        expected: counted?.expected ?? rate,
        actual: counted?.actual ?? inside.length,
        direction,
        confidence: 1,
        explanation: `${plural(inside.length, 'line')} of template ${id} "${template}": ${parts.join('; ')}`,
        count: inside.length,
        examples: examplesOf(inside.slice(0, exampleCount)),
      };
    });
  }

  function faultLevel(lines: number[]): string {
    const levels = [
      ...new Set(
        lines
          .filter((i) => severities[i].fault)
          .map((i) => records[i].level)
          .filter(Boolean)
      ),
    ];
    return levels.length ? ` (level ${levels.join(', ')})` : '';
  }
}

function sum(values: Float64Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function fmt(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '?';
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
