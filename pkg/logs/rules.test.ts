import { InputError } from '../core/errors';
import { parseRules } from './rules';

describe('parseRules', () => {
  it('compiles a rule with its defaults', () => {
    const [r] = parseRules(
      'rules:\n  - name: brute\n    when: { message: "Failed password for (?<user>\\\\S+) from (?<ip>\\\\S+)" }\n    key: ip\n    threshold: 5\n'
    );
    expect(r).toMatchObject({
      name: 'brute',
      type: 'threshold',
      severity: 'major',
      score: 70,
      key: 'ip',
      threshold: 5,
    });
    expect(r.windowMs).toBe(600_000);
    expect(r.when[0].regex?.source).toBe('Failed password for (?<user>\\S+) from (?<ip>\\S+)');
  });

  it('reads every condition form and a list of rules without the rules: map', () => {
    const [r] = parseRules(
      `- name: x
  type: ratio
  when: { status: { gte: 500, lt: 600 }, method: [GET, POST], ua.bot: false, path: { regex: "^/api", flags: i, not: true } }
  of: { status: { gte: 100 } }
  threshold: 0.5
  window: 5m
  minCount: 20
  severity: critical`
    );
    expect(r.when.map((c) => c.field)).toEqual(['status', 'method', 'ua.bot', 'path']);
    expect(r.when[1].in).toEqual(['GET', 'POST']);
    expect(r.when[2].equals).toBe(false);
    expect(r.when[3]).toMatchObject({ not: true });
    expect(r.when[3].regex?.flags).toBe('i');
    expect(r).toMatchObject({ score: 90, minCount: 20, windowMs: 300_000, threshold: 0.5 });
  });

  it.each([
    ['rules: [1', /not valid YAML/],
    ['nothing: here', /expected a list of rules/],
    ['- name: "bad name"', /rule 1: name must be/],
    ['- name: a\n  when: { message: x }\n  threshold: 0', /rule "a": threshold must be an integer > 0/],
    [
      '- name: a\n  when: { message: "(" }\n  threshold: 1',
      /rule "a", when, condition "message": not a valid regular expression/,
    ],
    ['- name: a\n  when: { message: x }\n  threshold: 1\n  windw: 5m', /unknown setting "windw"/],
    ['- name: a\n  when: { message: x }\n  threshold: 1\n  window: soon', /is not a positive duration/],
    ['- name: a\n  type: sequence\n  steps: [{ message: x }]', /two or more steps/],
    ['- name: a\n  type: ratio\n  when: { message: x }\n  threshold: 2', /share in \(0, 1\]/],
    [
      '- name: a\n  when: { message: x }\n  threshold: 1\n- name: a\n  when: { message: y }\n  threshold: 1',
      /defined twice/,
    ],
    ['- name: a\n  when: { status: { above: 3 } }\n  threshold: 1', /unknown operator "above"/],
  ])('%j -> %s', (text, message) => {
    expect(() => parseRules(text, 'pack.yaml')).toThrow(InputError);
    expect(() => parseRules(text, 'pack.yaml')).toThrow(message);
  });

  it('names the file and line of a YAML error, and leaves out disabled rules', () => {
    expect(() => parseRules('rules:\n  - name: a\n    when: [x', 'pack.yaml')).toThrow(
      /pack.yaml line \d+: not valid YAML/
    );
    expect(parseRules('- name: off\n  enabled: false')).toEqual([]);
  });
});
