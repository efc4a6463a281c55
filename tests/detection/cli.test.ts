import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { NAB_DIR, REPO_ROOT } from '../helpers/shared';

const exec = promisify(execFile);
const VIGIL = path.join(REPO_ROOT, 'bin', 'vigil.js');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'vigil-cli-'));

async function vigil(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [VIGIL, ...args], { cwd: tmp });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

test('vigil --help lists the commands', async () => {
  const r = await vigil('--help');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/detect \[options\] <file>/);
  expect(r.stdout).toMatch(/demo/);
});

test('detect --format json prints the documented document', async () => {
  const file = path.join(NAB_DIR, 'data', 'artificialWithAnomaly', 'art_daily_jumpsup.csv');
  const r = await vigil('detect', file, '--format', 'json', '-q');
  expect(r.code).toBe(0);
  const doc = JSON.parse(r.stdout);
  const p = doc.series[0].points[2000];
  expect(Object.keys(p).sort()).toEqual(['anomaly', 'expected', 'lower', 'score', 't', 'upper', 'value']);
  expect(typeof p.t).toBe('number');
  const a = doc.anomalies[0];
  for (const k of ['start', 'end', 'labels', 'severity', 'score', 'detectors', 'expected', 'actual'])
    expect(a).toHaveProperty(k);
  expect(a.start).toBeGreaterThan(Date.parse('2014-04-11T00:00:00Z'));
});

test('detect --format csv and --out write points', async () => {
  const file = path.join(NAB_DIR, 'data', 'realTraffic', 'speed_7578.csv');
  const out = path.join(tmp, 'out.csv');
  const r = await vigil('detect', file, '--format', 'csv', '--out', out, '-q');
  expect(r.code).toBe(0);
  const lines = readFileSync(out, 'utf8').trim().split('\n');
  expect(lines[0]).toBe('series,time,t,value,expected,lower,upper,score,anomaly');
  expect(lines.length).toBeGreaterThan(1000);
});

test('errors name the file, line and field, with exit code 1', async () => {
  const bad = path.join(tmp, 'bad.csv');
  writeFileSync(bad, 'timestamp,value\n2015-01-01 00:00:00,1\n2015-01-01 00:05:00,oops\n');
  const r = await vigil('detect', bad);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('vigil: bad.csv line 3, field "value": "oops" is not a number');
});

test('bad usage exits 2 with a message', async () => {
  const r = await vigil('detect', 'x.csv', '--format', 'xml');
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/--format/);
  const d = await vigil(
    'detect',
    path.join(NAB_DIR, 'data', 'realTraffic', 'speed_7578.csv'),
    '--detectors',
    'zscore,nope'
  );
  expect(d.code).toBe(1);
  expect(d.stderr).toMatch(/unknown detector "nope"/);
});

test('the quick start (vigil demo) finds the four injected incidents', async () => {
  const r = await vigil('demo');
  expect(r.code).toBe(0);
  for (const t of ['2026-01-20T14:00:00Z', '2026-01-22T09:00:00Z', '2026-01-23T10:00:00Z', '2026-01-24T20:00:00Z']) {
    expect(r.stdout).toContain(t);
  }
});
