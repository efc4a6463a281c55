import { RuleEngine, type RuleLine } from './ruleEngine';
import { parseRules } from './rules';

const MIN = 60_000;
const line = (time: number, message: string, fields: Record<string, unknown> = {}, n?: number): RuleLine => ({
  time,
  message,
  fields,
  ...(n !== undefined ? { line: n } : {}),
});

function run(yaml: string, lines: RuleLine[]) {
  const engine = new RuleEngine(parseRules(yaml));
  const fired = lines.map((l) => engine.process(l));
  return { events: engine.flush(), fired };
}

describe('RuleEngine', () => {
  const brute = `- name: brute
  when: { message: "Failed password for (?<user>\\\\S+) from (?<ip>\\\\S+)" }
  key: ip
  window: 10m
  threshold: 3
  severity: major`;

  it('threshold: fires per key when the window holds enough lines, and the event spans the burst', () => {
    const lines = [
      line(0, 'Failed password for root from 1.1.1.1', {}, 1),
      line(1 * MIN, 'Failed password for root from 2.2.2.2', {}, 2),
      line(2 * MIN, 'Failed password for admin from 1.1.1.1', {}, 3),
      line(3 * MIN, 'Accepted password for bob from 3.3.3.3', {}, 4),
      line(4 * MIN, 'Failed password for test from 1.1.1.1', {}, 5),
      line(9 * MIN, 'Failed password for guest from 1.1.1.1', {}, 6),
      line(40 * MIN, 'Failed password for root from 1.1.1.1', {}, 7),
    ];
    const { events, fired } = run(brute, lines);
    expect(events).toHaveLength(1);
    const e = events[0];
    expect(e).toMatchObject({
      kind: 'rule',
      rule: 'brute',
      key: '1.1.1.1',
      start: 0,
      end: 9 * MIN,
      count: 4,
      severity: 'major',
      score: 70,
      detectors: { 'rule:brute': 70 },
      labels: { __name__: 'log_rule', rule: 'brute', key: '1.1.1.1' },
    });
    expect(e.examples.map((x) => x.line)).toEqual([1, 3, 5, 6]);
    expect(e.explanation).toBe('ip 1.1.1.1: brute: 4 lines, up to 4 within 10m (threshold 3)');
    expect(fired.map((f) => f.length)).toEqual([0, 0, 0, 0, 1, 1, 0]);
  });

  it('distinct: counts distinct values per key (a sweep), listing them', () => {
    const yaml = `- name: sweep
  when: { message: "Invalid user (?<user>\\\\S+) from (?<ip>\\\\S+)" }
  key: ip
  distinct: user
  threshold: 3
  window: 1h`;
    const users = ['a', 'a', 'b', 'a', 'c', 'd'];
    const { events } = run(
      yaml,
      users.map((u, i) => line(i * MIN, `Invalid user ${u} from 9.9.9.9`))
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ count: 6, actual: 4, values: ['a', 'b', 'c', 'd'] });
    expect(events[0].explanation).toMatch(
      /up to 4 distinct user values within 1h \(threshold 3\), 6 lines: a, b, c, d/
    );
  });

  it('ratio: fires when the share of matching lines reaches the threshold over enough lines', () => {
    const yaml = `- name: errors
  type: ratio
  when: { status: { gte: 500 } }
  of: { status: { gte: 100 } }
  threshold: 0.5
  minCount: 4
  window: 5m
  severity: critical`;
    const statuses = [200, 200, 500, 200, 503, 500, 502, 200];
    const { events } = run(
      yaml,
      statuses.map((s, i) => line(i * 1000, `GET / ${s}`, { status: s }))
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ start: 2000, end: 6000, count: 4, severity: 'critical' });
    expect(events[0].actual).toBeCloseTo(4 / 7);
  });

  it('sequence: steps in order for one key within the time limit', () => {
    const yaml = `- name: guessed
  type: sequence
  key: ip
  within: 5m
  steps:
    - { message: "Failed password .* from (?<ip>\\\\S+)" }
    - { message: "Accepted password .* from (?<ip>\\\\S+)" }`;
    const { events } = run(yaml, [
      line(0, 'Accepted password for a from 1.1.1.1'),
      line(1 * MIN, 'Failed password for a from 1.1.1.1'),
      line(2 * MIN, 'Accepted password for a from 2.2.2.2'),
      line(3 * MIN, 'Accepted password for a from 1.1.1.1'),
      line(10 * MIN, 'Failed password for b from 3.3.3.3'),
      line(20 * MIN, 'Accepted password for b from 3.3.3.3'),
    ]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ key: '1.1.1.1', start: 1 * MIN, end: 3 * MIN, count: 1 });
    expect(events[0].examples).toHaveLength(2);
  });

  it('signature: every matching line is a hit; hits of a key within the window form one event', () => {
    const yaml = `- name: traversal
  type: signature
  when: { path: { regex: "\\\\.\\\\./", flags: i } }
  key: client
  window: 10m`;
    const { events } = run(yaml, [
      line(0, 'a', { path: '/../etc/passwd', client: 'x' }),
      line(1 * MIN, 'b', { path: '/ok', client: 'x' }),
      line(2 * MIN, 'c', { path: '/a/../../b', client: 'x' }),
      line(30 * MIN, 'd', { path: '/../x', client: 'x' }),
    ]);
    expect(events.map((e) => [e.start, e.count])).toEqual([
      [0, 2],
      [30 * MIN, 1],
    ]);
  });

  it('setRules keeps the state of unchanged rules and closes changed ones; closeIdle ends quiet events', () => {
    const engine = new RuleEngine(parseRules(brute));
    for (let i = 0; i < 3; i++) engine.process(line(i * MIN, 'Failed password for x from 1.1.1.1'));
    engine.setRules(parseRules(brute)); // same definition: the event stays open
    engine.process(line(5 * MIN, 'Failed password for x from 1.1.1.1'));
    expect(engine.takeFinished()).toEqual([]);
    expect(engine.closeIdle(30 * MIN).map((e) => e.count)).toEqual([4]);
    for (let i = 0; i < 3; i++) engine.process(line((40 + i) * MIN, 'Failed password for x from 1.1.1.1'));
    engine.setRules(parseRules(brute.replace('threshold: 3', 'threshold: 4')));
    expect(engine.takeFinished().map((e) => e.count)).toEqual([3]);
    expect(engine.flush()).toEqual([]);
  });

  it('forgets idle keys past maxKeys and skips lines without a time or key', () => {
    const engine = new RuleEngine(parseRules(brute), { maxKeys: 2 });
    engine.process(line(NaN, 'Failed password for x from 1.1.1.1'));
    for (let k = 0; k < 5; k++)
      for (let i = 0; i < 3; i++) engine.process(line(k * 20 * MIN + i, `Failed password for x from 10.0.0.${k}`));
    expect(engine.flush().map((e) => e.key)).toEqual(['10.0.0.0', '10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4']);
  });
});
