import { QUERY_SCHEMA_VERSION, VigilQuery } from '../types';
import { DEFAULT_QUERY, migrateQuery, migrateVariableQuery, validateQuery } from './migrations';

describe('migrateQuery', () => {
  it('gives a bare new query the defaults (ad-hoc Prometheus detection)', () => {
    const q = migrateQuery({ refId: 'A' });
    expect(q).toEqual({ ...DEFAULT_QUERY, refId: 'A' });
    expect(q.schemaVersion).toBe(QUERY_SCHEMA_VERSION);
  });

  it('upgrades a v1 PromQL query with a single detector and a sensitivity word', () => {
    const v1 = {
      refId: 'B',
      queryType: 'anomalies',
      expr: 'rate(x[5m])',
      detector: 'mad',
      sensitivity: 'high',
      hide: false,
    };
    const q = migrateQuery(v1);
    expect(q).toEqual({
      refId: 'B',
      hide: false,
      schemaVersion: 2,
      queryType: 'detect',
      source: { type: 'prometheus', query: 'rate(x[5m])' },
      detectors: ['mad'],
      sensitivity: 8,
      mode: 'majority',
    });
    expect(v1).toEqual({
      refId: 'B',
      queryType: 'anomalies',
      expr: 'rate(x[5m])',
      detector: 'mad',
      sensitivity: 'high',
      hide: false,
    });
  });

  it('upgrades a v1 Elasticsearch query', () => {
    const q = migrateQuery({
      refId: 'C',
      esIndex: 'logs-*',
      esMetric: 'avg',
      esField: 'latency',
      esFilter: 'status:500',
    });
    expect(q.source).toEqual({
      type: 'elasticsearch',
      index: 'logs-*',
      timeField: '@timestamp',
      metric: { type: 'avg', field: 'latency' },
      filter: 'status:500',
    });
    expect(q).not.toHaveProperty('esIndex');
  });

  it('upgrades a v1 job query and a v1 forecast gets the default horizon', () => {
    expect(migrateQuery({ refId: 'D', queryType: 'job', job: 'j-1', expr: '' })).toMatchObject({
      queryType: 'job',
      jobId: 'j-1',
    });
    expect(migrateQuery({ refId: 'E', queryType: 'forecast', expr: 'up' })).toMatchObject({
      queryType: 'forecast',
      horizon: 48,
    });
  });

  it('clamps sensitivity to 1-10 and drops non-string detectors', () => {
    const q = migrateQuery({
      refId: 'A',
      schemaVersion: 2,
      sensitivity: 42,
      detectors: ['zscore', 3, null],
    } as unknown as VigilQuery);
    expect(q.sensitivity).toBe(10);
    expect(q.detectors).toEqual(['zscore']);
  });

  it('is idempotent on current queries and leaves future versions alone', () => {
    const cur = migrateQuery({ refId: 'A', queryType: 'drift', jobId: 'x' });
    expect(migrateQuery(cur)).toEqual(cur);
    const future = { refId: 'A', schemaVersion: 99, whatever: true } as unknown as VigilQuery;
    expect(migrateQuery(future)).toEqual(future);
  });
});

describe('validateQuery', () => {
  const base = migrateQuery({ refId: 'A' });
  it('names what is missing', () => {
    expect(validateQuery(base)).toBe('Enter a Prometheus query (PromQL)');
    expect(validateQuery({ ...base, queryType: 'job' })).toBe('Choose a job to show its results');
    expect(
      validateQuery({
        ...base,
        source: { type: 'elasticsearch', index: 'x', timeField: '@timestamp', metric: { type: 'avg' } },
      })
    ).toBe('The avg metric needs a field');
    expect(
      validateQuery({ ...base, queryType: 'forecast', source: { type: 'prometheus', query: 'up' }, horizon: -1 })
    ).toMatch(/horizon/);
  });
  it('accepts complete queries', () => {
    expect(validateQuery({ ...base, source: { type: 'prometheus', query: 'up' } })).toBeUndefined();
    expect(validateQuery({ ...base, queryType: 'drift' })).toBeUndefined();
    expect(
      validateQuery({
        ...base,
        source: { type: 'elasticsearch', index: 'x', timeField: 't', metric: { type: 'count' } },
      })
    ).toBeUndefined();
  });
});

describe('validateQuery for logs', () => {
  const base = migrateQuery({ refId: 'A' });
  const logs = {
    type: 'elasticsearch-logs' as const,
    index: 'logs-*',
    timeField: '@timestamp',
    messageField: 'message',
  };
  it('asks for a log source and its fields', () => {
    expect(validateQuery({ ...base, queryType: 'logs' })).toBe(
      'Set the Elasticsearch/OpenSearch index whose log messages to read'
    );
    expect(validateQuery({ ...base, queryType: 'templates', source: { ...logs, messageField: ' ' } })).toBe(
      'Enter the field holding the log message'
    );
    expect(validateQuery({ ...base, source: { ...logs, index: '' } })).toBe('Enter an Elasticsearch index or pattern');
  });
  it('accepts complete log queries', () => {
    expect(validateQuery({ ...base, queryType: 'logs', source: logs })).toBeUndefined();
    expect(validateQuery({ ...base, queryType: 'templates', source: logs })).toBeUndefined();
    expect(migrateQuery({ refId: 'A', queryType: 'logs', source: logs }).queryType).toBe('logs');
  });
});

describe('migrateVariableQuery', () => {
  it('reads v1 strings and current objects', () => {
    expect(migrateVariableQuery('jobs')).toEqual({ kind: 'jobs' });
    expect(migrateVariableQuery('label_values(host)')).toEqual({ kind: 'labelValues', label: 'host' });
    expect(migrateVariableQuery({ kind: 'labelValues', label: 'host', jobId: 'api' })).toEqual({
      kind: 'labelValues',
      label: 'host',
      jobId: 'api',
    });
    expect(migrateVariableQuery(undefined)).toEqual({ kind: 'jobs' });
  });

  it('keeps a known source type filter of a jobs query and drops an unknown one', () => {
    expect(migrateVariableQuery({ kind: 'jobs', sourceType: 'elasticsearch' })).toEqual({
      kind: 'jobs',
      sourceType: 'elasticsearch',
    });
    expect(migrateVariableQuery({ kind: 'jobs', sourceType: 'mysql' })).toEqual({ kind: 'jobs' });
    expect(migrateVariableQuery({ kind: 'labelValues', label: 'host', sourceType: 'file' })).toEqual({
      kind: 'labelValues',
      label: 'host',
    });
  });
});
