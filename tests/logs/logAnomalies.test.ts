import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { benchLogAnomalies } from '../../pkg/bench/loghub/logAnomalyBench';
import { LOGHUB_DIR, REPO_ROOT } from '../helpers/shared';

// Log anomalies on BGL's 2k sample from loghub (Zhu et al., "Loghub: A Large Collection of System Log Datasets
// for AI-driven Log Analytics", ISSRE 2023), whose lines carry alert labels; default configuration.

const exec = promisify(execFile);

describe('log anomalies on BGL', () => {
  const result = benchLogAnomalies(LOGHUB_DIR);

  it('scores only the labelled system', () => {
    expect(Object.keys(result.systems)).toEqual(['BGL']);
    expect(result.systems.BGL.alerts).toBe(143);
  });

  it('reaches line-level F1 >= 0.8, well above the most severe level alone', () => {
    const bgl = result.systems.BGL;
    expect(bgl.topLevel.precision).toBeCloseTo(0.412, 3);
    expect(bgl.topLevel.recall).toBe(1);
    expect(result.overall.f1).toBeGreaterThanOrEqual(0.8);
    expect(result.overall.precision).toBeGreaterThan(bgl.topLevel.precision + 0.3);
    expect(result.overall.recall).toBeGreaterThanOrEqual(0.9);
  });
});

test('vigil bench logs prints a table and, last, {"precision", "recall", "f1"}', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-loghub-'));
  for (const s of ['BGL', 'HDFS']) cpSync(path.join(LOGHUB_DIR, s), path.join(dir, s), { recursive: true });
  const { stdout } = await exec(process.execPath, [
    path.join(REPO_ROOT, 'bin', 'vigil.js'),
    'bench',
    'logs',
    '--data',
    dir,
  ]);
  const lines = stdout.trim().split('\n');
  expect(lines[0]).toMatch(/^system\s+lines\s+alerts\s+method/);
  expect(lines.filter((l) => l.startsWith('BGL'))).toHaveLength(4);
  const last = JSON.parse(lines[lines.length - 1]);
  expect(Object.keys(last)).toEqual(['precision', 'recall', 'f1']);
  expect(last.f1).toBeGreaterThanOrEqual(0.8);
});
