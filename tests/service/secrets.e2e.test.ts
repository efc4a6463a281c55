/**
 * No secret anywhere it should not be: `vigil serve` (a real process) with a source whose URL carries a user and
 * password, and one with a bearer token that the server echoes back in its error answers. After jobs failed,
 * health was probed, ad-hoc requests got 502s and a request carried a token in its query string, none of the
 * secrets appears in /api/health, /api/jobs (lastRun.error), the error bodies, the log lines, or the database.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/shared';
import { waitFor } from '../helpers/waitFor';
import { freePort } from '../servers/common';

const TOKEN = 'secrets-e2e-api-token-0123';
const PASSWORD = 'pa55-Word-never-shown';
const BEARER = 'bearer-T0ken-never-shown';
const QUERY_TOKEN = 'qs-T0ken-never-shown';

describe('vigil serve leaks no secret', () => {
  let dir: string;
  let proc: ChildProcess | undefined;
  let echo: http.Server;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-secrets-'));
    // a "Prometheus" that refuses every request and quotes the credentials it was sent, as some proxies do
    echo = http.createServer((req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          status: 'error',
          errorType: 'unauthorized',
          error: `credentials "${req.headers.authorization}" refused for ${req.url}?access_token=${QUERY_TOKEN}`,
        })
      );
    });
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    if (proc && proc.exitCode === null) proc.kill('SIGKILL');
    await new Promise<void>((r) => echo.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps passwords and tokens out of health, jobs, errors, logs and the store', async () => {
    const echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
    const downPort = await freePort();
    const cfg = path.join(dir, 'vigil.yaml');
    writeFileSync(
      cfg,
      [
        'host: 127.0.0.1',
        'logLevel: debug',
        'sources:',
        '  - type: prometheus',
        '    name: down',
        `    url: http://alice:${PASSWORD}@127.0.0.1:${downPort}`,
        '  - type: prometheus',
        '    name: echo',
        `    url: ${echoUrl}`,
        `    auth: { type: bearer, token: ${BEARER} }`,
        '',
      ].join('\n')
    );
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let out = '';
    proc = spawn(
      process.execPath,
      [
        path.join(REPO_ROOT, 'bin', 'vigil.js'),
        'serve',
        '--port',
        String(port),
        '--data-dir',
        path.join(dir, 'data'),
        '--config',
        cfg,
      ],
      { cwd: REPO_ROOT, env: { ...process.env, VIGIL_API_TOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'pipe'] }
    );
    proc.stdout!.on('data', (d) => (out += d));
    proc.stderr!.on('data', (d) => (out += d));
    const p = proc;
    await waitFor(
      'health',
      async () => ((await fetch(`${url}/api/health`)).status < 500 ? true : undefined),
      60_000,
      p,
      100
    );
    const api = async (method: string, route: string, body?: unknown) => {
      const res = await fetch(`${url}${route}`, {
        method,
        headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.status, text: await res.text() };
    };

    const seen: string[] = [];
    for (const source of ['down', 'echo']) {
      const job = await api('POST', '/api/jobs', {
        name: `job-${source}`,
        source: { type: 'prometheus', query: 'up', source },
        interval: '1m',
        trainingWindow: '1h',
      });
      expect(job.status).toBe(201);
      const id = JSON.parse(job.text).id as string;
      const failed = await waitFor(
        `failed run of ${source}`,
        async () => {
          const j = await api('GET', `/api/jobs/${id}`);
          return JSON.parse(j.text).lastRun ? j.text : undefined;
        },
        60_000,
        p,
        100
      );
      expect(JSON.parse(failed).lastRun.ok).toBe(false);
      seen.push(failed);
      const detect = await api('POST', '/api/detect', {
        source: { type: 'prometheus', query: 'up', source },
        from: Date.now() - 3_600_000,
        to: Date.now(),
      });
      expect(detect.status).toBeGreaterThanOrEqual(400);
      seen.push(detect.text);
    }
    const health = await fetch(`${url}/api/health`);
    const healthText = await health.text();
    expect(JSON.parse(healthText).sources.down.ok).toBe(false);
    seen.push(healthText, (await api('GET', '/api/jobs')).text);
    seen.push((await api('GET', `/api/v1/query?query=up&access_token=${QUERY_TOKEN}`)).text);
    // the failures themselves are reported, with what went wrong
    expect(seen.join('\n')).toMatch(/connection refused/);
    expect(seen.join('\n')).toMatch(/401|unauthorized/);

    const exited = new Promise<void>((r) => p.once('exit', () => r()));
    p.kill('SIGTERM');
    await exited;
    const dataDir = path.join(dir, 'data');
    const files = readdirSync(dataDir, { withFileTypes: true })
      .filter((f) => f.isFile())
      .map((f) => readFileSync(path.join(dataDir, f.name)).toString('latin1'));
    expect(files.length).toBeGreaterThan(0);
    expect(out).toMatch(/job run failed/);
    const basic = Buffer.from(`alice:${PASSWORD}`).toString('base64');
    for (const [where, text] of [
      ['answers', seen.join('\n')],
      ['logs', out],
      ['store', files.join('\n')],
    ]) {
      for (const secret of [PASSWORD, BEARER, QUERY_TOKEN, basic, TOKEN]) {
        expect({ where, leaked: text.includes(secret) ? secret : undefined }).toEqual({ where, leaked: undefined });
      }
    }
  }, 120_000);
});
