import { SourceError } from '../core/errors';
import type { FetchLike } from '../sources/http';
import { ElasticsearchAnomalySink } from './elasticsearch';
import type { StoredAnomaly } from '../contract/results';

const anomaly: StoredAnomaly = {
  id: 'a-1',
  jobId: 'j-1',
  start: Date.UTC(2026, 0, 1, 10, 0),
  end: Date.UTC(2026, 0, 1, 10, 5),
  peak: Date.UTC(2026, 0, 1, 10, 2),
  labels: { host: 'web-1' },
  severity: 'major',
  score: 62.5,
  detectors: { zscore: 70 },
  expected: 10,
  actual: 40,
  direction: 'above',
  confidence: 1,
  explanation: 'requests 40 above the expected 10',
};

function fakeFetch(status: number, text: string) {
  const calls: { url: string; method?: string; headers?: unknown; body?: unknown }[] = [];
  const fetch = (async (url: string, init: { method?: string; headers?: unknown; body?: unknown }) => {
    calls.push({ url, ...init });
    return { status, statusText: '', text: async () => text };
  }) as unknown as FetchLike;
  return { fetch, calls };
}

describe('ElasticsearchAnomalySink', () => {
  it('PUTs one document per anomaly, keyed by its id, with @timestamp and auth', async () => {
    const { fetch, calls } = fakeFetch(201, '{"result":"created"}');
    const sink = new ElasticsearchAnomalySink(
      { url: 'http://es:9200', auth: { type: 'basic', username: 'u', password: 'p' } },
      { fetch }
    );
    await sink.write(anomaly);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ url: 'http://es:9200/vigil-anomalies/_doc/a-1', method: 'PUT' });
    expect(JSON.stringify(calls[0].headers)).toMatch(/Basic dTpw/);
    expect(JSON.parse(String(calls[0].body))).toEqual({
      '@timestamp': '2026-01-01T10:00:00.000Z',
      end: '2026-01-01T10:05:00.000Z',
      peak: '2026-01-01T10:02:00.000Z',
      job_id: 'j-1',
      labels: { host: 'web-1' },
      severity: 'major',
      score: 62.5,
      direction: 'above',
      expected: 10,
      actual: 40,
      confidence: 1,
      detectors: { zscore: 70 },
      explanation: 'requests 40 above the expected 10',
    });
  });

  it('names the index and the answer when the write is refused', async () => {
    const { fetch } = fakeFetch(403, '{"error":"forbidden"}');
    const sink = new ElasticsearchAnomalySink({ url: 'http://es:9200', index: 'ops-anomalies' }, { fetch });
    await expect(sink.write(anomaly)).rejects.toThrow(SourceError);
    await expect(sink.write(anomaly)).rejects.toThrow(/writing to index ops-anomalies failed: HTTP 403/);
  });
});
