import { parseRoute } from './pages/routes';
import { jobSpecFromQuery, jobSpecFromSearch, newJobUrl } from './saveAsJob';

describe('save as job', () => {
  const q = {
    refId: 'A',
    queryType: 'detect' as const,
    source: { type: 'prometheus' as const, query: 'rate(http_requests_total[5m])' },
    detectors: ['mad'],
    interval: '1m',
    sensitivity: 6,
  };

  it('turns an ad-hoc Detect query into a job spec (sensitivity 6 of 10 -> threshold 45)', () => {
    expect(jobSpecFromQuery(q)).toEqual({
      name: 'rate(http_requests_total[5m])',
      source: q.source,
      detectors: ['mad'],
      interval: '1m',
      threshold: 45,
    });
    expect(jobSpecFromQuery({ refId: 'A', queryType: 'job', jobId: 'x' } as never)).toBeUndefined();
    expect(jobSpecFromQuery({ refId: 'A' })).toBeUndefined();
  });

  it('turns an ad-hoc Peer outliers query into an outliers job (sensitivity 6 of 10 -> 0.6), not one reading a job', () => {
    const peers = {
      refId: 'B',
      queryType: 'outliers' as const,
      source: { type: 'file' as const, path: 'peers.csv', valueField: 'cpu', labelFields: ['host'] },
      interval: '5m',
      algorithm: 'mad' as const,
      sensitivity: 6,
      minDuration: 4,
    };
    expect(jobSpecFromQuery(peers)).toEqual({
      name: 'peers.csv',
      kind: 'outliers',
      source: peers.source,
      interval: '5m',
      outliers: { algorithm: 'mad', sensitivity: 0.6, minDuration: 4 },
    });
    expect(
      jobSpecFromQuery({ ...peers, algorithm: undefined, sensitivity: undefined, minDuration: undefined })
    ).toEqual({ name: 'peers.csv', kind: 'outliers', source: peers.source, interval: '5m', outliers: {} });
    expect(jobSpecFromQuery({ ...peers, jobId: 'j1' })).toBeUndefined();
  });

  it('round-trips the spec through the new-job URL', () => {
    const spec = jobSpecFromQuery(q)!;
    const url = newJobUrl(spec);
    expect(parseRoute(url.split('?')[0])).toEqual({ page: 'job-new' });
    expect(jobSpecFromSearch(url.slice(url.indexOf('?')))).toEqual(spec);
    expect(jobSpecFromSearch('?spec=%7Bnot json')).toBeUndefined();
    expect(jobSpecFromSearch('')).toBeUndefined();
  });
});
