/**
 * Schema-driven fuzzing of the REST API: schemathesis (PyPI, installed by `scripts/ci-setup.sh schemathesis` into
 * .cache/venv-ci) generates requests from docs/openapi.json against a real `vigil serve` started here with a
 * throwaway config and store, and checks every answer: no 5xx (`not_a_server_error`) and every body valid against the
 * document (`response_schema_conformance`). The store holds two jobs run on a CSV series (results, anomalies,
 * incidents, a forecast) and a trained baseline, and the operations with a path id are pointed at them, so the
 * requests reach the routes' logic rather than their 404. Bounded: a fixed seed, a few examples per operation.
 *
 * By hand (with a `vigil serve` on :8080 and VIGIL_API_TOKEN set), as this test runs it:
 *   .cache/venv-ci/bin/schemathesis run docs/openapi.json --url http://127.0.0.1:8080 \
 *     -H "Authorization: Bearer $VIGIL_API_TOKEN" --checks not_a_server_error,response_schema_conformance \
 *     --max-examples 10 --seed 1 --workers 2 --request-timeout 120
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/shared';
import { waitFor } from '../helpers/waitFor';
import { freePort } from '../servers/common';

const MAX_EXAMPLES = 10;
const SEED = 1;
const TOKEN = 'schemathesis-e2e-token';
const MIN = 60_000;
const OPENAPI = path.join(REPO_ROOT, 'docs', 'openapi.json');

jest.setTimeout(15 * MIN);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/**
 * The schemathesis command: `$VIGIL_SCHEMATHESIS`, else the one scripts/ci-setup.sh installs in .cache/venv-ci, else
 * one on the PATH.
 * @throws Error saying how to install it when there is none (the suite fails; it never skips)
 */
function schemathesisCommand(): string {
  const candidates = [
    process.env.VIGIL_SCHEMATHESIS,
    path.join(REPO_ROOT, '.cache', 'venv-ci', 'bin', 'schemathesis'),
    'schemathesis',
  ].filter((c): c is string => Boolean(c));
  for (const c of candidates) {
    if (c.includes('/') && !existsSync(c)) continue;
    const probe = spawnSync(c, ['--version'], { encoding: 'utf8' });
    if (probe.status === 0 && /schemathesis, version 4\./.test(probe.stdout)) return c;
  }
  throw new Error(
    'schemathesis 4.x is not installed: run `bash scripts/ci-setup.sh schemathesis` (it installs it from PyPI into ' +
      '.cache/venv-ci), or point VIGIL_SCHEMATHESIS at a schemathesis 4 executable'
  );
}

/** Operations of the OpenAPI document ("GET /api/jobs", ...). */
function documentedOperations(): string[] {
  const doc = JSON.parse(readFileSync(OPENAPI, 'utf8')) as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(doc.paths).flatMap(([p, ops]) =>
    Object.keys(ops)
      .filter((m) => ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'].includes(m))
      .map((m) => `${m.toUpperCase()} ${p}`)
  );
}

/** Four days of one-minute points on two hosts up to now, a daily wave with seeded noise and a spike 20 minutes ago. */
function writeCsv(file: string, now: number): void {
  const end = Math.floor(now / MIN) * MIN;
  let seed = 11;
  const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 2;
  const lines = ['timestamp,value,host'];
  for (const host of ['a', 'b']) {
    for (let t = end - 4 * 1440 * MIN; t <= end; t += MIN) {
      let v = 50 + 10 * Math.sin((2 * Math.PI * t) / 86_400_000) + noise();
      if (t >= end - 22 * MIN && t <= end - 18 * MIN) v += 60;
      lines.push(`${new Date(t).toISOString()},${v.toFixed(3)},${host}`);
    }
  }
  writeFileSync(file, lines.join('\n') + '\n');
}

describe('schemathesis over docs/openapi.json against vigil serve', () => {
  let dir: string;
  let proc: ChildProcess | undefined;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-schemathesis-'));
  });
  afterAll(() => {
    if (proc && proc.exitCode === null) proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('tests every operation with no 5xx and no answer outside the schema', async () => {
    const st = schemathesisCommand();
    const data = path.join(dir, 'data');
    mkdirSync(path.join(data, 'files'), { recursive: true });
    writeCsv(path.join(data, 'files', 'cpu.csv'), Date.now());
    const cfg = path.join(dir, 'vigil.yaml');
    writeFileSync(cfg, 'host: 127.0.0.1\nlogLevel: warn\n');
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let log = '';
    proc = spawn(
      process.execPath,
      [path.join(REPO_ROOT, 'bin', 'vigil.js'), 'serve', '--port', String(port), '--data-dir', data, '--config', cfg],
      { cwd: REPO_ROOT, env: { ...process.env, VIGIL_API_TOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'pipe'] }
    );
    proc.stdout!.on('data', (d) => (log += d));
    proc.stderr!.on('data', (d) => (log += d));
    const p = proc;
    await waitFor(
      'vigil serve',
      async () => ((await fetch(`${url}/api/health/live`)).ok ? true : undefined),
      60_000,
      p
    );
    const api = async (method: string, route: string, body?: unknown): Promise<Json> => {
      const res = await fetch(`${url}${route}`, {
        method,
        headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const json = await res.json();
      if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };

    // things for the operations with a path id to find: two jobs that ran, an anomaly, an incident, a baseline
    const ids: string[] = [];
    for (const name of ['fuzz-kept', 'fuzz-deleted']) {
      const job = await api('POST', '/api/jobs', {
        name,
        source: { type: 'file', path: 'cpu.csv', labelFields: ['host'] },
        interval: '1m',
        trainingWindow: '1d',
        forecastHorizon: 30,
        forecastThresholds: [{ value: 100, direction: 'above' }],
      });
      ids.push(job.id);
    }
    for (const id of ids) {
      await waitFor(
        `first run of job ${id}`,
        async () => ((await api('GET', `/api/jobs/${id}`)).lastRun ? true : undefined),
        120_000,
        p,
        200
      );
    }
    const [kept, deleted] = ids;
    expect((await api('GET', `/api/jobs/${kept}`)).lastRun.ok).toBe(true);
    const anomaly = (await api('GET', `/api/jobs/${kept}/anomalies`)).anomalies[0]?.id as string | undefined;
    expect(anomaly).toBeDefined();
    const incident = await waitFor(
      'an incident',
      async () => (await api('GET', '/api/incidents')).incidents[0]?.id as string | undefined,
      30_000,
      p,
      200
    );
    const now = Date.now();
    await api('POST', '/api/train', {
      series: 'cpu',
      source: { type: 'file', path: 'cpu.csv' },
      from: now - 3 * 1440 * MIN,
      to: now,
    });

    const toml = (s: string) => JSON.stringify(s);
    const config = path.join(dir, 'schemathesis.toml');
    writeFileSync(
      config,
      [
        '[[operations]]',
        `include-path-regex = ${toml('^/api/jobs/\\{id\\}(/.*)?$')}`,
        'exclude-method = "DELETE"',
        `parameters = { "path.id" = ${toml(kept)} }`,
        '',
        '[[operations]]',
        'include-path = "/api/jobs/{id}"',
        'include-method = "DELETE"',
        `parameters = { "path.id" = ${toml(deleted)} }`,
        '',
        '[[operations]]',
        'include-path = "/api/anomalies/{id}/feedback"',
        `parameters = { "path.id" = ${toml(anomaly!)} }`,
        '',
        '[[operations]]',
        'include-path = "/api/incidents/{id}"',
        `parameters = { "path.id" = ${toml(incident)} }`,
        '',
        '[[operations]]',
        'include-path = "/api/baseline/{series}"',
        'parameters = { "path.series" = "cpu" }',
        '',
        '[[operations]]',
        'include-path = "/api/forecast"',
        'include-method = "GET"',
        `parameters = { "query.jobId" = ${toml(kept)} }`,
        '',
      ].join('\n')
    );

    const args = [
      '--config-file',
      config,
      'run',
      OPENAPI,
      '--url',
      url,
      '--header',
      `Authorization: Bearer ${TOKEN}`,
      '--checks',
      'not_a_server_error,response_schema_conformance',
      '--max-examples',
      String(MAX_EXAMPLES),
      '--seed',
      String(SEED),
      '--workers',
      '2',
      // a forecast of the largest horizon the schema allows takes seconds of CPU on a busy machine
      '--request-timeout',
      '120',
      '--report',
      'junit',
      '--report-dir',
      path.join(dir, 'report'),
    ];
    const t0 = Date.now();
    const run = await new Promise<{ code: number | null; out: string }>((resolve) => {
      // its own working directory: Hypothesis keeps its example database there
      const child = spawn(st, args, {
        cwd: dir,
        env: { ...process.env, NO_COLOR: '1', SCHEMATHESIS_TELEMETRY: 'false' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('close', (code) => resolve({ code, out }));
    });
    const seconds = Math.round((Date.now() - t0) / 1000);
    const summary = run.out.slice(run.out.lastIndexOf('SUMMARY'));
    const operations = documentedOperations();
    const tested = Number(/Tested:\s+(\d+)/.exec(summary)?.[1] ?? NaN);
    const cases = /(\d+) generated/.exec(summary)?.[1];
    process.stdout.write(
      `[schemathesis] ${tested} of ${operations.length} operations tested, ${cases} cases, exit ${run.code}, ${seconds} s\n`
    );
    const failed = `schemathesis exited with ${run.code} (${seconds} s):\n${run.out.slice(-6000)}\nengine log:\n${log.slice(-3000)}`;
    if (run.code !== 0) throw new Error(failed);
    expect(summary).not.toMatch(/Failures:|Errors:/);
    expect(summary).toMatch(new RegExp(`Selected: ${operations.length}/${operations.length}`));
    expect(tested).toBe(operations.length);
    expect(proc.exitCode).toBeNull(); // the engine is still up
  });
});
