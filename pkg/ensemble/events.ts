import type { Labels } from '../core/series';
import type { DetectorInput } from '../detectors/types';
import { severityOf } from '../contract/rules';
import type { EnsembleOutput } from './types';
import type { AnomalyEvent } from '../contract/results';

export interface EventOptions {
  /** normal points allowed inside one event before it splits in two (default 1) */
  mergeGap?: number;
  /** a detector is named in an event when its own score at the peak reaches this (0-100, default 50) */
  detectorScore?: number;
  /** name of the metric for explanations, e.g. `requests` (default: labels.__name__ or "value") */
  metric?: string;
}

/**
 * Merge anomalous points into events: consecutive anomalous points (allowing `mergeGap` normal points between
 * them) form one event with its start, end, peak score, severity (of the peak), the detectors that saw it
 * with their scores at the peak, expected vs actual at the peak, direction and a readable explanation.
 *
 * @param labels the series' labels, copied into each event
 * @param input the scored series (timestamps epoch ms, values)
 * @param out the ensemble output for `input`
 * @returns events in time order
 */
export function buildEvents(
  labels: Labels,
  input: DetectorInput,
  out: EnsembleOutput,
  options: EventOptions = {}
): AnomalyEvent[] {
  const mergeGap = options.mergeGap ?? 1;
  const detectorScore = options.detectorScore ?? 50;
  const metric = options.metric ?? labels.__name__ ?? 'value';
  const events: AnomalyEvent[] = [];
  const n = input.values.length;
  let i = 0;
  while (i < n) {
    if (!out.anomalous[i]) {
      i++;
      continue;
    }
    const first = i;
    let last = i;
    let peak = i;
    let j = i + 1;
    while (j < n && j - last - 1 <= mergeGap) {
      if (out.anomalous[j]) {
        last = j;
        if (out.score[j] > out.score[peak]) peak = j;
      }
      j++;
    }
    const detectors: Record<string, number> = {};
    for (const [name, scores] of Object.entries(out.contributions)) {
      if (scores[peak] >= detectorScore) detectors[name] = round1(scores[peak]);
    }
    const actual = input.values[peak];
    const expected = out.expected[peak];
    const direction = out.direction[peak] < 0 ? 'below' : 'above';
    const severity = severityOf(out.score[peak]);
    events.push({
      start: input.timestamps[first],
      end: input.timestamps[last],
      labels: { ...labels },
      severity,
      score: round1(out.score[peak]),
      peak: input.timestamps[peak],
      detectors,
      expected,
      actual,
      direction,
      confidence: out.confidence[peak],
      explanation: explain(metric, actual, expected, out.lower[peak], out.upper[peak], direction, detectors, out, peak),
    });
    i = last + 1;
  }
  return events;
}

function explain(
  metric: string,
  actual: number,
  expected: number,
  lower: number,
  upper: number,
  direction: 'above' | 'below',
  detectors: Record<string, number>,
  out: EnsembleOutput,
  peak: number
): string {
  const names = Object.entries(detectors)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${Math.round(v)}`);
  const total = Object.keys(out.contributions).length;
  const band = Number.isNaN(lower) || Number.isNaN(upper) ? '' : ` (band ${fmt(lower)} to ${fmt(upper)})`;
  const exp = Number.isNaN(expected) ? 'no expected value' : `expected ${fmt(expected)}${band}`;
  return (
    `${metric} was ${fmt(actual)}, ${direction} the ${exp}; ` +
    `${names.length} of ${total} detectors saw it (${names.join(', ') || 'none above 50'}); ` +
    `anomaly score ${Math.round(out.score[peak])}`
  );
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 10) return String(Number(x.toFixed(1)));
  return Number(x.toPrecision(3)).toString();
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
