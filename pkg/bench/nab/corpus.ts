/**
 * Reading a NAB-style corpus from disk: `data/<category>/<file>.csv` series, `combined_windows.json`
 * labels, `profiles.json` cost profiles and results files with an `anomaly_score` column. CSV parsing
 * uses `csv-parse`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { InputError } from '../../core/errors';
import { parseNabTimestamp } from './timestamps';
import type { CostMatrix, Profiles, WindowLimits } from './types';

/** A NAB CSV loaded as columns: `timestamp` (epoch ms) and every other column as numbers by name. */
export interface NabTable {
  timestamps: Float64Array;
  columns: Record<string, Float64Array>;
  /** original column order, `timestamp` first */
  header: string[];
}

/**
 * Read a NAB CSV (`timestamp,value[,anomaly_score,...]`, header row required).
 * @throws InputError naming file, line and field for a missing header column, bad timestamp or number
 */
export function readNabCsv(file: string): NabTable {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read: ${(err as Error).message}`, { file });
  }
  const rows = parse(text, { skip_empty_lines: true, trim: true }) as string[][];
  if (rows.length === 0) throw new InputError('empty file (a header row is required)', { file });
  const header = rows[0];
  if (header[0] !== 'timestamp') throw new InputError(`first column must be "timestamp", got "${header[0]}"`, { file });
  const n = rows.length - 1;
  const timestamps = new Float64Array(n);
  const columns: Record<string, Float64Array> = {};
  for (const h of header.slice(1)) columns[h] = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const row = rows[r + 1];
    const line = r + 2;
    if (row.length !== header.length) {
      throw new InputError(`${row.length} fields, header has ${header.length}`, { file, line });
    }
    try {
      timestamps[r] = parseNabTimestamp(row[0]);
    } catch (err) {
      throw new InputError((err as Error).message, { file, line, field: 'timestamp' });
    }
    for (let c = 1; c < header.length; c++) {
      const cell = row[c];
      const v = cell === '' ? NaN : Number(cell);
      if (cell !== '' && Number.isNaN(v))
        throw new InputError(`"${cell}" is not a number`, { file, line, field: header[c] });
      columns[header[c]][r] = v;
    }
  }
  return { timestamps, columns, header };
}

/**
 * Read NAB labels (`combined_windows.json`): relative data path (`<category>/<file>.csv`) -> windows.
 * @throws InputError when the JSON is not such a map of `[start, end]` timestamp pairs
 */
export function readWindows(file: string): Map<string, WindowLimits[]> {
  const json = readJson(file) as unknown;
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new InputError('labels must be an object mapping "<category>/<file>.csv" to windows', { file });
  }
  const out = new Map<string, WindowLimits[]>();
  for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
    if (!Array.isArray(value)) throw new InputError(`windows of "${key}" must be an array`, { file });
    out.set(
      key,
      value.map((w, k) => {
        if (!Array.isArray(w) || w.length !== 2 || typeof w[0] !== 'string' || typeof w[1] !== 'string') {
          throw new InputError(`window ${k} of "${key}" must be [start, end] timestamps`, { file });
        }
        try {
          return [parseNabTimestamp(w[0]), parseNabTimestamp(w[1])] as WindowLimits;
        } catch (err) {
          throw new InputError(`window ${k} of "${key}": ${(err as Error).message}`, { file });
        }
      })
    );
  }
  return out;
}

/**
 * Read NAB cost profiles (`profiles.json`).
 * @throws InputError when a profile lacks a numeric tpWeight, fpWeight or fnWeight
 */
export function readProfiles(file: string): Profiles {
  const json = readJson(file) as Record<string, { CostMatrix?: Partial<CostMatrix> }>;
  const out: Profiles = {};
  for (const [name, p] of Object.entries(json ?? {})) {
    const c = p?.CostMatrix;
    for (const k of ['tpWeight', 'fpWeight', 'fnWeight'] as const) {
      if (typeof c?.[k] !== 'number')
        throw new InputError(`profile "${name}": CostMatrix.${k} must be a number`, { file });
    }
    out[name] = { CostMatrix: { ...(c as CostMatrix), tnWeight: c?.tnWeight ?? 1 } };
  }
  return out;
}

/**
 * List the series of a NAB-style data directory: every `<category>/<file>.csv` (sorted), as paths relative
 * to `dataDir` with forward slashes, as the labels name them.
 * @throws InputError when the directory cannot be read or holds no CSV
 */
export function listDataFiles(dataDir: string): string[] {
  let categories: fs.Dirent[];
  try {
    categories = fs.readdirSync(dataDir, { withFileTypes: true });
  } catch (err) {
    throw new InputError(`cannot read data directory: ${(err as Error).message}`, { file: dataDir });
  }
  const out: string[] = [];
  for (const c of categories.filter((d) => d.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    for (const f of fs.readdirSync(path.join(dataDir, c.name)).sort()) {
      if (f.endsWith('.csv')) out.push(`${c.name}/${f}`);
    }
  }
  if (out.length === 0) throw new InputError('no <category>/<file>.csv series found', { file: dataDir });
  return out;
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read: ${(err as Error).message}`, { file });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(`not valid JSON: ${(err as Error).message}`, { file });
  }
}

/**
 * Numenta HTM's published results on a NAB-style corpus (`<nab>/golden/numenta/<category>/numenta_<file>.csv`)
 * as scorer input, one entry per series of `<nab>/data`.
 * @throws InputError for a missing or malformed results file
 */
export function readPublishedHtm(nab: string): Map<string, { timestamps: Float64Array; anomalyScores: Float64Array }> {
  const out = new Map<string, { timestamps: Float64Array; anomalyScores: Float64Array }>();
  for (const f of listDataFiles(path.join(nab, 'data'))) {
    const [category, name] = f.split('/');
    const t = readNabCsv(path.join(nab, 'golden', 'numenta', category, `numenta_${name}`));
    const scores = t.columns.anomaly_score;
    if (!scores) throw new InputError('no "anomaly_score" column', { file: `numenta_${name}` });
    out.set(f, { timestamps: t.timestamps, anomalyScores: scores });
  }
  return out;
}
