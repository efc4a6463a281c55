import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import initSqlJs from 'sql.js';
import { InputError } from '../core/errors';
import { MIGRATIONS, numberedParams, postgresDdl } from './db';
import { IncidentRepo } from './incidents';
import { Repo } from './repo';
import { SqliteStore } from './sqlite';
import { openStore } from './store';
import { describeRepoContract } from '../../tests/helpers/repoContract';

describe('SqliteStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the schema at the newest version', async () => {
    const store = await SqliteStore.open({ dataDir: dir });
    expect(await store.version()).toBe(MIGRATIONS.length);
    expect(existsSync(path.join(dir, 'vigil.db'))).toBe(true);
    await store.close();
  });

  it('migrates an older database and keeps its rows', async () => {
    const old = await SqliteStore.open({ dataDir: dir, migrateTo: 1 });
    expect(await old.version()).toBe(1);
    await old.run('INSERT INTO jobs (id, spec, enabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?)', [
      'j1',
      JSON.stringify({ name: 'old job', source: { type: 'file', path: 'x.csv' } }),
      1,
      5,
      5,
    ]);
    await old.close();
    const store = await SqliteStore.open({ dataDir: dir });
    expect(await store.version()).toBe(MIGRATIONS.length);
    const repo = new Repo(store);
    expect((await repo.getJob('j1', 10))?.name).toBe('old job');
    // migration 2 added the suppression column and the drift table
    expect((await store.all('PRAGMA table_info(anomalies)')).map((r) => r.name)).toContain('suppressed_by');
    expect(await store.all("SELECT name FROM sqlite_master WHERE name = 'drift'")).toHaveLength(1);
    await store.close();
  });

  it('keeps everything across a restart', async () => {
    const store = await SqliteStore.open({ dataDir: dir });
    const repo = new Repo(store);
    const job = await repo.createJob({ name: 'cpu', source: { type: 'prometheus', query: 'up' } }, 1000);
    await repo.writeResults(job.id, { instance: 'a' }, [
      { t: 60_000, value: 1, expected: 1, lower: 0, upper: 2, score: 3, anomaly: false, direction: 0 },
      { t: 120_000, value: 9, expected: 1, lower: 0, upper: 2, score: 90, anomaly: true, direction: 1 },
    ]);
    await store.close();
    const again = new Repo(await SqliteStore.open({ dataDir: dir }));
    expect((await again.listJobs(2000)).map((j) => j.name)).toEqual(['cpu']);
    const res = await again.readResults(job.id, 0, 200_000);
    expect(res[0].labels).toEqual({ instance: 'a' });
    expect(res[0].points.map((p) => [p.t, p.value, p.anomaly, p.direction])).toEqual([
      [60_000, 1, false, 0],
      [120_000, 9, true, 1],
    ]);
    await again.store.close();
  });

  it('runs in WAL mode with a full sync at every commit', async () => {
    const store = await SqliteStore.open({ dataDir: dir });
    expect(store.pragma('journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    expect(store.pragma('synchronous')).toEqual([{ synchronous: 2 }]);
    await store.close();
  });

  it('opens a database written by sql.js (earlier Vigil versions) and migrates it', async () => {
    const wasm = readFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'));
    const SQL = await initSqlJs({
      wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer,
    });
    const old = new SQL.Database();
    old.exec(MIGRATIONS[0]);
    old.exec('PRAGMA user_version = 1');
    old.run('INSERT INTO jobs (id, spec, enabled, created_at, updated_at, state) VALUES (?, ?, ?, ?, ?, ?)', [
      'j1',
      JSON.stringify({ name: 'from sql.js', source: { type: 'prometheus', query: 'up' } }),
      1,
      5,
      5,
      JSON.stringify({ failures: 0, lastProcessed: 120_000 }),
    ]);
    old.run("INSERT INTO series (id, job_id, key, labels) VALUES (1, 'j1', '{}', '{}')");
    old.run('INSERT INTO results VALUES (1, 60000, 1.5, 1, 0, 2, 10, 0, 0)');
    writeFileSync(path.join(dir, 'vigil.db'), old.export());
    old.close();

    const store = await SqliteStore.open({ dataDir: dir });
    expect(await store.version()).toBe(MIGRATIONS.length);
    const repo = new Repo(store);
    expect((await repo.getJob('j1', 10))?.name).toBe('from sql.js');
    expect(await repo.getState('j1')).toEqual({ failures: 0, lastProcessed: 120_000 });
    expect((await repo.readResults('j1', 0, 100_000))[0].points).toEqual([
      { t: 60_000, value: 1.5, expected: 1, lower: 0, upper: 2, score: 10, anomaly: false, direction: 0 },
    ]);
    expect(store.pragma('journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    await store.close();
  });

  it('refuses a file that is not a SQLite database, naming it', async () => {
    writeFileSync(path.join(dir, 'vigil.db'), 'this is not sqlite at all, just some text that is long enough');
    await expect(SqliteStore.open({ dataDir: dir })).rejects.toThrow(InputError);
    await expect(SqliteStore.open({ dataDir: dir })).rejects.toThrow(/vigil\.db is not a readable SQLite database/);
  });

  it('stores NaN and infinities as null', async () => {
    const store = await SqliteStore.open();
    const repo = new Repo(store);
    const job = await repo.createJob({ name: 'x', source: { type: 'prometheus', query: 'up' } }, 0);
    await repo.writeResults(job.id, {}, [
      { t: 1, value: NaN, expected: Infinity, lower: null, upper: null, score: null, anomaly: false, direction: 0 },
    ]);
    expect((await repo.readResults(job.id, 0, 10))[0].points[0]).toMatchObject({ value: null, expected: null });
    await store.close();
  });

  it('keeps other writers out of a transaction and rolls it back on error', async () => {
    const store = await SqliteStore.open();
    await store.run("INSERT INTO jobs (id, spec, enabled, created_at, updated_at) VALUES ('a', '{}', 1, 0, 0)");
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const tx = store.transaction(async (q) => {
      await q.run('UPDATE jobs SET enabled = 0');
      await gate;
      throw new Error('changed my mind');
    });
    // a statement from outside waits for the transaction and sees its rollback
    const outside = store.get<{ enabled: number }>('SELECT enabled FROM jobs');
    release();
    await expect(tx).rejects.toThrow('changed my mind');
    expect(await outside).toEqual({ enabled: 1 });
    await store.close();
  });

  it('runs transactions begun together one after the other (the start-up prune of results and incidents)', async () => {
    const store = await SqliteStore.open();
    const repo = new Repo(store);
    const incidents = new IncidentRepo(store);
    const started = await Promise.allSettled([repo.prune(0), incidents.prune(0), repo.prune(0)]);
    expect(started.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual(['ok', 'ok', 'ok']);
    // a statement begun while transactions start is not caught in one (and in its rollback)
    await store.run("INSERT INTO jobs (id, spec, enabled, created_at, updated_at) VALUES ('a', '{}', 1, 0, 0)");
    const failing = store.transaction(async (q) => {
      await q.run('UPDATE jobs SET enabled = 0');
      throw new Error('rolled back');
    });
    const write = store.run('UPDATE jobs SET spec = \'{"kept":1}\'');
    const second = store.transaction(async (q) => q.get<{ n: number }>('SELECT COUNT(*) AS n FROM jobs'));
    await expect(failing).rejects.toThrow('rolled back');
    await write;
    expect(await second).toEqual({ n: 1 });
    expect(await store.get('SELECT spec, enabled FROM jobs')).toEqual({ spec: '{"kept":1}', enabled: 1 });
    await store.close();
  });
});

describe('openStore', () => {
  it('opens SQLite by default and refuses anything but sqlite or a postgres URL, naming the key', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-store-'));
    const store = await openStore({ dataDir: dir });
    expect(store.dialect).toBe('sqlite');
    expect(store.location).toBe(path.join(dir, 'vigil.db'));
    await store.close();
    await expect(openStore({ store: 'mysql://x', dataDir: dir })).rejects.toThrow(/store.*sqlite.*postgres/);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('one SQL for both databases', () => {
  it('translates the migrations to PostgreSQL types', () => {
    const ddl = postgresDdl(MIGRATIONS[0]);
    expect(ddl).toContain('id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY');
    expect(ddl).toContain('t BIGINT NOT NULL, value DOUBLE PRECISION');
    expect(ddl).toContain('"end" BIGINT NOT NULL');
    expect(ddl).not.toMatch(/WITHOUT ROWID|\bREAL\b|\bINTEGER\b/);
  });

  it('numbers placeholders', () => {
    expect(numberedParams('SELECT * FROM t WHERE a = ? AND b IN (?, ?)')).toBe(
      'SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)'
    );
  });
});

describe('Repo anomalies', () => {
  it('joins an event that continues across runs instead of adding a second one', async () => {
    const repo = new Repo(await SqliteStore.open());
    const job = await repo.createJob({ name: 'x', source: { type: 'prometheus', query: 'up' } }, 0);
    const ev = {
      start: 60_000,
      end: 120_000,
      labels: { a: '1' },
      severity: 'minor' as const,
      score: 30,
      peak: 60_000,
      detectors: { zscore: 60 },
      expected: 1,
      actual: 5,
      direction: 'above' as const,
      confidence: 1,
      explanation: 'x',
    };
    const first = await repo.recordAnomaly(job.id, ev, 0, 120_000);
    const second = await repo.recordAnomaly(
      job.id,
      { ...ev, start: 180_000, end: 240_000, peak: 200_000, score: 80 },
      0,
      120_000
    );
    expect(second.id).toBe(first.id);
    expect(second).toMatchObject({ start: 60_000, end: 240_000, score: 80, peak: 200_000 });
    const third = await repo.recordAnomaly(job.id, { ...ev, start: 900_000, end: 900_000 }, 0, 120_000);
    expect(third.id).not.toBe(first.id);
    expect(await repo.listAnomalies(job.id, 0, 1e7)).toHaveLength(2);
    await repo.store.close();
  });
});

describeRepoContract('SQLite (in memory)', () => SqliteStore.open());
