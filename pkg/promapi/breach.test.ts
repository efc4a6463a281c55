import { Repo } from '../store/repo';
import { SqliteStore } from '../store/sqlite';
import { ResultCatalog } from './catalog';
import { evaluate, lookbehindMs, parsePromQL, selectors } from './promql';

const MIN = 60_000;
const T = Date.UTC(2026, 0, 5, 12);

describe('forecast breach series', () => {
  it('says how soon the latest forecast crosses each job threshold, from the time it was made', async () => {
    const repo = new Repo(await SqliteStore.open());
    const job = await repo.createJob(
      {
        name: 'disk',
        source: { type: 'prometheus', query: 'disk_used' },
        forecastHorizon: 60,
        forecastThresholds: [{ value: 90 }, { value: 10, direction: 'below' }],
      },
      T
    );
    // the forecast made at T (first point T + 1m) passes 90% 22 minutes later
    const points = Array.from({ length: 60 }, (_, i) => ({
      t: T + (i + 1) * MIN,
      mean: 80 + i * 0.5,
      lower: 70,
      upper: 99,
    }));
    await repo.writeForecast(job.id, { __name__: 'disk_used', host: 'a' }, points);
    const at = async (q: string, t: number) => {
      const c = await ResultCatalog.load(repo);
      const e = parsePromQL(q);
      const from = t - lookbehindMs(e);
      await c.preload(selectors(e), from, t);
      return evaluate(e, t, c.selector(from, t));
    };
    expect(await at('vigil_forecast_breach_seconds', T + 30_000)).toEqual({
      type: 'vector',
      samples: [
        {
          labels: {
            __name__: 'vigil_forecast_breach_seconds',
            job: 'disk',
            job_id: job.id,
            metric: 'disk_used',
            host: 'a',
            threshold: '90',
            direction: 'above',
          },
          value: 22 * 60, // 80 + 0.5 i first exceeds 90 at i = 21, the 22nd minute
        },
      ],
    });
    const breach = await at('vigil_forecast_breach', T + 30_000);
    expect(breach.type === 'vector' && breach.samples.map((s) => [s.labels.threshold, s.value])).toEqual([
      ['90', 1],
      ['10', 0],
    ]);
    // seen for Prometheus' five-minute lookback only: a stale forecast stops alerting
    expect(await at('vigil_forecast_breach', T + 6 * MIN)).toEqual({ type: 'vector', samples: [] });
    await repo.store.close();
  });
});
