/**
 * Declarative rules for known bad patterns in logs, written in YAML:
 *
 * ```yaml
 * rules:
 *   - name: ssh-brute-force
 *     description: many failed SSH logins from one address
 *     type: threshold            # threshold | ratio | sequence | signature
 *     when:                      # every condition must hold; a string is a regular expression
 *       message: 'Failed password for (?:invalid user )?(?<user>\S+) from (?<ip>\S+)'
 *     key: ip                    # a field or a named group of `when`
 *     window: 10m
 *     threshold: 10              # lines (or, with `distinct: user`, distinct values) per key in the window
 *     severity: major            # critical | major | minor | warning, or `score: 0-100`
 * ```
 *
 * - `threshold`: count of matching lines per key over a sliding window (or of distinct values of a field, for
 *   sweeps); fires at `threshold`.
 * - `ratio`: matching lines / lines matching `of` (default: every line) per key over a sliding window; fires at
 *   `threshold` (0-1) once the window holds `minCount` lines of `of`.
 * - `sequence`: `steps` (lists of conditions) seen in order for one key within `within`.
 * - `signature`: every matching line is a hit (lines of one key within `window` form one event).
 *
 * Conditions name a field: the line's own fields (header fields or NDJSON document, dotted paths), `message`,
 * `level`, `template`, the request fields (`client`, `method`, `path`, `status`, `bytes`, `referer`, `agent`), the
 * enrichment (`ua.bot`, `geo.country`, `session.id`, `session.requests`, ...), and the named groups of earlier
 * regular expressions. A value is a regular expression (string), a number or boolean (equality), a list (any
 * of), or an object: `{ regex, flags, equals, in, gt, gte, lt, lte, not }`.
 *
 * This is the rule style of detection engines such as Sigma's correlation rules (event count, value count,
 * temporal/ordered) and fail2ban's `maxretry` within `findtime`, in a form small enough to review.
 */

import { parseDocument } from 'yaml';
import { InputError } from '../core/errors';
import { parseInterval } from '../core/interval';
import { SEVERITIES, type Severity } from '../contract/rules';

/** One compiled condition on a field. */
export interface Condition {
  field: string;
  regex?: RegExp;
  equals?: string | number | boolean;
  in?: (string | number | boolean)[];
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
  not?: boolean;
}

export type RuleType = 'threshold' | 'ratio' | 'sequence' | 'signature';

/** A compiled rule. */
export interface Rule {
  name: string;
  description: string;
  type: RuleType;
  severity: Severity;
  /** 0-100 score of its events */
  score: number;
  when: Condition[];
  key?: string;
  windowMs: number;
  threshold: number;
  distinct?: string;
  of: Condition[];
  minCount: number;
  steps: Condition[][];
  withinMs: number;
  tags: string[];
  /** the rule as written, to tell a changed rule from an unchanged one on reload */
  fingerprint: string;
}

/** Scores of the severities a rule may name (the middle of each band). */
export const SEVERITY_SCORES: Readonly<Record<Severity, number>> = { critical: 90, major: 70, minor: 40, warning: 20 };

const RULE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const TYPES: RuleType[] = ['threshold', 'ratio', 'sequence', 'signature'];
const KNOWN_KEYS = new Set([
  'name',
  'description',
  'type',
  'severity',
  'score',
  'when',
  'key',
  'window',
  'threshold',
  'distinct',
  'of',
  'minCount',
  'steps',
  'within',
  'tags',
  'enabled',
]);

class RuleError extends Error {}

function compileCondition(field: string, spec: unknown, where: string): Condition {
  const fail = (msg: string): never => {
    throw new RuleError(`${where}, condition "${field}": ${msg}`);
  };
  const regex = (source: string, flags = ''): RegExp => {
    try {
      return new RegExp(source, flags.replace(/g/g, ''));
    } catch (err) {
      return fail(`not a valid regular expression: ${(err as Error).message}`);
    }
  };
  if (typeof spec === 'string') return { field, regex: regex(spec) };
  if (typeof spec === 'number' || typeof spec === 'boolean') return { field, equals: spec };
  if (Array.isArray(spec)) {
    if (!spec.every((v) => ['string', 'number', 'boolean'].includes(typeof v))) fail('a list must hold plain values');
    return { field, in: spec as (string | number | boolean)[] };
  }
  if (spec === null || typeof spec !== 'object') return fail(`expected a regular expression, value, list or object`);
  const o = spec as Record<string, unknown>;
  const c: Condition = { field };
  for (const k of Object.keys(o)) {
    if (!['regex', 'flags', 'equals', 'in', 'gt', 'gte', 'lt', 'lte', 'not'].includes(k))
      fail(`unknown operator "${k}"`);
  }
  if (o.regex !== undefined) {
    if (typeof o.regex !== 'string') fail('regex must be a string');
    c.regex = regex(o.regex as string, typeof o.flags === 'string' ? o.flags : '');
  }
  if (o.equals !== undefined) {
    if (!['string', 'number', 'boolean'].includes(typeof o.equals)) fail('equals must be a plain value');
    c.equals = o.equals as string | number | boolean;
  }
  if (o.in !== undefined) {
    if (!Array.isArray(o.in)) fail('in must be a list');
    c.in = o.in as (string | number | boolean)[];
  }
  for (const k of ['gt', 'gte', 'lt', 'lte'] as const) {
    if (o[k] === undefined) continue;
    if (typeof o[k] !== 'number' || !Number.isFinite(o[k])) fail(`${k} must be a number`);
    c[k] = o[k] as number;
  }
  if (o.not !== undefined) {
    if (typeof o.not !== 'boolean') fail('not must be true or false');
    c.not = o.not as boolean;
  }
  if (Object.keys(c).length === 1 || (Object.keys(c).length === 2 && c.not !== undefined)) fail('no test given');
  return c;
}

function compileConditions(spec: unknown, where: string): Condition[] {
  if (spec === undefined || spec === null) return [];
  if (typeof spec !== 'object' || Array.isArray(spec)) {
    throw new RuleError(`${where}: expected a map of field: condition`);
  }
  return Object.entries(spec as Record<string, unknown>).map(([f, v]) => compileCondition(f, v, where));
}

function positive(v: unknown, what: string, where: string, integer: boolean): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
    throw new RuleError(
      `${where}: ${what} must be ${integer ? 'an integer' : 'a number'} > 0, got ${JSON.stringify(v)}`
    );
  }
  return v;
}

function duration(v: unknown, what: string, where: string): number {
  if (typeof v === 'number') return positive(v, what, where, false) * 1000;
  if (typeof v !== 'string')
    throw new RuleError(`${where}: ${what} must be a duration such as 5m, got ${JSON.stringify(v)}`);
  try {
    return parseInterval(v, what);
  } catch (err) {
    throw new RuleError(`${where}: ${(err as Error).message}`);
  }
}

/** Compile one rule object. @throws RuleError naming the rule and the field at fault */
function compileRule(spec: unknown, index: number): Rule | null {
  let where = `rule ${index + 1}`;
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) throw new RuleError(`${where}: expected a map`);
  const o = spec as Record<string, unknown>;
  if (typeof o.name !== 'string' || !RULE_NAME.test(o.name)) {
    throw new RuleError(`${where}: name must be letters, digits, '.', '-' or '_', got ${JSON.stringify(o.name)}`);
  }
  where = `rule "${o.name}"`;
  for (const k of Object.keys(o)) if (!KNOWN_KEYS.has(k)) throw new RuleError(`${where}: unknown setting "${k}"`);
  if (o.enabled === false) return null;
  const type = (o.type ?? 'threshold') as RuleType;
  if (!TYPES.includes(type)) throw new RuleError(`${where}: type must be one of ${TYPES.join(', ')}, got "${o.type}"`);
  let severity: Severity = 'major';
  if (o.severity !== undefined) {
    if (!(SEVERITIES as readonly string[]).includes(o.severity as string)) {
      throw new RuleError(`${where}: severity must be one of ${SEVERITIES.join(', ')}`);
    }
    severity = o.severity as Severity;
  }
  let score = SEVERITY_SCORES[severity];
  if (o.score !== undefined) {
    if (typeof o.score !== 'number' || !(o.score >= 0 && o.score <= 100))
      throw new RuleError(`${where}: score must be 0-100`);
    score = o.score;
  }
  const when = compileConditions(o.when, `${where}, when`);
  if (type !== 'sequence' && when.length === 0) throw new RuleError(`${where}: needs at least one condition in "when"`);
  if (o.key !== undefined && typeof o.key !== 'string') throw new RuleError(`${where}: key must be a field name`);
  const windowMs = o.window === undefined ? 10 * 60_000 : duration(o.window, 'window', where);
  let threshold = 1;
  if (type === 'threshold') threshold = positive(o.threshold, 'threshold', where, true);
  if (type === 'ratio') {
    threshold = positive(o.threshold, 'threshold', where, false);
    if (threshold > 1) throw new RuleError(`${where}: a ratio threshold is a share in (0, 1]`);
  }
  if (o.distinct !== undefined && (typeof o.distinct !== 'string' || type !== 'threshold')) {
    throw new RuleError(`${where}: distinct names a field, and only for threshold rules`);
  }
  const steps: Condition[][] = [];
  if (type === 'sequence') {
    if (!Array.isArray(o.steps) || o.steps.length < 2)
      throw new RuleError(`${where}: a sequence needs two or more steps`);
    o.steps.forEach((s, i) => steps.push(compileConditions(s, `${where}, step ${i + 1}`)));
    if (steps.some((s) => s.length === 0)) throw new RuleError(`${where}: every step needs a condition`);
  }
  const tags = o.tags === undefined ? [] : o.tags;
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string'))
    throw new RuleError(`${where}: tags must be a list of words`);
  return {
    name: o.name,
    description: typeof o.description === 'string' ? o.description : '',
    type,
    severity,
    score,
    when,
    ...(typeof o.key === 'string' ? { key: o.key } : {}),
    windowMs,
    threshold,
    ...(typeof o.distinct === 'string' ? { distinct: o.distinct } : {}),
    of: compileConditions(o.of, `${where}, of`),
    minCount: o.minCount === undefined ? 1 : positive(o.minCount, 'minCount', where, true),
    steps,
    withinMs: o.within === undefined ? windowMs : duration(o.within, 'within', where),
    tags: tags as string[],
    fingerprint: JSON.stringify(o),
  };
}

/**
 * Parse a YAML rule file: a map with `rules:` (a list), or a list of rules.
 *
 * @param text the file's text
 * @param file its name, for messages
 * @returns the enabled rules (`enabled: false` leaves one out)
 * @throws InputError naming the file (and line, for YAML syntax) and the rule and setting at fault
 */
export function parseRules(text: string, file = 'rules'): Rule[] {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new InputError(`not valid YAML: ${e.message.split('\n')[0]}`, { file, line: e.linePos?.[0]?.line });
  }
  const data = doc.toJS() as unknown;
  const list = Array.isArray(data) ? data : (data as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(list)) throw new InputError('expected a list of rules, or a map with "rules:"', { file });
  const rules: Rule[] = [];
  const names = new Set<string>();
  try {
    list.forEach((spec, i) => {
      const r = compileRule(spec, i);
      if (!r) return;
      if (names.has(r.name)) throw new RuleError(`rule "${r.name}" is defined twice`);
      names.add(r.name);
      rules.push(r);
    });
  } catch (err) {
    if (err instanceof RuleError) throw new InputError(err.message, { file });
    throw err;
  }
  return rules;
}
