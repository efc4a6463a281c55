import SnappyJS from 'snappyjs';
import { deserialize } from 'prometheus-remote-write';
import { clearRegisteredSecrets, registerSecret } from '../core/scrub';
import type { ResultSeriesRows } from '../store/repo';
import type { DriftStatus } from '../contract/results';
import type { FetchLike } from '../sources/http';
import { RemoteWriteSink, remoteWriteSeries, requestBatches } from './remoteWrite';

const rows: ResultSeriesRows[] = [
  {
    jobId: 'j1',
    jobName: 'cpu',
    labels: { __name__: 'node_cpu', instance: 'a', job: 'node' },
    points: [
      { t: 2000, value: 9, expected: 5, lower: 4, upper: 6, score: 90, anomaly: true, direction: 1 },
      { t: 1000, value: 5, expected: 5, lower: 4, upper: 6, score: null, anomaly: false, direction: 0 },
      { t: 3000, value: null, expected: null, lower: null, upper: null, score: null, anomaly: false, direction: 0 },
    ],
  },
];
const drift: DriftStatus[] = [
  {
    jobId: 'j1',
    name: 'cpu',
    labels: { instance: 'a' },
    drifting: true,
    pValue: 0.001,
    statistic: 0.5,
    checkedAt: 3500,
  },
];

describe('remoteWriteSeries', () => {
  it('labels the results as the Prometheus-compatible API does, in time order, without nulls', () => {
    const s = remoteWriteSeries(rows, drift);
    const byName = (name: string, bound?: string) =>
      s.find((x) => x.labels.__name__ === name && x.labels.bound === bound)!;
    expect(byName('vigil_anomaly_score').labels).toEqual({
      __name__: 'vigil_anomaly_score',
      job: 'cpu',
      job_id: 'j1',
      metric: 'node_cpu',
      instance: 'a',
      exported_job: 'node',
    });
    expect(byName('vigil_anomaly_score').samples).toEqual([{ value: 90, timestamp: 2000 }]);
    expect(byName('vigil_anomalous').samples).toEqual([
      { value: 0, timestamp: 1000 },
      { value: 1, timestamp: 2000 },
    ]);
    expect(byName('vigil_expected', 'lower').samples.map((x) => x.value)).toEqual([4, 4]);
    expect(byName('vigil_expected', 'mean').samples.map((x) => x.value)).toEqual([5, 5]);
    expect(byName('vigil_expected', 'upper').samples.map((x) => x.value)).toEqual([6, 6]);
    expect(byName('vigil_drift').samples).toEqual([{ value: 1, timestamp: 3500 }]);
    expect(byName('vigil_drift_p_value').samples).toEqual([{ value: 0.001, timestamp: 3500 }]);
    expect(remoteWriteSeries(rows, drift, 3500).some((x) => x.labels.__name__ === 'vigil_drift')).toBe(false);
  });
});

describe('requestBatches', () => {
  it('splits the samples into requests of at most the limit, each series in time order across them', () => {
    const s = remoteWriteSeries(rows, drift);
    const batches = requestBatches(s, 4);
    expect(batches.map((b) => b.reduce((n, x) => n + x.samples.length, 0))).toEqual([4, 4, 3]);
    const anomalous = batches.flat().filter((x) => x.labels.__name__ === 'vigil_anomalous');
    expect(anomalous.flatMap((x) => x.samples.map((p) => p.timestamp))).toEqual([1000, 2000]);
    expect(requestBatches(s, 1000)).toEqual([s]);
    expect(requestBatches([], 10)).toEqual([]);
  });
});

/** A fake receiver answering with the given statuses in turn, recording each decoded request. */
function receiver(statuses: (number | Error)[]) {
  const requests: { headers: Record<string, string>; series: { labels: { name: string; value: string }[] }[] }[] = [];
  const fetch: FetchLike = async (_url, init) => {
    const next = statuses.length > 1 ? statuses.shift()! : statuses[0];
    const raw = SnappyJS.uncompress(init.body as unknown as Uint8Array);
    const decoded = (await deserialize(raw as unknown as ArrayBufferLike)) as unknown as {
      timeseries: { labels: { name: string; value: string }[] }[];
    };
    requests.push({ headers: init.headers, series: decoded.timeseries });
    if (next instanceof Error) throw next;
    return { status: next, statusText: next === 204 ? 'No Content' : 'Error', text: async () => `answer ${next}` };
  };
  return { fetch, requests };
}

function sinkWith(statuses: (number | Error)[], extra: { lastProcessed?: number; perRequest?: number } = {}) {
  const r = receiver(statuses);
  const logs: { level: string; obj: { err?: string } }[] = [];
  const counted: Record<string, number> = {};
  let lastProcessed = extra.lastProcessed ?? 3000;
  const repo = {
    getState: async () => ({ failures: 0, lastProcessed }),
    readResults: async (_job: string | undefined, from: number, to: number) =>
      rows.map((s) => ({ ...s, points: s.points.filter((p) => p.t >= from && p.t <= to) })),
    listDrift: async () => drift,
  };
  const sink = new RemoteWriteSink(
    {
      url: 'http://rw.example:9090/api/v1/write',
      auth: { type: 'basic', username: 'u', password: 's3cret-pw' },
      maxSamplesPerRequest: extra.perRequest,
    },
    {
      repo,
      clock: { now: () => 4000 },
      services: { fetch: r.fetch },
      sleep: async () => undefined,
      metrics: { observeRemoteWrite: (n, outcome) => (counted[outcome] = (counted[outcome] ?? 0) + n) },
      logger: {
        warn: (obj) => logs.push({ level: 'warn', obj: obj as { err?: string } }),
        error: (obj) => logs.push({ level: 'error', obj: obj as { err?: string } }),
      },
    }
  );
  return { sink, logs, counted, requests: r.requests, advance: (t: number) => (lastProcessed = t) };
}

describe('RemoteWriteSink', () => {
  afterEach(() => clearRegisteredSecrets());

  it('sends the new results once, with basic auth, and nothing again when nothing is new', async () => {
    const { sink, requests } = sinkWith([204]);
    const first = await sink.afterRun('j1');
    expect(first).toEqual({ samples: 11, attempts: 1 });
    expect(requests).toHaveLength(1);
    expect(requests[0].headers.authorization).toBe('Basic ' + Buffer.from('u:s3cret-pw').toString('base64'));
    expect(requests[0].series.length).toBe(7);
    expect(await sink.afterRun('j1')).toEqual({ samples: 0, attempts: 0 });
    expect(requests).toHaveLength(1);
  });

  it('retries a 5xx a bounded number of times, logs a clear error, and sends the samples with the next run', async () => {
    registerSecret('s3cret-pw');
    const { sink, logs, requests, counted } = sinkWith([503, 503, 503, 204]);
    const failed = await sink.afterRun('j1');
    expect(failed.attempts).toBe(3);
    expect(failed.kept).toBe(true);
    expect(failed.error).toMatch(
      /remote write to http:\/\/rw\.example:9090\/api\/v1\/write failed after 3 attempts: HTTP 503 .*sent again with its next run/
    );
    expect(logs.filter((l) => l.level === 'error')).toHaveLength(1);
    const again = await sink.afterRun('j1');
    expect(again).toEqual({ samples: 11, attempts: 1 });
    expect(requests).toHaveLength(4);
    expect(counted).toEqual({ kept: 11, sent: 11 });
    expect(JSON.stringify(logs)).not.toContain('s3cret-pw');
  });

  it('sends many samples in several requests, and all of them again when one fails', async () => {
    const { sink, requests, counted } = sinkWith([204, 500, 500, 500, 204], { perRequest: 4 });
    const failed = await sink.afterRun('j1');
    expect(failed).toMatchObject({ samples: 4, attempts: 4, kept: true });
    expect(failed.error).toMatch(/failed after 3 attempts: HTTP 500 .*; 7 samples of job j1 stay in the store/);
    expect(counted).toEqual({ sent: 4, kept: 7 });
    const again = await sink.afterRun('j1');
    expect(again).toEqual({ samples: 11, attempts: 3 });
    expect(requests).toHaveLength(7);
  });

  it('does not retry a refusal (4xx) and names the likely cause', async () => {
    const { sink, requests, counted } = sinkWith([400]);
    const out = await sink.afterRun('j1');
    expect(counted).toEqual({ refused: 11 });
    expect(out.attempts).toBe(1);
    expect(out.kept).toBe(false);
    expect(requests).toHaveLength(1);
    expect(await sink.afterRun('j1')).toEqual({ samples: 0, attempts: 0 });
  });

  it('says the receiver is down when the connection is refused', async () => {
    const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    const { sink } = sinkWith([refused]);
    const out = await sink.afterRun('j1');
    expect(out.attempts).toBe(3);
    expect(out.error).toMatch(/connection refused \(is the receiver running\?\)/);
  });

  it('sends only samples within maxSampleAge of the run newest point', async () => {
    const r = receiver([204]);
    const sink = new RemoteWriteSink(
      { url: 'http://rw.example/api/v1/write', maxSampleAgeMs: 1500 },
      {
        repo: {
          getState: async () => ({ failures: 0, lastProcessed: 3000 }),
          readResults: async (_j: string | undefined, from: number, to: number) =>
            rows.map((s) => ({ ...s, points: s.points.filter((p) => p.t >= from && p.t <= to) })),
          listDrift: async () => [],
        },
        clock: { now: () => 4000 },
        services: { fetch: r.fetch },
      }
    );
    expect((await sink.afterRun('j1')).samples).toBe(5); // the point at t=2000 only
  });

  it('refuses a URL that is not http(s)', () => {
    expect(
      () =>
        new RemoteWriteSink(
          { url: 'ftp://x/write' },
          {
            repo: { getState: async () => ({ failures: 0 }), readResults: async () => [], listDrift: async () => [] },
            clock: { now: () => 0 },
          }
        )
    ).toThrow(/url must be an absolute http\(s\) URL/);
  });
});
