/**
 * Two `vigil serve` replicas (real processes) on one real PostgreSQL share the jobs through pg-boss: the jobs run on
 * both, one replica is killed with SIGKILL, the other takes up every job within two intervals, and the recorded
 * runs (`job_runs`) and results show no range of any job processed twice and none skipped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from '../../servers/common';
import { createTestDatabase } from '../../servers/postgres';
import { serverUrls } from '../../servers/servers';

const REPO = path.resolve(__dirname, '..', '..', '..');
const TOKEN = 'replicas-integration-token';
const INTERVAL_MS = 5000;
const JOBS = 6;

interface Replica {
  name: string;
  url: string;
  proc: ChildProcess;
  exited: Promise<void>;
}

interface RunRow {
  job_id: string;
  from_t: number | null;
  to_t: number;
  at: number;
  duration_ms: number;
  replica: string;
}

/** A series on the job interval's grid from `from` to `to` (epoch ms): a daily wave plus a little noise. */
function csv(from: number, to: number, seed: number): string {
  const lines = ['timestamp,value'];
  let s = seed;
  for (let t = from; t <= to; t += INTERVAL_MS) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const v = 50 + 20 * Math.sin((2 * Math.PI * t) / 86_400_000) + (s / 2147483648) * 4;
    lines.push(`${new Date(t).toISOString()},${v.toFixed(3)}`);
  }
  return `${lines.join('\n')}\n`;
}

async function startReplica(name: string, dir: string, config: string): Promise<Replica> {
  const port = await freePort();
  const cfg = path.join(dir, `${name}.yaml`);
  writeFileSync(cfg, config);
  const proc = spawn(
    process.execPath,
    [
      path.join(REPO, 'bin', 'vigil.js'),
      'serve',
      '--port',
      String(port),
      '--data-dir',
      path.join(dir, name),
      '--config',
      cfg,
    ],
    { env: { ...process.env, VIGIL_API_TOKEN: TOKEN }, stdio: ['ignore', 'ignore', 'pipe'] }
  );
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) throw new Error(`replica ${name} exited (${proc.exitCode}): ${stderr}`);
    try {
      if ((await fetch(`${url}/api/health/ready`)).ok) break;
    } catch {
      /* not up yet */
    }
    if (i > 240) throw new Error(`replica ${name} not ready within 60 s: ${stderr}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return { name, url, proc, exited };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('two vigil serve replicas on PostgreSQL', () => {
  const replicas: Replica[] = [];
  let dir: string;
  let db: pg.Client | undefined;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-replicas-'));
  });
  afterAll(async () => {
    for (const r of replicas) {
      if (r.proc.exitCode === null && r.proc.signalCode === null) {
        r.proc.kill('SIGTERM');
        await r.exited;
      }
    }
    await db?.end();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shares the jobs, and a replica killed with SIGKILL has its jobs taken up within two intervals, no range processed twice or skipped', async () => {
    const store = await createTestDatabase(serverServerUrl());
    const files = path.join(dir, 'files');
    mkdirSync(files);
    const now = Date.now();
    // two days of warm-up and the ten-minute training window before now, and a few minutes ahead
    const from = Math.floor((now - 2 * 86_400_000 - 15 * 60_000) / INTERVAL_MS) * INTERVAL_MS;
    for (let k = 0; k < 3; k++) writeFileSync(path.join(files, `s${k}.csv`), csv(from, now + 10 * 60_000, k + 1));
    const config = [
      'host: 127.0.0.1',
      'logLevel: warn',
      `store: ${JSON.stringify(store)}`,
      'sources:',
      '  - type: file',
      `    root: ${JSON.stringify(files)}`,
      'scheduler:',
      '  maxBackoff: 1m',
      '  retention: 30d',
      '  recovery: 1s',
      '',
    ].join('\n');
    replicas.push(await startReplica('a', dir, config), await startReplica('b', dir, config));
    const [a] = replicas;

    const ids: string[] = [];
    for (let i = 0; i < JOBS; i++) {
      const res = await fetch(`${a.url}/api/jobs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          name: `replicated-${i}`,
          source: { type: 'file', path: `s${i % 3}.csv` },
          interval: '5s',
          trainingWindow: '10m',
        }),
      });
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { id: string }).id);
    }

    db = new pg.Client({ connectionString: store });
    await db.connect();
    const runs = async (): Promise<RunRow[]> =>
      (
        await db!.query<RunRow>(
          'SELECT job_id, from_t::float8 AS from_t, to_t::float8 AS to_t, at::float8 AS at, duration_ms::float8 AS duration_ms, replica FROM job_runs ORDER BY job_id, to_t'
        )
      ).rows;

    // every job has run three times (the first run fits; the next ones score the newest bucket)
    const until = Date.now() + 60_000;
    let rows: RunRow[] = [];
    while (Date.now() < until) {
      rows = await runs();
      if (ids.every((id) => rows.filter((r) => r.job_id === id).length >= 3)) break;
      await sleep(250);
    }
    for (const id of ids) expect(rows.filter((r) => r.job_id === id).length).toBeGreaterThanOrEqual(3);

    // kill the replica that ran the most runs so far, without warning (SIGKILL: no shutdown code runs)
    const byReplica = new Map<string, number>();
    for (const r of rows) byReplica.set(r.replica, (byReplica.get(r.replica) ?? 0) + 1);
    const pids = new Map(replicas.map((r) => [r.proc.pid!, r]));
    const [busiest] = [...byReplica.entries()].sort((x, y) => y[1] - x[1])[0];
    const victim = pids.get(Number(busiest.split(':').pop()))!;
    const survivor = replicas.find((r) => r !== victim)!;
    expect(victim).toBeDefined();
    const victimName = busiest;
    // its jobs: those whose latest run it made
    const latest = new Map<string, RunRow>();
    for (const r of rows) latest.set(r.job_id, r);
    const victimJobs = ids.filter((id) => latest.get(id)!.replica === victimName);
    expect(victimJobs.length).toBeGreaterThan(0);
    // at a moment when a run is in flight (most often on the busiest replica), so a run dies with it
    const active = async () =>
      (
        await db!.query<{ n: number }>(
          `SELECT COUNT(*)::int AS n FROM pgboss.job WHERE name = 'vigil-job-runs' AND state = 'active'`
        )
      ).rows[0].n;
    for (const stop = Date.now() + 3 * INTERVAL_MS; Date.now() < stop && (await active()) === 0;) await sleep(5);
    const killedAt = Date.now();
    victim.proc.kill('SIGKILL');
    await victim.exited;

    // the survivor goes on alone for five intervals
    await sleep(5 * INTERVAL_MS);
    const health = await fetch(`${survivor.url}/api/health/ready`);
    expect(health.status).toBe(200);
    rows = await runs();
    const expired = await db.query(
      `SELECT singleton_key FROM pgboss.job WHERE name = 'vigil-job-runs' AND state = 'failed' AND output::text LIKE '%timeout%'`
    );
    process.stdout.write(`runs lost with the killed replica and taken up again: ${expired.rowCount}\n`);
    const survivorName = rows.find((r) => r.replica !== victimName)?.replica ?? `:${survivor.proc.pid}`;
    expect(survivorName.endsWith(`:${survivor.proc.pid}`)).toBe(true);

    for (const id of ids) {
      const own = rows.filter((r) => r.job_id === id);
      // taken up within two intervals of the kill, by the survivor
      const after = own.filter((r) => r.at >= killedAt);
      expect(after.length).toBeGreaterThanOrEqual(2);
      expect(after.every((r) => r.replica === survivorName)).toBe(true);
      expect(after[0].at - killedAt).toBeLessThanOrEqual(2 * INTERVAL_MS);
      // no range processed twice, none skipped: each run starts where the one before ended
      expect(own[0].from_t).toBeNull();
      for (let k = 1; k < own.length; k++) expect(own[k].from_t).toBe(own[k - 1].to_t);
      // never two runs of the job at once
      for (let k = 1; k < own.length; k++) {
        expect(own[k].at).toBeGreaterThanOrEqual(own[k - 1].at + own[k - 1].duration_ms);
      }
      // the results hold every point of the grid once, up to the newest recorded run (the survivor goes on running:
      // a run that ended after the runs were read has written newer points already)
      const lastTo = own[own.length - 1].to_t;
      const pts = (
        await db.query<{ n: number; first: number; last: number; newest: number }>(
          `SELECT COUNT(*) FILTER (WHERE t <= $2)::int AS n, MIN(t)::float8 AS first,
                  MAX(t) FILTER (WHERE t <= $2)::float8 AS last, MAX(t)::float8 AS newest FROM results
           WHERE series_id IN (SELECT id FROM series WHERE job_id = $1)`,
          [id, lastTo]
        )
      ).rows[0];
      expect(pts.last).toBe(lastTo);
      expect(pts.n).toBe((pts.last - pts.first) / INTERVAL_MS + 1);
      // and the job is current: its newest point is at most three intervals old
      expect(Date.now() - pts.newest).toBeLessThanOrEqual(4 * INTERVAL_MS);
    }
  }, 150_000);
});

function serverServerUrl(): string {
  return serverUrls().postgres;
}
