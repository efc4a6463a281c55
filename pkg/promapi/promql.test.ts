import {
  evaluate,
  formatValue,
  makeMatcher,
  matchesAll,
  parsePromQL,
  PromQLError,
  type Sample,
  type SelectFn,
} from './promql';

const data: Sample[] = [
  { labels: { __name__: 'vigil_anomaly_score', job: 'api', instance: 'a', env: 'prod' }, value: 80 },
  { labels: { __name__: 'vigil_anomaly_score', job: 'api', instance: 'b', env: 'prod' }, value: 20 },
  { labels: { __name__: 'vigil_anomaly_score', job: 'db', instance: 'c', env: 'dev' }, value: 60 },
  { labels: { __name__: 'vigil_anomalous', job: 'db', instance: 'c', env: 'dev' }, value: -1 },
];
const select: SelectFn = (matchers) => data.filter((s) => matchesAll(matchers, s.labels));
const run = (q: string) => evaluate(parsePromQL(q), 0, select);
const vec = (q: string) => {
  const v = run(q);
  if (v.type !== 'vector') throw new Error('expected a vector');
  return v.samples.map((s) => [s.labels, s.value]).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
};

describe('PromQL subset', () => {
  it('selects with all four matcher kinds, regexes fully anchored', () => {
    expect(vec('vigil_anomaly_score{job="api"}')).toHaveLength(2);
    expect(vec('vigil_anomaly_score{job!="api"}')).toHaveLength(1);
    expect(vec('vigil_anomaly_score{instance=~"a|c"}')).toHaveLength(2);
    // anchored: "a" does not match "api" partially
    expect(vec('vigil_anomaly_score{job=~"a"}')).toHaveLength(0);
    expect(vec('vigil_anomaly_score{job=~"a.*"}')).toHaveLength(2);
    expect(vec('vigil_anomaly_score{job!~"a.*"}')).toHaveLength(1);
    expect(vec('{__name__=~"vigil_.*", job="db"}')).toHaveLength(2);
    // a label that is absent equals ""
    expect(vec('vigil_anomaly_score{missing=""}')).toHaveLength(3);
  });

  it('aggregates by and without, dropping the metric name', () => {
    expect(vec('sum by (job) (vigil_anomaly_score)')).toEqual([
      [{ job: 'api' }, 100],
      [{ job: 'db' }, 60],
    ]);
    expect(vec('max without (instance) (vigil_anomaly_score)')).toEqual([
      [{ env: 'prod', job: 'api' }, 80],
      [{ env: 'dev', job: 'db' }, 60],
    ]);
    expect(vec('avg(vigil_anomaly_score)')).toEqual([[{}, 160 / 3]]);
    expect(vec('count by (env) (vigil_anomaly_score)')).toEqual([
      [{ env: 'dev' }, 1],
      [{ env: 'prod' }, 2],
    ]);
    expect(vec('min(vigil_anomaly_score)')).toEqual([[{}, 20]]);
  });

  it('compares with a scalar, filtering or with bool', () => {
    expect(vec('vigil_anomaly_score > 50').map(([l]) => (l as Record<string, string>).instance)).toEqual(['a', 'c']);
    expect(vec('vigil_anomaly_score > 50')[0][0]).toHaveProperty('__name__', 'vigil_anomaly_score');
    expect(vec('50 < vigil_anomaly_score')).toHaveLength(2);
    const withBool = vec('vigil_anomaly_score{job="api"} >= bool 80');
    expect(withBool).toEqual([
      [{ env: 'prod', instance: 'a', job: 'api' }, 1],
      [{ env: 'prod', instance: 'b', job: 'api' }, 0],
    ]);
    expect(vec('max by (job) (vigil_anomaly_score) > 75')).toEqual([[{ job: 'api' }, 80]]);
    expect(vec('vigil_anomalous != 0')).toHaveLength(1);
    expect(run('1 < bool 2')).toEqual({ type: 'scalar', value: 1 });
    expect(run('(42)')).toEqual({ type: 'scalar', value: 42 });
  });

  it("evaluates scalar arithmetic (Grafana's data source test sends 1+1)", () => {
    expect(run('1+1')).toEqual({ type: 'scalar', value: 2 });
    expect(run('2 ^ 3 % 3 * -1')).toEqual({ type: 'scalar', value: -2 });
    expect(run('1 / 0')).toEqual({ type: 'scalar', value: Infinity });
    expect(vec('vigil_anomaly_score > 40 + 19').map(([, v]) => v)).toEqual([80, 60]);
  });

  it.each([
    ['rate(vigil_anomaly_score[5m])', /function "rate" is not supported/],
    ['vigil_anomaly_score[5m]', /range vector selector .* is not supported/],
    ['topk(3, vigil_anomaly_score)', /aggregation "topk" is not supported/],
    ['vigil_anomaly_score + 1', /binary operator "\+" is only supported between scalars/],
    ['vigil_anomaly_score > vigil_anomalous', /comparison between two vectors is not supported/],
    ['vigil_anomaly_score offset 5m', /offset modifier/],
    ['1 > 2', /comparisons between scalars must use BOOL modifier/],
    ['{job=~".*"}', /at least one non-empty matcher/],
    ['vigil_anomaly_score{job=~"("}', /invalid regular expression/],
    ['sum(vigil_anomaly_score', /parse error at char/],
    ['', /empty query/],
  ])('refuses %j naming what is wrong', (q, message) => {
    expect(() => parsePromQL(q)).toThrow(PromQLError);
    expect(() => parsePromQL(q)).toThrow(message);
  });

  it('formats values as Prometheus does', () => {
    expect(formatValue(75)).toBe('75');
    expect(formatValue(0.5)).toBe('0.5');
    expect(formatValue(NaN)).toBe('NaN');
    expect(formatValue(Infinity)).toBe('+Inf');
    expect(formatValue(-Infinity)).toBe('-Inf');
    expect(formatValue(1e21)).toBe('1000000000000000000000');
    expect(formatValue(1.5e-7)).toBe('0.00000015');
    expect(formatValue(-2.5e22)).toBe('-25000000000000000000000');
  });

  it('compiles matchers with dot matching newlines, like RE2 (?s)', () => {
    expect(makeMatcher('a', '=~', 'x.y').re!.test('x\ny')).toBe(true);
  });
});
