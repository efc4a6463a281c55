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
const select: SelectFn = (matchers) =>
  data.filter((s) => matchesAll(matchers, s.labels)).map((s) => ({ labels: s.labels, points: [[0, s.value]] }));
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
    ['histogram_quantile(0.9, vigil_anomaly_score)', /function "histogram_quantile" is not supported/],
    ['rate(vigil_anomaly_score)', /expected type range vector in call to function "rate", got instant vector/],
    ['max_over_time(vigil_anomaly_score[5m], 1)', /expected 1 argument\(s\) in call to "max_over_time", got 2/],
    ['vigil_anomaly_score @ 100', /@ modifier/],
    ['count_values("v", vigil_anomaly_score)', /aggregation "count_values" is not supported/],
    ['vigil_anomaly_score > on (job) group_left vigil_anomalous', /group_left/],
    ['vigil_anomaly_score offset -5m', /negative offset/],
    ['1 and 2', /set operator "and" not allowed in binary scalar expression/],
    ['1 > 2', /comparisons between scalars must use BOOL modifier/],
    ['{job=~".*"}', /at least one non-empty matcher/],
    ['vigil_anomaly_score{job=~"("}', /invalid regular expression/],
    ['sum(vigil_anomaly_score', /parse error at char/],
    ['', /empty query/],
  ])('refuses %j naming what is wrong', (q, message) => {
    expect(() => parsePromQL(q)).toThrow(PromQLError);
    expect(() => parsePromQL(q)).toThrow(message);
  });

  it('evaluates vector arithmetic, one-to-one matching and set operations as Prometheus does', () => {
    expect(vec('vigil_anomaly_score{instance="a"} / 2')).toEqual([[{ env: 'prod', instance: 'a', job: 'api' }, 40]]);
    expect(vec('vigil_anomaly_score{job="db"} + on (job) vigil_anomalous')).toEqual([[{ job: 'db' }, 59]]);
    expect(vec('vigil_anomaly_score > ignoring (env) vigil_anomalous')).toEqual([
      [{ __name__: 'vigil_anomaly_score', instance: 'c', job: 'db' }, 60],
    ]);
    expect(
      vec('vigil_anomaly_score unless on (job) vigil_anomalous').map(([l]) => (l as Record<string, string>).instance)
    ).toEqual(['a', 'b']);
    expect(vec('vigil_anomaly_score and on (job) vigil_anomalous')).toHaveLength(1);
    expect(vec('vigil_anomalous or on (job) vigil_anomaly_score')).toHaveLength(3);
    expect(vec('-vigil_anomalous')).toEqual([[{ env: 'dev', instance: 'c', job: 'db' }, 1]]);
    expect(vec('absent(vigil_anomaly_score{job="web", env=~"p.*"})')).toEqual([[{ job: 'web' }, 1]]);
    expect(vec('absent(vigil_anomaly_score{job="api"})')).toEqual([]);
    expect(vec('topk(1, vigil_anomaly_score)')[0][1]).toBe(80);
    expect(() => run('vigil_anomaly_score + ignoring (instance) vigil_anomaly_score')).toThrow(
      /many-to-many matching not allowed/
    );
  });

  it('evaluates range functions, offsets and subqueries over the points in [t - range, t]', () => {
    const pts = (vals: number[]): [number, number][] => vals.map((v, i) => [i * 60_000, v]);
    const series = [
      { labels: { __name__: 'c', k: 'a' }, points: pts([1, 3, 6, 10, 2, 5]) }, // a counter reset at 4m
      { labels: { __name__: 'g', k: 'b' }, points: pts([5, 1, 9, 4, 4, 7]) },
    ];
    const sel: SelectFn = (m) => series.filter((s) => matchesAll(m, s.labels));
    const at = (q: string, t: number) => {
      const v = evaluate(parsePromQL(q), t, sel);
      if (v.type !== 'vector') throw new Error('expected a vector');
      return v.samples.map((s) => [s.labels, s.value]);
    };
    const M = 60_000;
    expect(at('max_over_time(g[2m])', 5 * M)).toEqual([[{ k: 'b' }, 7]]); // 4, 4, 7 (both ends included)
    expect(at('min_over_time(g[2m] offset 3m)', 5 * M)).toEqual([[{ k: 'b' }, 1]]); // 5, 1, 9
    expect(at('count_over_time(g[10m])', 5 * M)).toEqual([[{ k: 'b' }, 6]]);
    expect(at('avg_over_time(g[1m])', 1 * M)).toEqual([[{ k: 'b' }, 3]]);
    expect(at('last_over_time(g[1m])', 5 * M)).toEqual([[{ __name__: 'g', k: 'b' }, 7]]);
    expect(at('changes(g[5m])', 5 * M)).toEqual([[{ k: 'b' }, 4]]);
    expect(at('resets(c[5m])', 5 * M)).toEqual([[{ k: 'a' }, 1]]);
    // increase over the whole range: 1 -> 10 (9), reset, 2 -> 5 (+2 from zero, +3): 9 + 2 + 3 = 14 over 5 minutes,
    // extrapolated by half an interval at each end (the samples sit on the range's edges: no extrapolation here)
    expect(at('increase(c[5m])', 5 * M)).toEqual([[{ k: 'a' }, 14]]);
    expect(at('rate(c[5m])', 5 * M)).toEqual([[{ k: 'a' }, 14 / 300]]);
    expect(at('irate(c[5m])', 5 * M)).toEqual([[{ k: 'a' }, 3 / 60]]);
    expect(at('delta(g[5m])', 5 * M)).toEqual([[{ k: 'b' }, 2]]);
    expect(at('absent_over_time(g[1m])', 20 * M)).toEqual([[{}, 1]]);
    expect(at('absent_over_time(g[1m])', 5 * M)).toEqual([]);
    expect(at('max_over_time(max by (k) (g)[3m:1m])', 5 * M)).toEqual([[{ k: 'b' }, 9]]);
    expect(at('quantile_over_time(0.5, g[5m])', 5 * M)).toEqual([[{ k: 'b' }, 4.5]]);
    // instant selectors look back five minutes, both ends included
    expect(at('g', 10 * M)).toEqual([[{ __name__: 'g', k: 'b' }, 7]]);
    expect(at('g', 10 * M + 1)).toEqual([]);
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
