/**
 * ElasticsearchHttpClient.logMessages against a real OpenSearch 2 holding the web logs (tests/servers/opensearch.ts):
 * every document of a small range in time order, and a seeded bounded sample of a range holding more documents
 * than the bound.
 */
import { SourceError } from '../../../pkg/core/errors';
import { readRecords } from '../../../pkg/sources/file';
import { ElasticsearchHttpClient } from '../../../pkg/sources/elasticsearch';
import { WEBLOGS_INDEX, weblogsFile } from '../../servers/opensearch';
import { serverUrls } from '../../servers/servers';

const DAY_START = Date.parse('2018-09-01T00:00:00Z');
const DAY_END = Date.parse('2018-09-02T00:00:00Z');

describe('logMessages against a real OpenSearch with the web logs', () => {
  const es = new ElasticsearchHttpClient({ url: serverUrls().opensearch, timeoutMs: 60_000 });
  const base = { index: WEBLOGS_INDEX, timeField: 'timestamp', messageField: 'message', fields: ['clientip'] };
  let fileDay: string[];

  beforeAll(async () => {
    fileDay = [];
    for await (const { record } of readRecords(weblogsFile())) {
      const t = Date.parse(String(record.timestamp));
      if (t >= DAY_START && t < DAY_END) fileDay.push(String(record.message));
    }
  });

  afterAll(() => es.close());

  it('brings back every document of a range below the bound, in time order, with the asked fields', async () => {
    const r = await es.logMessages({ ...base, startMs: DAY_START, endMs: DAY_END });
    expect(r.sampled).toBe(false);
    expect(r.total).toBe(fileDay.length);
    expect(r.messages.map((m) => m.message).sort()).toEqual([...fileDay].sort());
    for (let i = 1; i < r.messages.length; i++)
      expect(r.messages[i].time).toBeGreaterThanOrEqual(r.messages[i - 1].time);
    expect(typeof r.messages[0].fields.clientip).toBe('string');
  });

  it('pages past 1000 documents and samples, reproducibly, above the bound', async () => {
    const all = { ...base, startMs: Date.parse('2018-07-01T00:00:00Z'), endMs: Date.parse('2018-10-01T00:00:00Z') };
    const full = await es.logMessages({ ...all, maxDocs: 10_000, query: 'extension:deb' });
    expect(full.sampled).toBe(false);
    expect(full.messages).toHaveLength(full.total);
    expect(full.total).toBe(1605);

    const a = await es.logMessages({ ...all, maxDocs: 500 });
    const b = await es.logMessages({ ...all, maxDocs: 500 });
    expect(a.total).toBe(14_074);
    expect(a.sampled).toBe(true);
    expect(a.messages).toHaveLength(500);
    expect(b.messages.map((m) => m.message)).toEqual(a.messages.map((m) => m.message));
    // a uniform sample spreads over the two months
    const days = new Set(a.messages.map((m) => Math.floor(m.time / 86_400_000)));
    expect(days.size).toBeGreaterThan(40);
  });

  it('names a bad bound, and the server error of a bad query', async () => {
    await expect(es.logMessages({ ...base, startMs: DAY_START, endMs: DAY_END, maxDocs: 20_000 })).rejects.toThrow(
      /maxDocs must be an integer in \[1, 10000\]/
    );
    await expect(
      es.logMessages({ ...base, index: 'no-such-index', startMs: DAY_START, endMs: DAY_END })
    ).rejects.toBeInstanceOf(SourceError);
  });
});
