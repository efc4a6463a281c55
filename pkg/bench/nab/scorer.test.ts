import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { readNabCsv, readProfiles, readWindows } from './corpus';
import { nabDir } from './paths';
import { scoreCorpus, type ScoredFile } from './scoreCorpus';
import { MAX_TP, scaledSigmoid } from './sigmoid';
import { sweepFile } from './sweep';
import { scoreAtThreshold, scoreContributions, scoresByThreshold } from './thresholdScores';
import { OUTSIDE, PROBATIONARY } from './types';
import { probationaryLength } from './windows';

const NAB = nabDir();
const GOLDEN = path.join(NAB, 'golden', 'numenta');
const labels = readWindows(path.join(NAB, 'labels', 'combined_windows.json'));
const profiles = readProfiles(path.join(NAB, 'profiles.json'));
/** The published threshold of Numenta HTM; the score files print it rounded to 12 digits. */
const PUBLISHED = 0.5421876907348634;

interface GoldenRow {
  File: string;
  Threshold: string;
  Score: string;
  TP: string;
  TN: string;
  FP: string;
  FN: string;
  Total_Count: string;
}

function goldenPath(relative: string): string {
  const [category, file] = relative.split('/');
  return path.join(GOLDEN, category, `numenta_${file}`);
}

function goldenFiles(): string[] {
  const out: string[] = [];
  for (const c of fs.readdirSync(GOLDEN, { withFileTypes: true })) {
    if (!c.isDirectory()) continue;
    for (const f of fs.readdirSync(path.join(GOLDEN, c.name))) out.push(`${c.name}/${f.replace(/^numenta_/, '')}`);
  }
  return out.sort();
}

const tables = new Map(goldenFiles().map((f) => [f, readNabCsv(goldenPath(f))]));

/** The threshold a score file used: the published one, or the printed value when no score lies near it. */
function thresholdOf(printed: string): number {
  const t = Number(printed);
  if (Math.abs(t - PUBLISHED) < 1e-11) return PUBLISHED;
  let nearest = Infinity;
  for (const table of tables.values()) {
    for (const s of table.columns.anomaly_score) nearest = Math.min(nearest, Math.abs(s - t));
  }
  // the rounding of the printed threshold cannot change which rows it detects
  expect(nearest).toBeGreaterThan(1e-11);
  return t;
}

describe('scaledSigmoid', () => {
  it('follows NAB: 0.98661 at the left edge, 0 at the right edge, -1 from 3 on', () => {
    expect(MAX_TP).toBeCloseTo(0.98661, 5);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(-0.5)).toBeCloseTo(0.84828, 5);
    expect(scaledSigmoid(1)).toBeCloseTo(-0.98661, 5);
    expect(scaledSigmoid(3)).toBe(-1);
  });
});

describe('probation and windows', () => {
  it('is 15% of the rows, capped at 750', () => {
    expect(probationaryLength(2495)).toBe(374);
    expect(probationaryLength(4032)).toBe(604);
    expect(probationaryLength(10000)).toBe(750);
  });

  it('tags probationary rows, window rows and outside rows', () => {
    const ts = Float64Array.from({ length: 40 }, (_, i) => i * 1000);
    const rows = sweepFile(ts, new Float64Array(40), [[20000, 24000]], profiles.standard.CostMatrix);
    expect(rows.window[5]).toBe(PROBATIONARY);
    expect(rows.window[6]).toBe(OUTSIDE);
    expect(rows.window[20]).toBe(0);
    expect(rows.window[24]).toBe(0);
    expect(rows.window[25]).toBe(OUTSIDE);
    // a detection at the window's left edge earns the full tpWeight
    expect(rows.sweepScore[20]).toBeCloseTo(1, 12);
    // before any window an FP costs fpWeight, right after a window almost nothing
    expect(rows.sweepScore[10]).toBeCloseTo(-0.11, 12);
    expect(rows.sweepScore[25]).toBeCloseTo(0.11 * scaledSigmoid(1 / 4), 12);
  });

  it('rejects a window that does not start on a row and a non-finite score', () => {
    const ts = Float64Array.from({ length: 10 }, (_, i) => i * 1000);
    expect(() => sweepFile(ts, new Float64Array(10), [[1500, 3000]], profiles.standard.CostMatrix)).toThrow(
      /start is not a row timestamp/
    );
    const bad = new Float64Array(10);
    bad[3] = NaN;
    expect(() => sweepFile(ts, bad, [], profiles.standard.CostMatrix)).toThrow(/line 5.*anomaly_score/);
  });

  it('counts only the best detection of a window', () => {
    const ts = Float64Array.from({ length: 40 }, (_, i) => i * 1000);
    const scores = new Float64Array(40);
    scores[21] = 0.9;
    scores[23] = 0.95;
    const rows = sweepFile(ts, scores, [[20000, 24000]], profiles.standard.CostMatrix);
    const at = scoreAtThreshold(rows, 0.5, profiles.standard.CostMatrix);
    expect(at.score).toBeCloseTo(rows.sweepScore[21], 12);
    expect(at.tp).toBe(2);
    const entries = scoresByThreshold([rows], profiles.standard.CostMatrix);
    expect(entries.map((e) => e.threshold)).toEqual([1.1, 0.95, 0.9, 0]);
    expect(entries[0].score).toBe(-1);
  });
});

describe.each(Object.keys(profiles))('NAB golden files, profile %s', (profile) => {
  const cost = profiles[profile].CostMatrix;
  const text = fs.readFileSync(path.join(GOLDEN, `numenta_${profile}_scores.csv`), 'utf8');
  const golden = parse(text, { columns: true, skip_empty_lines: true }) as GoldenRow[];

  it('lists every golden file once', () => {
    expect(golden.map((g) => g.File).sort()).toEqual([...tables.keys()]);
  });

  it.each(golden.map((g) => [g.File, g] as const))('reproduces %s', (file, g) => {
    const table = tables.get(file);
    if (!table) throw new Error(`no golden results file for ${file}`);
    const rows = sweepFile(table.timestamps, table.columns.anomaly_score, labels.get(file) ?? [], cost, { file });
    const threshold = thresholdOf(g.Threshold);
    const got = scoreAtThreshold(rows, threshold, cost);
    expect(got.score).toBeCloseTo(Number(g.Score), 9);
    expect([got.tp, got.tn, got.fp, got.fn]).toEqual([Number(g.TP), Number(g.TN), Number(g.FP), Number(g.FN)]);
    expect(table.timestamps.length).toBe(Number(g.Total_Count));

    const column = table.columns[`S(t)_${profile}`];
    expect(column).toBeDefined();
    const contributions = scoreContributions(rows, threshold, cost);
    let maxDiff = 0;
    for (let i = 0; i < column.length; i++) maxDiff = Math.max(maxDiff, Math.abs(contributions[i] - column[i]));
    expect(maxDiff).toBeLessThan(1e-9);
    expect(contributions.reduce((a, b) => a + b, 0)).toBeCloseTo(got.score, 9);
  });
});

describe('threshold optimisation over the golden corpus', () => {
  it('gives Numenta HTM 75.5 on the standard profile of this subset', () => {
    const results = new Map<string, ScoredFile>();
    for (const [file, t] of tables)
      results.set(file, { timestamps: t.timestamps, anomalyScores: t.columns.anomaly_score });
    const scored = scoreCorpus(results, labels, profiles);
    expect(Math.round(scored.standard.normalized * 10) / 10).toBe(75.5);
    const windows = [...labels.values()].reduce((n, w) => n + w.length, 0);
    for (const [name, p] of Object.entries(scored)) {
      const cost = profiles[name].CostMatrix;
      expect(p.nullScore).toBeCloseTo(-cost.fnWeight * windows, 12);
      expect(p.perfectScore).toBe(cost.tpWeight * windows);
      // the optimum is at least as good as the published threshold
      const atPublished = scoreCorpus(results, labels, { [name]: profiles[name] }, { [name]: PUBLISHED })[name];
      expect(p.corpus.score).toBeGreaterThanOrEqual(atPublished.corpus.score);
      const sum = Object.values(p.files).reduce((a, f) => a + f.score, 0);
      expect(sum).toBeCloseTo(p.corpus.score, 9);
    }
  });
});
