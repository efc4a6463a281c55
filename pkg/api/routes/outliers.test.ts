import type { Labels } from '../../core/series';
import { auth, MIN, startTestApp, T0, type TestApp } from '../../../tests/helpers/api';
import { ManualClock, MemorySeriesSource } from '../../../tests/helpers/jobs';

const HOSTS = Array.from({ length: 10 }, (_, i) => `h${i}`);
/** host h7 runs 30 above its peers for the 40 minutes from T0 - 60 min */
const DEVIANT = { from: T0 - 60 * MIN, to: T0 - 20 * MIN };

function cpu(labels: Labels, t: number): number {
  const x = Math.sin(t / 7919 + Number(labels.host.slice(1)) * 13.7) * 43758.5453;
  const noise = (x - Math.floor(x) - 0.5) * 4;
  const v = 50 + 10 * Math.sin((2 * Math.PI * t) / (120 * MIN)) + noise;
  return labels.host === 'h7' && t >= DEVIANT.from && t < DEVIANT.to ? v + 30 : v;
}

let api: TestApp;
let clock: ManualClock;
beforeAll(async () => {
  const prom = new MemorySeriesSource(
    'prometheus',
    'prometheus',
    HOSTS.map((host) => ({ __name__: 'cpu', host })),
    cpu
  );
  const few = new MemorySeriesSource('logs', 'elasticsearch', [{ host: 'a' }, { host: 'b' }], () => 1);
  clock = new ManualClock(T0);
  api = await startTestApp({ clock, sources: () => [prom, few] });
});
afterAll(() => api.close());

const body = { source: { type: 'prometheus', query: 'cpu' }, from: T0 - 3 * 60 * MIN, to: T0, interval: '1m' };

describe('POST /api/outliers', () => {
  for (const algorithm of ['dbscan', 'mad'] as const) {
    it(`${algorithm}: flags the one host of ten that left the group, with the time it did and its score`, async () => {
      const res = await api.post('/api/outliers', { ...body, algorithm });
      expect(res.statusCode).toBe(200);
      const r = res.json();
      expect(r).toMatchObject({ algorithm, sensitivity: 0.5, minDuration: 3, intervalMs: MIN, warnings: [] });
      expect(r.series).toHaveLength(10);
      const flagged = r.series.filter((s: { outlier: boolean }) => s.outlier);
      expect(flagged.map((s: { labels: Labels }) => s.labels.host)).toEqual(['h7']);
      const [h7] = flagged;
      expect(h7.score).toBeGreaterThan(75);
      expect(h7.intervals.length).toBeGreaterThanOrEqual(1);
      expect(h7.intervals[0].start).toBeGreaterThanOrEqual(DEVIANT.from);
      expect(h7.intervals[h7.intervals.length - 1].end).toBeLessThan(DEVIANT.to);
      expect(h7.points).toHaveLength(181);
      const inside = h7.points.find((p: { t: number }) => p.t === DEVIANT.from + 10 * MIN);
      expect(inside.outlier).toBe(true);
      const band = r.band.find((p: { t: number }) => p.t === inside.t);
      expect(inside.value).toBeGreaterThan(band.upper);
    });
  }

  it('refuses a group of fewer than 3 series and bad options, naming what was wrong', async () => {
    const few = await api.post('/api/outliers', {
      ...body,
      source: { type: 'elasticsearch', index: 'x', timeField: 't', metric: { type: 'count' } },
    });
    expect(few.statusCode).toBe(400);
    expect(few.json().error.message).toMatch(/at least 3 series .* the query returned 2/);
    const bad = await api.post('/api/outliers', { ...body, sensitivity: 2 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/sensitivity/);
    const algo = await api.post('/api/outliers', { ...body, algorithm: 'kmeans' });
    expect(algo.statusCode).toBe(400);
    const token = await api.post('/api/outliers', body, {});
    expect(token.statusCode).toBe(401);
  });
});

describe('outliers jobs', () => {
  it('a job of kind outliers stores its runs, read back by GET /api/jobs/:id/outliers as the ad-hoc answer gives them', async () => {
    const created = await api.post('/api/jobs', {
      name: 'cpu peers',
      kind: 'outliers',
      source: { type: 'prometheus', query: 'cpu' },
      interval: '1m',
      trainingWindow: '3h',
      outliers: { algorithm: 'mad', minDuration: 5 },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    expect(created.json()).toMatchObject({ kind: 'outliers', outliers: { algorithm: 'mad', minDuration: 5 } });
    expect(await api.scheduler.runNow(id)).toBe(true);
    const job = (await api.get(`/api/jobs/${id}`)).json();
    expect(job.lastRun).toMatchObject({ ok: true });
    expect(job.status).toBe('ready');

    const stored = await api.get(`/api/jobs/${id}/outliers?from=${T0 - 3 * 60 * MIN}&to=${T0}`);
    expect(stored.statusCode).toBe(200);
    const r = stored.json();
    expect(r).toMatchObject({ algorithm: 'mad', minDuration: 5, intervalMs: MIN });
    expect(r.series).toHaveLength(10);
    expect(
      r.series.filter((x: { outlier: boolean }) => x.outlier).map((x: { labels: Labels }) => x.labels.host)
    ).toEqual(['h7']);
    const h7 = r.series.find((x: { labels: Labels }) => x.labels.host === 'h7');
    expect(h7.intervals[0].start).toBeGreaterThanOrEqual(DEVIANT.from);
    expect(h7.intervals[h7.intervals.length - 1].end).toBeLessThan(DEVIANT.to);
    // the same periods as the ad-hoc question over the job's window
    const adhoc = (
      await api.post('/api/outliers', {
        ...body,
        // the job's window: the last 3 hours up to the last complete minute
        from: T0 - 3 * 60 * MIN,
        to: T0 - MIN,
        algorithm: 'mad',
        minDuration: 5,
      })
    ).json();
    expect(h7.intervals).toEqual(adhoc.series.find((x: { labels: Labels }) => x.labels.host === 'h7').intervals);
    expect(r.band.length).toBeGreaterThan(100);

    // alert rules read the stored outlying points through the Prometheus-compatible API
    const at = (DEVIANT.from + 20 * MIN) / 1000;
    const q = async (expr: string) =>
      (await api.get(`/api/v1/query?query=${encodeURIComponent(expr)}&time=${at}`)).json().data.result;
    const flaggedNow = await q('max_over_time(vigil_anomalous{job="cpu peers"}[5m]) > 0');
    expect(flaggedNow.map((x: { metric: Labels }) => x.metric.host)).toEqual(['h7']);
    expect(Number((await q('vigil_anomaly_score{job="cpu peers",host="h7"}'))[0].value[1])).toBeGreaterThan(50);

    // its outlying period is one anomaly event of h7, naming the algorithm, listed with the job's anomalies
    const events = async () =>
      (await api.get(`/api/jobs/${id}/anomalies?from=${T0 - 3 * 60 * MIN}&to=${T0 + 10 * MIN}`)).json().anomalies;
    const [event, ...more] = await events();
    expect(more).toEqual([]);
    expect(event).toMatchObject({ labels: { __name__: 'cpu', host: 'h7' }, start: h7.intervals[0].start });
    expect(Object.keys(event.detectors)).toEqual(['peer_mad']);
    expect(event.explanation).toMatch(/^cpu\{host="h7"\} was unlike its 9 peers \(MAD, sensitivity 0.5\)/);
    expect((await api.get(`/api/jobs/${id}`)).json().anomalies24h).toBe(1);

    // the next run, ten minutes later, adds the new points and no second event
    clock.t += 10 * MIN;
    expect(await api.scheduler.runNow(id)).toBe(true);
    const later = (await api.get(`/api/jobs/${id}/outliers?from=${T0 - 3 * 60 * MIN}&to=${T0 + 10 * MIN}`)).json();
    expect(later.series[0].points.length).toBe(r.series[0].points.length + 10);
    expect((await events()).map((e: { id: string }) => e.id)).toEqual([event.id]);
  });

  it('refuses a backtest of an outliers job, pointing to the ad-hoc question', async () => {
    const res = await api.post('/api/backtest', {
      name: 'peers',
      kind: 'outliers',
      source: { type: 'prometheus', query: 'cpu' },
      from: T0 - 60 * MIN,
      to: T0,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/POST \/api\/outliers/);
  });

  it("refuses fields the job's kind would ignore, naming the field, on create, replace and import", async () => {
    const peers = { name: 'peers', kind: 'outliers', source: { type: 'prometheus', query: 'cpu' } };
    const threshold = await api.post('/api/jobs', { ...peers, threshold: 80 });
    expect(threshold.statusCode).toBe(400);
    expect(threshold.json().error.message).toMatch(/^field "threshold": does not apply to an outliers job/);
    const detectors = await api.post('/api/jobs', { ...peers, detectors: ['zscore'] });
    expect(detectors.json().error.message).toMatch(/^field "detectors": does not apply/);
    const options = await api.post('/api/jobs', { name: 'cpu', source: peers.source, outliers: { algorithm: 'mad' } });
    expect(options.statusCode).toBe(400);
    expect(options.json().error.message).toMatch(/^field "outliers": applies only to a job of kind: outliers/);

    const created = await api.post('/api/jobs', peers);
    expect(created.statusCode).toBe(201);
    const replaced = await api.app.inject({
      method: 'PUT',
      url: `/api/jobs/${created.json().id}`,
      headers: auth,
      payload: { ...peers, forecastHorizon: 60 },
    });
    expect(replaced.statusCode).toBe(400);
    expect(replaced.json().error.message).toMatch(/^field "forecastHorizon": does not apply/);
    const imported = await api.post('/api/jobs/import', {
      apiVersion: 'vigil/v1',
      kind: 'Job',
      spec: { ...peers, name: 'imported peers', mode: 'any' },
    });
    expect(imported.statusCode).toBe(400);
    expect(imported.json().error.message).toMatch(/^spec \(job "imported peers"\): field "mode": does not apply/);
    const jobs = (await api.get('/api/jobs')).json().jobs as Array<{ name: string; threshold?: number }>;
    expect(jobs.filter((j) => j.name === 'peers' || j.name === 'imported peers')).toEqual([
      expect.not.objectContaining({ threshold: expect.anything() }),
    ]);
  });

  it('refuses to read an anomaly job as outliers', async () => {
    const created = await api.post('/api/jobs', { name: 'cpu', source: { type: 'prometheus', query: 'cpu' } });
    const res = await api.get(`/api/jobs/${created.json().id}/outliers`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/anomaly job/);
  });
});
