/**
 * The NAB benchmark runner: honest streaming detection over every series of a NAB-style corpus, results files
 * in NAB's layout, and scoring with the NAB v1.1 scorer port.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { InputError, ParameterError } from '../../core/errors';
import { inferInterval } from '../../core/regularize';
import type { DetectorInput } from '../../detectors/types';
import { getDetector } from '../../detectors/registry';
import { fitEnsemble, scoreEnsemble } from '../../ensemble/ensemble';
import type { EnsembleOptions } from '../../ensemble/types';
import { onsetScores } from './onset';
import { listDataFiles, readNabCsv, readProfiles, readWindows } from './corpus';
import { combineOnline, DEFAULT_STREAMING, causalRawScores, type StreamingOptions } from './causal';
import { scoreCorpus, type ProfileResult, type ScoredFile } from './scoreCorpus';
import { formatNabTimestamp } from './timestamps';
import type { Profiles } from './types';
import { probationaryLength } from './windows';

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
  /** ensemble anomaly score / 100 */
  score: Float64Array;
  /** each member's own score / 100 */
  contributions: Record<string, Float64Array>;
  /** the ensemble's own decision (vote rule and threshold), 0/1 */
  anomalous: Uint8Array;
  /** rows the ensemble was fitted on (NAB's probationary rows) */
  trainRows: number;
  /** wall time of detection, ms */
  elapsedMs: number;
}

/**
 * Detect anomalies in one series as a stream: fit the ensemble on the probationary rows (the first 15%, at
 * most 750, as NAB), then score every row with online calibration so that the score of row t depends only
 * on rows <= t (non-causal detectors are refitted in chunks on past rows only; see `causalRawScores`).
 *
 * @param timestamps epoch ms per row; values per row (NaN = missing)
 * @throws InputError when the series is too short to fit on; ParameterError for bad ensemble options
 */
export function detectStreaming(
  file: string,
  timestamps: Float64Array,
  values: Float64Array,
  ensemble: Partial<EnsembleOptions> = {},
  streaming: StreamingOptions = DEFAULT_STREAMING
): FileDetection {
  const started = performance.now();
  const n = values.length;
  if (n < 20) throw new InputError(`${n} rows; at least 20 are needed`, { file });
  const intervalMs = inferInterval(timestamps);
  const trainRows = Math.max(10, probationaryLength(n));
  const input: DetectorInput = { timestamps, values, intervalMs };
  const train: DetectorInput = {
    timestamps: timestamps.subarray(0, trainRows),
    values: values.subarray(0, trainRows),
    intervalMs,
  };
  const model = fitEnsemble(train, ensemble);
  // all members causal: the ensemble's own online scoring is already honest; else non-causal members are
  // refitted on past rows and combined the same way (combineOnline mirrors scoreEnsemble, see its test)
  const combined = model.members.every((m) => getDetector(m.name).causal)
    ? scoreEnsemble(model, input, { calibration: 'online' })
    : combineOnline(
        model,
        model.members.map((m) => causalRawScores(m.name, m.model, input, trainRows, streaming))
      );
  const unit = (xs: Float64Array) => xs.map((x) => (Number.isNaN(x) ? 0 : Math.min(1, Math.max(0, x / 100))));
  const contributions: Record<string, Float64Array> = {};
  for (const [name, c] of Object.entries(combined.contributions)) contributions[name] = unit(c);
  return {
    file,
    timestamps,
    values,
    score: unit(combined.score),
    contributions,
    anomalous: combined.anomalous,
    trainRows,
    elapsedMs: performance.now() - started,
  };
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
  streaming?: StreamingOptions;
  /**
   * onset window as a fraction of each file's probationary rows (0 = off, the default): when set, a row keeps
   * its score only when higher than every score of that many rows before it (see `onsetScores`)
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
  const onset = options.onset ?? 0;
  if (!(onset >= 0)) throw new ParameterError(`onset must be a fraction >= 0, got ${onset}`);
  const detections: FileDetection[] = [];
  files.forEach((file, k) => {
    const table = readNabCsv(path.join(options.dataDir, file));
    const values = table.columns.value;
    if (!values) throw new InputError('no "value" column', { file });
    const d = detectStreaming(file, table.timestamps, values, options.ensemble, options.streaming);
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
 * `scores` of a detection with the onset transform applied over `fraction` of its probationary rows
 * (a copy with NaN mapped to 0 when fraction is 0).
 */
export function withOnset(scores: Float64Array, d: FileDetection, fraction: number): Float64Array {
  return onsetScores(scores, Math.round(fraction * d.trainRows));
}

/** Profiles from a file when given, else NAB v1.1's. */
export function loadProfiles(file?: string): Profiles {
  return file ? readProfiles(file) : NAB_PROFILES;
}
