import path from 'node:path';
import { InputError } from '../core/errors';
import type { Incident } from '../incidents/types';
import type { Accuracy, GroundTruth, TruthWindow } from './types';

const TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parse a window bound: NAB's `YYYY-MM-DD HH:MM:SS[.ffffff]` (UTC), ISO 8601 with or without a zone (UTC when
 * none), or epoch ms as a number.
 * @throws InputError naming the text
 */
export function parseTruthTime(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value !== 'string') throw new InputError(`not a time: ${JSON.stringify(value)}`);
  const m = TIME.exec(value.trim());
  if (!m) throw new InputError(`not a time (YYYY-MM-DD HH:MM:SS, ISO 8601 or epoch ms): "${value}"`);
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  let ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, s ? +s : 0) + (frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0);
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (+digits.slice(0, 2) * 60 + +digits.slice(2)) * 60_000;
  }
  return ms;
}

/**
 * Known incident windows from a labels document in NAB's window format (`combined_windows.json`: data file ->
 * list of `[start, end]`), for one data file: the key whose file name matches `dataFile`'s, or the only key, or
 * every window when `dataFile` is not given. A plain list of `[start, end]` pairs is accepted too.
 *
 * @param doc the parsed JSON
 * @param where the labels file's name, for messages
 * @throws InputError when the document is not in that format, or has several keys and none matches `dataFile`
 */
export function windowsFromLabels(doc: unknown, where: string, dataFile?: string): TruthWindow[] {
  const pairs = (value: unknown, key: string): TruthWindow[] => {
    if (!Array.isArray(value)) throw new InputError(`${where}: windows of "${key}" must be a list of [start, end]`);
    return value.map((w, i) => {
      if (!Array.isArray(w) || w.length !== 2) {
        throw new InputError(`${where}: window ${i} of "${key}" must be [start, end]`);
      }
      let start: number;
      let end: number;
      try {
        start = parseTruthTime(w[0]);
        end = parseTruthTime(w[1]);
      } catch (err) {
        throw new InputError(`${where}: window ${i} of "${key}": ${(err as Error).message}`);
      }
      if (end < start) throw new InputError(`${where}: window ${i} of "${key}" ends before it starts`);
      return { start, end };
    });
  };
  if (Array.isArray(doc)) return pairs(doc, '(list)');
  if (doc === null || typeof doc !== 'object') {
    throw new InputError(`${where}: expected NAB windows: an object mapping data files to [start, end] lists`);
  }
  const entries = Object.entries(doc as Record<string, unknown>);
  if (!dataFile) return entries.flatMap(([k, v]) => pairs(v, k));
  const base = path.basename(dataFile);
  const match = entries.find(([k]) => path.basename(k) === base || k === dataFile);
  if (match) return pairs(match[1], match[0]);
  if (entries.length === 1) return pairs(entries[0][1], entries[0][0]);
  throw new InputError(
    `${where}: no windows for "${base}" (keys: ${entries
      .slice(0, 5)
      .map(([k]) => k)
      .join(', ')}${entries.length > 5 ? ', ...' : ''})`
  );
}

/**
 * Precision, recall and F1 of incidents against ground truth, counted per incident (event level, not per point).
 *
 * - Windows: an incident is a true positive when it overlaps a window, else a false positive; a window no
 *   incident overlaps is a false negative. precision = TP / incidents, recall = windows found / windows.
 * - Feedback: an incident is a true positive when a user confirmed one of its events, a false positive when its
 *   judged events were all marked false positive or expected; unjudged incidents are left out. Recall is `null`
 *   (feedback cannot show what was missed).
 *
 * F1 is the harmonic mean of precision and recall (null when either is).
 */
export function accuracy(incidents: readonly Incident[], truth: GroundTruth): Accuracy {
  if (truth.kind === 'windows') {
    const hit = (i: Incident, w: TruthWindow) => i.start <= w.end && i.end > w.start;
    const tp = incidents.filter((i) => truth.windows.some((w) => hit(i, w))).length;
    const found = truth.windows.filter((w) => incidents.some((i) => hit(i, w))).length;
    const precision = incidents.length ? tp / incidents.length : null;
    const recall = truth.windows.length ? found / truth.windows.length : null;
    return {
      source: `labels file ${truth.source}`,
      truePositives: tp,
      falsePositives: incidents.length - tp,
      falseNegatives: truth.windows.length - found,
      windows: truth.windows.length,
      windowsFound: found,
      precision: r3(precision),
      recall: r3(recall),
      f1: r3(f1(precision, recall)),
    };
  }
  const verdicts = new Map(truth.verdicts.map((v) => [v.eventId, v.verdict]));
  let tp = 0;
  let fp = 0;
  let unjudged = 0;
  for (const i of incidents) {
    const judged = i.eventIds.map((id) => verdicts.get(id)).filter((v) => v !== undefined);
    if (judged.length === 0) unjudged++;
    else if (judged.includes('confirmed')) tp++;
    else fp++;
  }
  const precision = tp + fp ? tp / (tp + fp) : null;
  return {
    source: 'feedback',
    truePositives: tp,
    falsePositives: fp,
    unjudged,
    precision: r3(precision),
    recall: null,
    f1: null,
  };
}

function f1(p: number | null, r: number | null): number | null {
  if (p === null || r === null) return null;
  return p + r > 0 ? (2 * p * r) / (p + r) : 0;
}

function r3(x: number | null): number | null {
  return x === null ? null : Math.round(x * 1000) / 1000;
}
