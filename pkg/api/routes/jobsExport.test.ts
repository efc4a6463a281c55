import type { FastifyInstance } from 'fastify';
import { SourceRegistry } from '../../sources/registry';
import { ManualClock, MemorySeriesSource } from '../../../tests/helpers/jobs';
import { Repo } from '../../store/repo';
import { SqliteStore } from '../../store/sqlite';
import { buildApp } from '../app';

const TOKEN = 'test-token-123';
const auth = { authorization: `Bearer ${TOKEN}` };
let app: FastifyInstance;
let repo: Repo;

const spec = {
  name: 'checkout latency',
  source: { type: 'prometheus', query: 'latency' },
  interval: '1m',
  trainingWindow: '1d',
  ingestDelay: '2m',
  forecastHorizon: 30,
  forecastThresholds: [{ value: 0.5, direction: 'above' }],
  maintenanceWindows: [{ name: 'backups', cron: '0 2 * * 6', duration: '2h', timezone: 'Europe/Paris' }],
  criticality: 'high',
};

beforeEach(async () => {
  repo = new Repo(await SqliteStore.open());
  const prom = new MemorySeriesSource('prometheus', 'prometheus', [{ __name__: 'latency' }], () => 1);
  app = await buildApp({
    apiToken: TOKEN,
    repo,
    sources: new SourceRegistry([prom]),
    clock: new ManualClock(Date.UTC(2026, 0, 5)),
  });
});

afterEach(async () => {
  await app.close();
  await repo.store.close();
});

const post = (url: string, payload: unknown) =>
  app.inject({ method: 'POST', url, headers: auth, payload: payload as Record<string, unknown> });
const get = (url: string) => app.inject({ method: 'GET', url, headers: auth });

describe('job export and import', () => {
  it('exports a job as its spec, by id or by name, and imports it into another engine as the same job', async () => {
    const created = await post('/api/jobs', spec);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ ...spec, status: 'pending' });
    const byId = await get(`/api/jobs/${created.json().id}/export`);
    expect(byId.statusCode).toBe(200);
    expect(byId.json()).toEqual({ apiVersion: 'vigil/v1', kind: 'Job', spec, enabled: true });
    expect((await get(`/api/jobs/${encodeURIComponent(spec.name)}/export`)).json()).toEqual(byId.json());
    // the same name is refused unless told what to do
    const again = await post('/api/jobs/import', byId.json());
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toMatch(/a job named "checkout latency" exists/);
    const skipped = await post('/api/jobs/import?onConflict=skip', byId.json());
    expect(skipped.json()).toMatchObject({ created: 0, replaced: 0, skipped: ['checkout latency'] });
    const changed = { ...byId.json(), spec: { ...spec, interval: '5m' }, enabled: false };
    const replaced = await post('/api/jobs/import?onConflict=replace', changed);
    expect(replaced.json()).toMatchObject({ created: 0, replaced: 1 });
    expect(replaced.json().jobs[0]).toMatchObject({ id: created.json().id, interval: '5m', enabled: false });
    // a whole engine's jobs round-trip
    const all = await get('/api/jobs/export');
    expect(all.json()).toMatchObject({
      apiVersion: 'vigil/v1',
      kind: 'JobList',
      items: [{ spec: { interval: '5m' } }],
    });
    await app.inject({ method: 'DELETE', url: `/api/jobs/${created.json().id}`, headers: auth });
    const restored = await post('/api/jobs/import', all.json());
    expect(restored.statusCode).toBe(200);
    expect(restored.json()).toMatchObject({ created: 1, jobs: [{ name: spec.name, interval: '5m', enabled: false }] });
  });

  it.each([
    [{ apiVersion: 'vigil/v1', kind: 'Job' }, 400, /spec/],
    [{ apiVersion: 'vigil/v2', kind: 'Job', spec }, 400, /apiVersion/],
    [
      {
        apiVersion: 'vigil/v1',
        kind: 'JobList',
        items: [{ apiVersion: 'vigil/v1', kind: 'Job', spec: { ...spec, interval: 'soon' } }],
      },
      400,
      /items\[0\]\.spec \(job "checkout latency"\): interval "soon"/,
    ],
    [
      {
        apiVersion: 'vigil/v1',
        kind: 'JobList',
        items: [1, 2].map(() => ({ apiVersion: 'vigil/v1', kind: 'Job', spec })),
      },
      400,
      /two jobs in the import are named "checkout latency"/,
    ],
    [
      { apiVersion: 'vigil/v1', kind: 'Job', spec: { ...spec, forecastHorizon: undefined } },
      400,
      /forecastThresholds need a forecastHorizon/,
    ],
    [
      {
        apiVersion: 'vigil/v1',
        kind: 'Job',
        spec: { ...spec, maintenanceWindows: [{ cron: 'daily', duration: '1h' }] },
      },
      400,
      /maintenanceWindows\[0\]\.cron/,
    ],
  ])('refuses a bad import %#, naming the field', async (body, status, message) => {
    const res = await post('/api/jobs/import', body);
    expect(res.statusCode).toBe(status);
    expect(res.json().error.message).toMatch(message);
    expect((await get('/api/jobs')).json().jobs).toEqual([]);
  });

  it('refuses bad lifecycle fields on create with a 400 naming them', async () => {
    for (const [patch, message] of [
      [{ ingestDelay: 'later' }, /ingestDelay "later"/],
      [{ maintenanceWindows: [{ from: 5 }] }, /maintenanceWindows\[0\]/],
      [{ forecastThresholds: [{ value: 1, direction: 'sideways' }] }, /direction/],
    ] as const) {
      const res = await post('/api/jobs', { ...spec, ...patch });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.message).toMatch(message);
    }
  });

  it('finds a job by name where an id is expected, and says when a name is ambiguous', async () => {
    await post('/api/jobs', spec);
    expect((await get(`/api/jobs/${encodeURIComponent(spec.name)}`)).json()).toMatchObject({ name: spec.name });
    expect((await get('/api/jobs/nope')).statusCode).toBe(404);
    await post('/api/jobs', spec);
    const two = await get(`/api/jobs/${encodeURIComponent(spec.name)}`);
    expect(two.statusCode).toBe(400);
    expect(two.json().error.message).toMatch(/2 jobs are named "checkout latency": use the job's id/);
  });
});
