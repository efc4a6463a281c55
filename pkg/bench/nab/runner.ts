/**
 * The NAB benchmark runner: honest streaming detection over every series of a NAB-style corpus, results files
 * in NAB's layout, and scoring with the NAB v1.1 scorer port.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { InputError, ParameterError } from '../../core/errors';
import { inferInterval } from '../../core/regularize';
import { defaultOnset, escalationStep } from '../../ensemble/events';
import type { EnsembleOptions } from '../../ensemble/types';
import { runSeries, type DetectOptions } from '../../pipeline/detect';
import { onsetScores } from './onset';
import { listDataFiles, readNabCsv, readProfiles, readWindows } from './corpus';
import { scoreCorpus, type ProfileResult, type ScoredFile } from './scoreCorpus';
import { formatNabTimestamp } from './timestamps';
import type { Profiles } from './types';

/** NAB v1.1's three application profiles (`config/profiles.json`), used when no profiles file is given. */
export const NAB_PROFILES: Profiles = {
  standard: { CostMatrix: { tpWeight: 1.0, fnWeight: 1.0, fpWeight: 0.11, tnWeight: 1.0 } },
  reward_low_FP_rate: { CostMatrix: { tpWeight: 1.0, fnWeight: 1.0, fpWeight: 0.22, tnWeight: 1.0 } },
  reward_low_FN_rate: { CostMatrix: { tpWeight: 1.0, fnWeight: 2.0, fpWeight: 0.11, tnWeight: 1.0 } },
};

/** Detection output for one series, every array the series' length. Scores are 0-1 (NaN mapped to 0). */
export interface FileDetection {
  /** relative data path, `<category>/<file>.csv` */
  file: string;
  timestamps: Float64Array;
  values: Float64Array;
  /**
   * the ensemble's strength as the event logic ranks it (`escalationStep`: doubling steps beyond score 100) mapped
   * monotonically into [0, 1) (the 0-100 score saturates; NAB ranks rows, and the onsets are the pipeline's own)
   */
  score: Float64Array;
  /** each member's own score / 100 */
  contributions: Record<string, Float64Array>;
  /** 1 where the pipeline opened an event (the alert) */
  onset: Uint8Array;
  /** the pipeline's refractory window for this series, rows */
  onsetRows: number;
  /** wall time of detection, ms */
  elapsedMs: number;
}

/**
 * Detect anomalies in one NAB series exactly as `vigil detect` does: the series goes through the detection
 * pipeline (`runSeries`), a stream that judges each row against the rows before it only. No labels are used.
 *
 * @param timestamps epoch ms per row; values per row (NaN = missing)
 * @throws InputError when the series is too short to judge; ParameterError for bad options
 */
export function detectStreaming(
  file: string,
  timestamps: Float64Array,
  values: Float64Array,
  options: DetectOptions = {}
): FileDetection {
  const started = performance.now();
  const intervalMs = inferInterval(timestamps);
  const run = runSeries({ labels: { file }, timestamps, values }, { ...options, intervalMs });
  const output = run.output;
  if (!output) throw new InputError(run.warning ?? 'series cannot be judged', { file });
  // rows that are not on the grid (irregular spacing) take the score of the grid point they were bucketed into
  const first = run.grid.timestamps[0];
  const row = Int32Array.from(timestamps, (t) =>
    Math.round((Math.floor(t / intervalMs) * intervalMs - first) / intervalMs)
  );
  const unit = (xs: ArrayLike<number>) =>
    Float64Array.from(row, (g) => (Number.isNaN(xs[g]) ? 0 : Math.min(1, Math.max(0, xs[g] / 100))));
  const contributions: Record<string, Float64Array> = {};
  for (const [name, c] of Object.entries(output.contributions)) contributions[name] = unit(c);
  // an alert belongs to the first row of its grid point
  const onset = new Uint8Array(timestamps.length);
  row.forEach((g, i) => (onset[i] = output.onset[g] && (i === 0 || row[i - 1] !== g) ? 1 : 0));
  return {
    file,
    timestamps,
    values,
    score: Float64Array.from(row, (g) => squash(escalationStep(output.strength[g]))),
    contributions,
    onset,
    onsetRows: defaultOnset(intervalMs),
    elapsedMs: performance.now() - started,
  };
}

/** A strength (a normal score, any real) mapped into [0, 1), increasing; NaN to 0. */
function squash(z: number): number {
  return Number.isNaN(z) ? 0 : 1 / (1 + Math.exp(-z / 4));
}

/** Write a NAB results file: `timestamp,value,anomaly_score`. */
export function writeResultsFile(outFile: string, d: FileDetection, anomalyScore: Float64Array = d.score): void {
  const rows: (string | number)[][] = [['timestamp', 'value', 'anomaly_score']];
  for (let i = 0; i < d.timestamps.length; i++) {
    rows.push([formatNabTimestamp(d.timestamps[i]), d.values[i], anomalyScore[i]]);
  }
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, stringify(rows));
}

/** Options of `runNab`. */
export interface NabRunOptions {
  /** NAB-style `data/` directory: `<category>/<file>.csv` with `timestamp,value` */
  dataDir: string;
  /** `combined_windows.json` */
  labelsFile: string;
  /** results go to `<outDir>/<category>/vigil_<file>.csv` */
  outDir: string;
  /** cost profiles (default: NAB v1.1's three) */
  profiles?: Profiles;
  ensemble?: Partial<EnsembleOptions>;
  /**
   * onset window in rows (default: each series' event refractory window, `defaultOnset`): a row keeps its score
   * only when higher than every score of that many rows before it (see `onsetScores`), as an event opens only at
   * such a row
   */
  onset?: number;
  /** only these relative paths (default: every series of `dataDir`) */
  files?: string[];
  /** called after each file */
  onFile?: (d: FileDetection, index: number, count: number) => void;
}

/** Result of a benchmark run. */
export interface NabRun {
  detections: FileDetection[];
  /** ensemble scored per profile */
  scores: Record<string, ProfileResult>;
}

/**
 * Run the benchmark: detect every series (no labels are used in detection, one setting for all files),
 * write the results files, then score them with the NAB v1.1 scorer port (one threshold per profile,
 * optimised over the corpus, as NAB does).
 * @throws InputError for an unreadable corpus or a series without labels
 */
export function runNab(options: NabRunOptions): NabRun {
  const labels = readWindows(options.labelsFile);
  const files = options.files ?? listDataFiles(options.dataDir);
  for (const f of files) if (!labels.has(f)) throw new InputError(`no labels for "${f}"`, { file: options.labelsFile });
  const onset = options.onset;
  if (onset !== undefined && !(Number.isInteger(onset) && onset >= 0)) {
    throw new ParameterError(`onset must be an integer >= 0 rows, got ${onset}`);
  }
  const detections: FileDetection[] = [];
  files.forEach((file, k) => {
    const table = readNabCsv(path.join(options.dataDir, file));
    const values = table.columns.value;
    if (!values) throw new InputError('no "value" column', { file });
    const d = detectStreaming(file, table.timestamps, values, { ensemble: options.ensemble });
    const [category, name] = file.split('/');
    writeResultsFile(path.join(options.outDir, category, `vigil_${name}`), d, withOnset(d.score, d, onset));
    detections.push(d);
    options.onFile?.(d, k, files.length);
  });
  const scores = scoreDetections(detections, labels, options.profiles ?? NAB_PROFILES, (d) =>
    withOnset(d.score, d, onset)
  );
  return { detections, scores };
}

/** Score any per-file 0-1 scores of detections (the ensemble's, a member's, or its decisions). */
export function scoreDetections(
  detections: readonly FileDetection[],
  labels: ReturnType<typeof readWindows>,
  profiles: Profiles,
  pick: (d: FileDetection) => Float64Array
): Record<string, ProfileResult> {
  const results = new Map<string, ScoredFile>();
  for (const d of detections) results.set(d.file, { timestamps: d.timestamps, anomalyScores: pick(d) });
  return scoreCorpus(results, labels, profiles);
}

/**
 * `scores` with the onset transform over `rows` rows, or the detection's own refractory window when `rows` is
 * undefined (a copy with NaN mapped to 0 when rows is 0).
 */
export function withOnset(scores: Float64Array, d: FileDetection, rows?: number): Float64Array {
  return onsetScores(scores, rows ?? d.onsetRows);
}

/** Profiles from a file when given, else NAB v1.1's. */
export function loadProfiles(file?: string): Profiles {
  return file ? readProfiles(file) : NAB_PROFILES;
}
