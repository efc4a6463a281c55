import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { benchLogParse } from '../../pkg/bench/loghub/logparse';
import { LOGHUB_DIR, REPO_ROOT } from '../helpers/shared';

// Template mining on loghub's 2k samples (Zhu et al., "Loghub: A Large Collection of System Log Datasets for
// AI-driven Log Analytics", ISSRE 2023), default configuration, one miner per system.

const exec = promisify(execFile);

describe('template mining on loghub', () => {
  const result = benchLogParse(LOGHUB_DIR);

  it('reaches an average grouping accuracy of at least 0.95 with one configuration (Drain: 0.865)', () => {
    expect(Object.keys(result.systems)).toHaveLength(12);
    expect(result.average.ga).toBeGreaterThanOrEqual(0.95);
  });

  it('no system falls below 0.9 grouping accuracy, and parsing accuracy averages at least 0.7', () => {
    for (const [name, r] of Object.entries(result.systems)) expect([name, r.ga >= 0.9]).toEqual([name, true]);
    expect(result.average.pa).toBeGreaterThanOrEqual(0.7);
  });
});

test('vigil bench logparse prints a table and, last, one JSON line', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-loghub-'));
  for (const s of ['OpenSSH', 'HDFS']) cpSync(path.join(LOGHUB_DIR, s), path.join(dir, s), { recursive: true });
  const { stdout } = await exec(process.execPath, [
    path.join(REPO_ROOT, 'bin', 'vigil.js'),
    'bench',
    'logparse',
    '--data',
    dir,
  ]);
  const lines = stdout.trim().split('\n');
  expect(lines[0]).toMatch(/^system\s+lines\s+templates\s+found\s+GA\s+PA/);
  const last = JSON.parse(lines[lines.length - 1]);
  expect(Object.keys(last.systems).sort()).toEqual(['HDFS', 'OpenSSH']);
  for (const s of Object.values(last.systems) as { ga: number; pa: number }[]) {
    expect(s.ga).toBeGreaterThan(0.9);
    expect(s.pa).toBeGreaterThanOrEqual(0);
    expect(s.pa).toBeLessThanOrEqual(1);
  }
  expect(last.average.ga).toBeCloseTo((last.systems.HDFS.ga + last.systems.OpenSSH.ga) / 2, 3);
});
