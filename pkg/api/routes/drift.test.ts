import { ManualClock, MemorySeriesSource } from '../../../tests/helpers/jobs';
import { startTestApp, type TestApp } from '../../../tests/helpers/api';

const MIN = 60_000;
const DAY = 1440 * MIN;
const T0 = Date.UTC(2026, 0, 12, 0, 0, 0);

/** Deterministic uniform noise with unit sd. */
function noise(t: number): number {
  const x = Math.sin(t / 7919) * 43758.5453;
  return (x - Math.floor(x) - 0.5) * Math.sqrt(12);
}

describe('drift of a job: a daily sine with noise, then a level shift, then accepted as the new normal', () => {
  let app: TestApp;
  let clock: ManualClock;
  let jobId = '';
  const shift = { from: Infinity, by: 0 };
  const drift = async () => {
    const res = await app.get(`/api/jobs/${jobId}/drift`);
    expect(res.statusCode).toBe(200);
    return res.json().series[0];
  };
  /** advance the clock by `minutes` and run the job, as the scheduler would every half hour */
  const runFor = async (minutes: number) => {
    clock.t += minutes * MIN;
    expect(await app.scheduler.runNow(jobId)).toBe(true);
  };

  beforeAll(async () => {
    clock = new ManualClock(T0 + 10_000);
    const source = new MemorySeriesSource(
      'prometheus',
      'prometheus',
      [{ __name__: 'rps', instance: 'a' }],
      (_l, t) => 100 + 20 * Math.sin((2 * Math.PI * t) / DAY) + noise(t) + (t >= shift.from ? shift.by : 0)
    );
    app = await startTestApp({ clock, sources: () => [source] });
    const res = await app.post('/api/jobs', {
      name: 'rps',
      source: { type: 'prometheus', query: 'rps' },
      detectors: ['zscore'],
      interval: '5m',
      trainingWindow: '7d',
      labels: { team: 'web' },
    });
    expect(res.statusCode).toBe(201);
    jobId = res.json().id;
    expect(await app.scheduler.runNow(jobId)).toBe(true);
  });
  afterAll(() => app.close());

  it('learns the daily season on the first run and does not drift over the next day', async () => {
    const first = await drift();
    expect(first).toMatchObject({ labels: { __name__: 'rps', instance: 'a', team: 'web' }, period: 288 });
    expect(first.reference.length).toBeGreaterThan(400);
    expect(first.recent).toHaveLength(240);
    for (let run = 0; run < 48; run++) {
      await runFor(30);
      expect((await drift()).drifting).toBe(false);
    }
    expect((await app.get('/api/drift')).json().jobs[0]).toMatchObject({ jobId, drifting: false });
  });

  it('drifts within six hours of a level shift of 3 sd', async () => {
    shift.from = clock.now();
    shift.by = 3;
    let runs = 0;
    while (!(await drift()).drifting && runs < 12) {
      await runFor(30);
      runs++;
    }
    const d = await drift();
    expect(d.drifting).toBe(true);
    expect(d.pValue).toBeLessThan(0.01);
    expect(runs).toBeGreaterThan(0);
    // the shifted points stand above every adjusted reference value
    expect(d.recent[d.recent.length - 1]).toBeGreaterThan(d.reference[d.reference.length - 1] + 1);
  });

  it('accepts the recent window as the new normal: no drift then, nor on the next runs', async () => {
    const res = await app.post(`/api/jobs/${jobId}/drift/accept`, {});
    expect(res.statusCode).toBe(200);
    const after = res.json().series[0];
    expect(after).toMatchObject({ drifting: false, pValue: 1, period: 288 });
    expect(after.reference).toEqual(after.recent);
    // four more hours at the new level are judged against the accepted window
    for (let run = 0; run < 8; run++) await runFor(30);
    expect((await drift()).drifting).toBe(false);
  });

  it('answers 409 for a job that has not run yet: there is no reference to replace', async () => {
    const res = await app.post('/api/jobs', {
      name: 'not run yet',
      source: { type: 'prometheus', query: 'rps' },
      interval: '5m',
    });
    const accept = await app.post(`/api/jobs/${res.json().id}/drift/accept`, {});
    expect(accept.statusCode).toBe(409);
    expect(accept.json().error.code).toBe('no_drift_reference');
    expect((await app.get(`/api/jobs/${res.json().id}/drift`)).json().series).toEqual([]);
  });

  it('answers 404 for an unknown job', async () => {
    expect((await app.get('/api/jobs/nope/drift')).statusCode).toBe(404);
    expect((await app.post('/api/jobs/nope/drift/accept', {})).statusCode).toBe(404);
  });
});
