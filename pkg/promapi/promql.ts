import { parser } from '@prometheus-io/lezer-promql';
import type { Labels } from '../core/series';

/**
 * The PromQL Vigil serves, parsed with Prometheus' own grammar (`@prometheus-io/lezer-promql`, the parser of the
 * Prometheus UI) and evaluated over Vigil's result series with the semantics of Prometheus 2.x (the version
 * `/api/v1/status/buildinfo` reports; checked against a real Prometheus in `tests/alerting/`):
 *
 * - vector selectors with `=`, `!=`, `=~`, `!~` (regexes fully anchored, a label that is absent equals ""); an
 *   instant selector sees the newest sample in [t - 5m, t]; range selectors `x[10m]` the samples in [t - 10m, t];
 *   the `offset` modifier (positive) shifts both back; subqueries `expr[10m:1m]` (steps aligned to multiples of the
 *   step, default 1m);
 * - range functions `avg_over_time`, `min_over_time`, `max_over_time`, `sum_over_time`, `count_over_time`,
 *   `last_over_time` (keeps the metric name), `present_over_time`, `stddev_over_time`, `stdvar_over_time`,
 *   `quantile_over_time`, `absent_over_time`, `changes`, `resets`, and `rate`, `increase`, `delta`, `irate`,
 *   `idelta` (Prometheus' extrapolation);
 * - instant functions `absent` (labels from the selector's equality matchers), `abs`, `ceil`, `floor`, `round`,
 *   `sqrt`, `exp`, `ln`, `clamp`, `clamp_min`, `clamp_max`, `scalar`, `vector`, `time`, `timestamp`;
 * - `sum`, `min`, `max`, `avg`, `count`, `stddev`, `stdvar`, `group` with `by (...)` or `without (...)` (the metric
 *   name is dropped), and `topk`/`bottomk`/`quantile`;
 * - arithmetic and comparison between scalars and vectors, with `bool`; between vectors one-to-one, matched on all
 *   labels but the name or `on (...)`/`ignoring (...)`; `and`, `or`, `unless`; unary minus; parentheses.
 *
 * Anything else (`@`, `group_left`/`group_right`, other functions) raises a `PromQLError` naming what is not
 * supported; the API turns it into Prometheus' `bad_data` error JSON.
 */

/** A node of the lezer syntax tree (typed from the parser so CJS/ESM type copies agree). */
type SyntaxNode = NonNullable<ReturnType<typeof parser.parse>['topNode']['firstChild']>;

export class PromQLError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PromQLError';
  }
}

export type MatchType = '=' | '!=' | '=~' | '!~';
export interface Matcher {
  name: string;
  type: MatchType;
  value: string;
  /** compiled, fully anchored, for `=~`/`!~` */
  re?: RegExp;
}

export type CompareOp = '>' | '<' | '>=' | '<=' | '==' | '!=';
export type ArithOp = '+' | '-' | '*' | '/' | '%' | '^';
export type SetOp = 'and' | 'or' | 'unless';
export type AggOp =
  'sum' | 'min' | 'max' | 'avg' | 'count' | 'stddev' | 'stdvar' | 'group' | 'topk' | 'bottomk' | 'quantile';

/** Vector matching of a binary operation between two vectors. */
export interface Matching {
  /** `on`: match on these labels only; `ignoring`: on all but these (and the name); null: all but the name */
  card: 'on' | 'ignoring' | null;
  labels: string[];
}

export type Expr =
  | { kind: 'selector'; matchers: Matcher[]; offsetMs: number }
  | { kind: 'matrix'; matchers: Matcher[]; rangeMs: number; offsetMs: number }
  | { kind: 'subquery'; expr: Expr; rangeMs: number; stepMs: number; offsetMs: number }
  | { kind: 'number'; value: number }
  | { kind: 'aggregate'; op: AggOp; grouping: 'by' | 'without' | null; labels: string[]; param?: Expr; expr: Expr }
  | { kind: 'call'; fn: string; args: Expr[] }
  | { kind: 'unary'; expr: Expr }
  | { kind: 'compare'; op: CompareOp; bool: boolean; lhs: Expr; rhs: Expr; matching: Matching }
  | { kind: 'arith'; op: ArithOp; lhs: Expr; rhs: Expr; matching: Matching }
  | { kind: 'set'; op: SetOp; lhs: Expr; rhs: Expr; matching: Matching };

/** Functions over a range vector, and whether each keeps the metric name. */
const RANGE_FUNCTIONS = new Set([
  'avg_over_time',
  'min_over_time',
  'max_over_time',
  'sum_over_time',
  'count_over_time',
  'last_over_time',
  'present_over_time',
  'stddev_over_time',
  'stdvar_over_time',
  'quantile_over_time',
  'absent_over_time',
  'changes',
  'resets',
  'rate',
  'increase',
  'delta',
  'irate',
  'idelta',
]);
const MATH_FUNCTIONS: Record<string, (v: number) => number> = {
  abs: Math.abs,
  ceil: Math.ceil,
  floor: Math.floor,
  sqrt: Math.sqrt,
  exp: Math.exp,
  ln: Math.log,
};
const OTHER_FUNCTIONS = new Set([
  'absent',
  'round',
  'clamp',
  'clamp_min',
  'clamp_max',
  'scalar',
  'vector',
  'time',
  'timestamp',
]);

const SUPPORTED =
  'supported: selectors, offset, subqueries, *_over_time, rate/increase/delta/irate/idelta, changes, resets, absent, absent_over_time, math functions, aggregations, arithmetic, comparisons, and/or/unless with on/ignoring';

const AGG_OPS = new Set<AggOp>([
  'sum',
  'min',
  'max',
  'avg',
  'count',
  'stddev',
  'stdvar',
  'group',
  'topk',
  'bottomk',
  'quantile',
]);
const CMP_NODES: Record<string, CompareOp> = { Gtr: '>', Lss: '<', Gte: '>=', Lte: '<=', Eql: '==', Neq: '!=' };
const ARITH_NODES: Record<string, ArithOp> = { Add: '+', Sub: '-', Mul: '*', Div: '/', Mod: '%', Pow: '^' };
const SET_NODES: Record<string, SetOp> = { And: 'and', Or: 'or', Unless: 'unless' };

/** The type an expression evaluates to. */
function typeOf(e: Expr): 'scalar' | 'vector' | 'matrix' {
  switch (e.kind) {
    case 'number':
      return 'scalar';
    case 'matrix':
    case 'subquery':
      return 'matrix';
    case 'unary':
      return typeOf(e.expr);
    case 'call':
      return e.fn === 'scalar' || e.fn === 'time' ? 'scalar' : 'vector';
    case 'arith':
    case 'compare':
      return typeOf(e.lhs) === 'scalar' && typeOf(e.rhs) === 'scalar' ? 'scalar' : 'vector';
    default:
      return 'vector';
  }
}

/**
 * Parse a PromQL expression.
 * @throws PromQLError for a syntax error (with its position), a type error, or an unsupported construct (named)
 */
export function parsePromQL(query: string): Expr {
  if (query.trim() === '') throw new PromQLError('empty query: expected a PromQL expression');
  const tree = parser.parse(query);
  let errorAt = -1;
  tree.iterate({
    enter(n) {
      if (errorAt < 0 && n.type.isError) errorAt = n.from;
    },
  });
  if (errorAt >= 0) {
    const near = query.slice(Math.max(0, errorAt - 10), errorAt + 10);
    throw new PromQLError(`parse error at char ${errorAt + 1}: unexpected input near "${near}"`);
  }
  const top = tree.topNode.firstChild;
  if (!top) throw new PromQLError('empty query: expected a PromQL expression');
  const expr = convert(top, query);
  if (typeOf(expr) === 'matrix' && expr.kind !== 'matrix' && expr.kind !== 'subquery') {
    throw new PromQLError('a range vector cannot be the result of a query here');
  }
  return expr;
}

function text(n: SyntaxNode, q: string): string {
  return q.slice(n.from, n.to);
}

function children(n: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

/** A Prometheus duration (`5m`, `1h30m`, `10s`, `1d`, `1w`, `1y`, `100ms`) in ms. */
export function parsePromDuration(s: string): number {
  const units: Record<string, number> = {
    ms: 1,
    s: 1000,
    m: 60_000,
    h: 3_600_000,
    d: 86_400_000,
    w: 604_800_000,
    y: 31_536_000_000,
  };
  if (!/^(\d+(ms|s|m|h|d|w|y))+$/.test(s)) {
    if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
    throw new PromQLError(`"${s}" is not a duration (e.g. 5m, 1h30m)`);
  }
  let ms = 0;
  for (const m of s.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) ms += Number(m[1]) * units[m[2]];
  return ms;
}

function durationChild(n: SyntaxNode, q: string, which: number): number {
  const ds = children(n).filter((c) => c.name === 'DurationExpr' || c.name === 'OffsetDurationExpr');
  const d = ds[which];
  if (!d) return NaN;
  return parsePromDuration(text(d, q).trim());
}

function convert(n: SyntaxNode, q: string): Expr {
  switch (n.name) {
    case 'ParenExpr': {
      const inner = children(n)[0];
      if (!inner) throw new PromQLError('empty parentheses');
      return convert(inner, q);
    }
    case 'NumberDurationLiteral':
      return { kind: 'number', value: parseNumber(text(n, q)) };
    case 'VectorSelector':
      return { kind: 'selector', matchers: selectorMatchers(n, q), offsetMs: 0 };
    case 'MatrixSelector': {
      const vs = n.getChild('VectorSelector');
      if (!vs) throw new PromQLError(`range selector "${text(n, q)}" needs a vector selector`);
      return { kind: 'matrix', matchers: selectorMatchers(vs, q), rangeMs: durationChild(n, q, 0), offsetMs: 0 };
    }
    case 'SubqueryExpr': {
      const inner = convert(children(n)[0], q);
      if (typeOf(inner) !== 'vector') throw new PromQLError('subquery is only allowed on an instant vector');
      const rangeMs = durationChild(n, q, 0);
      const step = durationChild(n, q, 1);
      return { kind: 'subquery', expr: inner, rangeMs, stepMs: Number.isNaN(step) ? 60_000 : step, offsetMs: 0 };
    }
    case 'OffsetExpr': {
      const cs = children(n);
      const inner = convert(cs[0], q);
      const durationNode = cs.find((c) => c.name === 'OffsetDurationExpr');
      const raw = durationNode ? text(durationNode, q).trim() : '';
      if (raw.startsWith('-')) throw new PromQLError(`negative offset "${raw}" is not supported`);
      const offsetMs = parsePromDuration(raw);
      if (inner.kind === 'selector' || inner.kind === 'matrix' || inner.kind === 'subquery') {
        return { ...inner, offsetMs: inner.offsetMs + offsetMs };
      }
      throw new PromQLError(`offset modifier must follow a selector or a subquery, not "${text(cs[0], q)}"`);
    }
    case 'AggregateExpr':
      return aggregate(n, q);
    case 'BinaryExpr':
      return binary(n, q);
    case 'FunctionCall':
      return call(n, q);
    case 'UnaryExpr': {
      const op = n.getChild('UnaryOp');
      const inner = convert(
        children(n).find((c) => c.name !== 'UnaryOp')!,
        q
      );
      if (typeOf(inner) === 'matrix')
        throw new PromQLError('unary expression only allowed on a scalar or instant vector');
      return op && text(op, q) === '-' ? { kind: 'unary', expr: inner } : inner;
    }
    case 'StepInvariantExpr':
      throw new PromQLError(`@ modifier in "${text(n, q)}" is not supported (${SUPPORTED})`);
    case 'StringLiteral':
      throw new PromQLError(`string literal ${text(n, q)} is not supported as an expression (${SUPPORTED})`);
    default:
      throw new PromQLError(`expression "${text(n, q)}" (${n.name}) is not supported (${SUPPORTED})`);
  }
}

function call(n: SyntaxNode, q: string): Expr {
  const id = n.getChild('FunctionIdentifier');
  const fn = id ? text(id, q) : '';
  const body = n.getChild('FunctionCallBody');
  const args = body ? children(body).map((c) => convert(c, q)) : [];
  const want = (types: ('scalar' | 'vector' | 'matrix')[], optional = 0) => {
    if (args.length < types.length - optional || args.length > types.length) {
      throw new PromQLError(
        `expected ${types.length - optional === types.length ? types.length : `${types.length - optional} to ${types.length}`} argument(s) in call to "${fn}", got ${args.length}`
      );
    }
    args.forEach((a, i) => {
      const t = typeOf(a);
      if (t !== types[i]) {
        const name = { scalar: 'scalar', vector: 'instant vector', matrix: 'range vector' };
        throw new PromQLError(`expected type ${name[types[i]]} in call to function "${fn}", got ${name[t]}`);
      }
    });
  };
  if (RANGE_FUNCTIONS.has(fn)) {
    if (fn === 'quantile_over_time') want(['scalar', 'matrix']);
    else want(['matrix']);
  } else if (fn in MATH_FUNCTIONS || fn === 'absent' || fn === 'timestamp') want(['vector']);
  else if (fn === 'round') want(['vector', 'scalar'], 1);
  else if (fn === 'clamp') want(['vector', 'scalar', 'scalar']);
  else if (fn === 'clamp_min' || fn === 'clamp_max') want(['vector', 'scalar']);
  else if (fn === 'scalar') want(['vector']);
  else if (fn === 'vector') want(['scalar']);
  else if (fn === 'time') want([]);
  else if (!OTHER_FUNCTIONS.has(fn)) throw new PromQLError(`function "${fn}" is not supported (${SUPPORTED})`);
  return { kind: 'call', fn, args };
}

function aggregate(n: SyntaxNode, q: string): Expr {
  const opNode = n.getChild('AggregateOp');
  const op = (opNode ? text(opNode, q) : '').toLowerCase();
  if (!AGG_OPS.has(op as AggOp)) {
    throw new PromQLError(`aggregation "${op}" is not supported (${SUPPORTED})`);
  }
  let grouping: 'by' | 'without' | null = null;
  const labels: string[] = [];
  const mod = n.getChild('AggregateModifier');
  if (mod) {
    grouping = mod.getChild('Without') ? 'without' : 'by';
    labels.push(...groupingLabels(mod, q));
  }
  const body = n.getChild('FunctionCallBody');
  const args = body ? children(body) : [];
  const parametric = op === 'topk' || op === 'bottomk' || op === 'quantile';
  if (args.length !== (parametric ? 2 : 1)) {
    throw new PromQLError(`${op} takes exactly ${parametric ? 2 : 1} argument(s), got ${args.length}`);
  }
  const expr = convert(args[args.length - 1], q);
  if (typeOf(expr) !== 'vector') throw new PromQLError(`${op} expects an instant vector argument`);
  const param = parametric ? convert(args[0], q) : undefined;
  if (param && typeOf(param) !== 'scalar') throw new PromQLError(`${op} expects a scalar parameter`);
  return { kind: 'aggregate', op: op as AggOp, grouping, labels, ...(param ? { param } : {}), expr };
}

function groupingLabels(n: SyntaxNode, q: string): string[] {
  const out: string[] = [];
  const gl = n.getChild('GroupingLabels');
  if (gl) {
    for (const c of children(gl)) {
      if (c.name === 'LabelName') out.push(text(c, q));
      else if (c.name === 'QuotedLabelName') out.push(unquote(text(c, q)));
    }
  }
  return out;
}

function binary(n: SyntaxNode, q: string): Expr {
  const cs = children(n);
  const lhs = convert(cs[0], q);
  const rhs = convert(cs[cs.length - 1], q);
  const opNode = cs.find((c) => c.name in ARITH_NODES || c.name in CMP_NODES || c.name in SET_NODES);
  if (!opNode) throw new PromQLError(`binary operator in "${text(n, q)}" is not supported (${SUPPORTED})`);
  const matching: Matching = { card: null, labels: [] };
  const mod = cs.find((c) => c.name === 'MatchingModifierClause');
  if (mod) {
    if (mod.getChild('GroupLeft') || mod.getChild('GroupRight')) {
      throw new PromQLError(`group_left/group_right (many-to-one matching) is not supported (${SUPPORTED})`);
    }
    matching.card = mod.getChild('Ignoring') ? 'ignoring' : 'on';
    matching.labels = groupingLabels(mod, q);
  }
  const bool = cs.some((c) => c.name === 'BoolModifier');
  const lt = typeOf(lhs);
  const rt = typeOf(rhs);
  if (lt === 'matrix' || rt === 'matrix')
    throw new PromQLError('binary expressions must contain only scalar and instant vector types');
  if (mod && (lt === 'scalar' || rt === 'scalar')) {
    throw new PromQLError('vector matching only allowed between instant vectors');
  }
  if (opNode.name in SET_NODES) {
    const op = SET_NODES[opNode.name];
    if (lt !== 'vector' || rt !== 'vector')
      throw new PromQLError(`set operator "${op}" not allowed in binary scalar expression`);
    return { kind: 'set', op, lhs, rhs, matching };
  }
  if (opNode.name in ARITH_NODES) {
    if (bool) throw new PromQLError('bool modifier can only be used on comparison operators');
    return { kind: 'arith', op: ARITH_NODES[opNode.name], lhs, rhs, matching };
  }
  if (lt === 'scalar' && rt === 'scalar' && !bool)
    throw new PromQLError('comparisons between scalars must use BOOL modifier');
  return { kind: 'compare', op: CMP_NODES[opNode.name], bool, lhs, rhs, matching };
}

function selectorMatchers(n: SyntaxNode, q: string): Matcher[] {
  const matchers: Matcher[] = [];
  const id = n.getChild('Identifier');
  if (id) matchers.push({ name: '__name__', type: '=', value: text(id, q) });
  const lm = n.getChild('LabelMatchers');
  if (lm) {
    for (const m of children(lm)) {
      if (m.name === 'UnquotedLabelMatcher' || m.name === 'QuotedLabelMatcher') {
        const nameNode = m.getChild('LabelName') ?? m.getChild('QuotedLabelName');
        const opNode = m.getChild('MatchOp');
        const valueNode = m.getChild('StringLiteral');
        if (!opNode || !valueNode) {
          // a bare quoted metric name: {"metric"}
          if (m.name === 'QuotedLabelMatcher' && !opNode) {
            const s = m.getChild('StringLiteral') ?? m.getChild('QuotedLabelName');
            if (s) matchers.push({ name: '__name__', type: '=', value: unquote(text(s, q)) });
            continue;
          }
          throw new PromQLError(`incomplete label matcher "${text(m, q)}"`);
        }
        const name = nameNode
          ? nameNode.name === 'QuotedLabelName'
            ? unquote(text(nameNode, q))
            : text(nameNode, q)
          : '';
        const type = text(opNode, q) as MatchType;
        const value = unquote(text(valueNode, q));
        matchers.push(makeMatcher(name, type, value));
      } else if (m.name === 'StringLiteral' || m.name === 'QuotedLabelName') {
        matchers.push({ name: '__name__', type: '=', value: unquote(text(m, q)) });
      }
    }
  }
  if (matchers.filter((m) => m.name === '__name__').length > 1 && id) {
    throw new PromQLError(`metric name must not be set twice in "${text(n, q)}"`);
  }
  if (!matchers.some((m) => !matches(m, ''))) {
    throw new PromQLError(`vector selector must contain at least one non-empty matcher: "${text(n, q)}"`);
  }
  return matchers;
}

/** A matcher, with its regex compiled fully anchored as Prometheus does. @throws PromQLError for a bad regex */
export function makeMatcher(name: string, type: MatchType, value: string): Matcher {
  if (type === '=~' || type === '!~') {
    try {
      return { name, type, value, re: new RegExp(`^(?:${value})$`, 's') };
    } catch (err) {
      throw new PromQLError(
        `invalid regular expression in matcher ${name}${type}"${value}": ${(err as Error).message}`
      );
    }
  }
  return { name, type, value };
}

/** Whether a label value (absent = "") satisfies a matcher. */
export function matches(m: Matcher, value: string | undefined): boolean {
  const v = value ?? '';
  switch (m.type) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return m.re!.test(v);
    case '!~':
      return !m.re!.test(v);
  }
}

export function matchesAll(matchers: Matcher[], labels: Labels): boolean {
  return matchers.every((m) => matches(m, labels[m.name]));
}

function parseNumber(s: string): number {
  const t = s.toLowerCase();
  if (t === 'inf' || t === '+inf') return Infinity;
  if (t === '-inf') return -Infinity;
  if (t === 'nan') return NaN;
  const v = /^0x[0-9a-f]+$/.test(t) ? parseInt(t, 16) : Number(s);
  if (Number.isNaN(v)) {
    // a duration where a number is expected (Prometheus 3 reads 5m as 300): seconds
    if (/^(\d+(ms|s|m|h|d|w|y))+$/.test(s)) return parsePromDuration(s) / 1000;
    throw new PromQLError(`"${s}" is not a number`);
  }
  return v;
}

function unquote(s: string): string {
  const q = s[0];
  const body = s.slice(1, -1);
  if (q === '`') return body;
  if (q === "'") return JSON.parse(`"${body.replace(/\\'/g, "'").replace(/"/g, '\\"')}"`) as string;
  try {
    return JSON.parse(s) as string;
  } catch {
    throw new PromQLError(`invalid string literal ${s}`);
  }
}

// ---- evaluation ----------------------------------------------------------------------------------------------

/** One sample of an instant vector. */
export interface Sample {
  labels: Labels;
  value: number;
}

/** A sample point: [epoch ms, value]. */
export type Point = [number, number];

/** One series of a range vector: its labels and its points in time order. */
export interface RangeSeries {
  labels: Labels;
  points: Point[];
}

/** An evaluated value at one timestamp: a scalar, an instant vector or a range vector. */
export type Value =
  { type: 'scalar'; value: number } | { type: 'vector'; samples: Sample[] } | { type: 'matrix'; series: RangeSeries[] };

/**
 * The data an evaluation reads: every series matching `matchers`, with its points (time order) covering at least
 * the span the expression looks at (see `lookbehindMs`).
 */
export type SelectFn = (matchers: Matcher[]) => RangeSeries[];

/** Prometheus' default lookback delta: an instant selector sees the newest sample in [t - 5m, t]. */
export const LOOKBACK_MS = 5 * 60_000;

/** How far before an evaluation time an expression reads data (ms): ranges, offsets and the lookback. */
export function lookbehindMs(expr: Expr): number {
  switch (expr.kind) {
    case 'selector':
      return expr.offsetMs + LOOKBACK_MS;
    case 'matrix':
      return expr.offsetMs + expr.rangeMs;
    case 'subquery':
      return expr.offsetMs + expr.rangeMs + expr.stepMs + lookbehindMs(expr.expr);
    case 'number':
      return 0;
    case 'aggregate':
      return Math.max(lookbehindMs(expr.expr), expr.param ? lookbehindMs(expr.param) : 0);
    case 'call':
      return Math.max(0, ...expr.args.map(lookbehindMs));
    case 'unary':
      return lookbehindMs(expr.expr);
    default:
      return Math.max(lookbehindMs(expr.lhs), lookbehindMs(expr.rhs));
  }
}

/** The selectors an expression reads (to fetch their data once before evaluating). */
export function selectors(expr: Expr): Matcher[][] {
  switch (expr.kind) {
    case 'selector':
    case 'matrix':
      return [expr.matchers];
    case 'number':
      return [];
    case 'subquery':
    case 'unary':
      return selectors(expr.expr);
    case 'aggregate':
      return [...selectors(expr.expr), ...(expr.param ? selectors(expr.param) : [])];
    case 'call':
      return expr.args.flatMap(selectors);
    default:
      return [...selectors(expr.lhs), ...selectors(expr.rhs)];
  }
}

/** Index of the last point at or before t, -1 when none. */
function lastAtOrBefore(pts: Point[], t: number): number {
  let lo = 0;
  let hi = pts.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (pts[mid][0] <= t) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

/** The points of `pts` in [from, to] (Prometheus 2.x: both ends included). */
function pointsIn(pts: Point[], from: number, to: number): Point[] {
  const end = lastAtOrBefore(pts, to);
  let start = end;
  while (start >= 0 && pts[start][0] >= from) start--;
  return pts.slice(start + 1, end + 1);
}

function dropName(labels: Labels): Labels {
  if (!('__name__' in labels)) return labels;
  const out = { ...labels };
  delete out.__name__;
  return out;
}

/**
 * Evaluate an expression at one timestamp (epoch ms) with Prometheus 2.x semantics.
 * @param select gives the data of each selector
 * @throws PromQLError for a runtime error Prometheus also raises (e.g. duplicate series in a match)
 */
export function evaluate(expr: Expr, t: number, select: SelectFn): Value {
  switch (expr.kind) {
    case 'number':
      return { type: 'scalar', value: expr.value };
    case 'selector': {
      const ref = t - expr.offsetMs;
      const samples: Sample[] = [];
      for (const s of select(expr.matchers)) {
        const i = lastAtOrBefore(s.points, ref);
        if (i >= 0 && s.points[i][0] >= ref - LOOKBACK_MS) samples.push({ labels: s.labels, value: s.points[i][1] });
      }
      return { type: 'vector', samples };
    }
    case 'matrix': {
      const to = t - expr.offsetMs;
      const series: RangeSeries[] = [];
      for (const s of select(expr.matchers)) {
        const points = pointsIn(s.points, to - expr.rangeMs, to);
        if (points.length > 0) series.push({ labels: s.labels, points });
      }
      return { type: 'matrix', series };
    }
    case 'subquery': {
      const end = t - expr.offsetMs;
      const from = end - expr.rangeMs;
      let start = expr.stepMs * Math.trunc(from / expr.stepMs);
      if (start < from) start += expr.stepMs;
      const bySeries = new Map<string, RangeSeries>();
      for (let ts = start; ts <= end; ts += expr.stepMs) {
        const v = evaluate(expr.expr, ts, select);
        if (v.type !== 'vector') throw new PromQLError('subquery is only allowed on an instant vector');
        for (const smp of v.samples) {
          const k = labelKey(smp.labels);
          let e = bySeries.get(k);
          if (!e) bySeries.set(k, (e = { labels: smp.labels, points: [] }));
          e.points.push([ts, smp.value]);
        }
      }
      return { type: 'matrix', series: [...bySeries.values()] };
    }
    case 'unary': {
      const v = evaluate(expr.expr, t, select);
      if (v.type === 'scalar') return { type: 'scalar', value: -v.value };
      if (v.type === 'vector')
        return { type: 'vector', samples: v.samples.map((s) => ({ labels: dropName(s.labels), value: -s.value })) };
      throw new PromQLError('unary expression only allowed on a scalar or instant vector');
    }
    case 'aggregate': {
      const inner = vectorOf(evaluate(expr.expr, t, select), expr.op);
      const param = expr.param ? scalarOf(evaluate(expr.param, t, select), expr.op) : NaN;
      return { type: 'vector', samples: aggregateSamples(expr, inner, param) };
    }
    case 'call':
      return callFunction(expr, t, select);
    case 'arith':
    case 'compare':
      return binaryOp(expr, evaluate(expr.lhs, t, select), evaluate(expr.rhs, t, select));
    case 'set':
      return setOp(
        expr,
        vectorOf(evaluate(expr.lhs, t, select), expr.op),
        vectorOf(evaluate(expr.rhs, t, select), expr.op)
      );
  }
}

function vectorOf(v: Value, what: string): Sample[] {
  if (v.type !== 'vector') throw new PromQLError(`${what} expects an instant vector`);
  return v.samples;
}

function scalarOf(v: Value, what: string): number {
  if (v.type !== 'scalar') throw new PromQLError(`${what} expects a scalar`);
  return v.value;
}

function callFunction(expr: Extract<Expr, { kind: 'call' }>, t: number, select: SelectFn): Value {
  const { fn, args } = expr;
  if (fn === 'time') return { type: 'scalar', value: t / 1000 };
  if (RANGE_FUNCTIONS.has(fn)) {
    const q = fn === 'quantile_over_time' ? scalarOf(evaluate(args[0], t, select), fn) : NaN;
    const m = evaluate(args[args.length - 1], t, select);
    if (m.type !== 'matrix') throw new PromQLError(`${fn} expects a range vector`);
    if (fn === 'absent_over_time') {
      return { type: 'vector', samples: m.series.length > 0 ? [] : [{ labels: absentLabels(args[0]), value: 1 }] };
    }
    const samples: Sample[] = [];
    const arg = args[args.length - 1];
    const rangeMs = arg.kind === 'matrix' || arg.kind === 'subquery' ? arg.rangeMs : 0;
    const rangeEnd = t - (arg.kind === 'matrix' || arg.kind === 'subquery' ? arg.offsetMs : 0);
    for (const s of m.series) {
      const v = rangeFunction(fn, s.points, q, rangeEnd - rangeMs, rangeEnd, rangeMs);
      if (v === undefined) continue;
      samples.push({ labels: fn === 'last_over_time' ? s.labels : dropName(s.labels), value: v });
    }
    return { type: 'vector', samples };
  }
  if (fn === 'vector')
    return { type: 'vector', samples: [{ labels: {}, value: scalarOf(evaluate(args[0], t, select), fn) }] };
  const vec = vectorOf(evaluate(args[0], t, select), fn);
  switch (fn) {
    case 'absent':
      return { type: 'vector', samples: vec.length > 0 ? [] : [{ labels: absentLabels(args[0]), value: 1 }] };
    case 'scalar':
      return { type: 'scalar', value: vec.length === 1 ? vec[0].value : NaN };
    case 'timestamp': {
      // the time of the sample the selector picked
      const a = args[0];
      if (a.kind === 'selector') {
        const ref = t - a.offsetMs;
        const out: Sample[] = [];
        for (const s of select(a.matchers)) {
          const i = lastAtOrBefore(s.points, ref);
          if (i >= 0 && s.points[i][0] >= ref - LOOKBACK_MS)
            out.push({ labels: dropName(s.labels), value: s.points[i][0] / 1000 });
        }
        return { type: 'vector', samples: out };
      }
      return { type: 'vector', samples: vec.map((s) => ({ labels: dropName(s.labels), value: t / 1000 })) };
    }
    case 'round': {
      const to = args[1] ? scalarOf(evaluate(args[1], t, select), fn) : 1;
      const inv = 1 / to;
      return {
        type: 'vector',
        samples: vec.map((s) => ({ labels: dropName(s.labels), value: Math.floor(s.value * inv + 0.5) / inv })),
      };
    }
    case 'clamp':
    case 'clamp_min':
    case 'clamp_max': {
      const a = scalarOf(evaluate(args[1], t, select), fn);
      const b = fn === 'clamp' ? scalarOf(evaluate(args[2], t, select), fn) : NaN;
      if (fn === 'clamp' && a > b) return { type: 'vector', samples: [] };
      const f =
        fn === 'clamp_min'
          ? (v: number) => Math.max(a, v)
          : fn === 'clamp_max'
            ? (v: number) => Math.min(a, v)
            : (v: number) => Math.max(a, Math.min(b, v));
      return {
        type: 'vector',
        samples: vec.map((s) => ({ labels: dropName(s.labels), value: Number.isNaN(s.value) ? NaN : f(s.value) })),
      };
    }
    default: {
      const f = MATH_FUNCTIONS[fn];
      if (!f) throw new PromQLError(`function "${fn}" is not supported (${SUPPORTED})`);
      return { type: 'vector', samples: vec.map((s) => ({ labels: dropName(s.labels), value: f(s.value) })) };
    }
  }
}

/** The labels `absent`/`absent_over_time` give: those of the selector's equality matchers (not the name). */
function absentLabels(arg: Expr): Labels {
  const out: Labels = {};
  if (arg.kind !== 'selector' && arg.kind !== 'matrix') return out;
  const seen = new Set<string>();
  for (const m of arg.matchers) {
    if (m.name === '__name__') continue;
    if (m.type === '=' && !seen.has(m.name)) {
      out[m.name] = m.value;
      seen.add(m.name);
    } else if (m.type === '=' || seen.has(m.name)) delete out[m.name];
  }
  return out;
}

/** The value of a range function over one series' points in [rangeStart, rangeEnd]; undefined drops the series. */
function rangeFunction(
  fn: string,
  pts: Point[],
  q: number,
  rangeStart: number,
  rangeEnd: number,
  rangeMs: number
): number | undefined {
  const n = pts.length;
  switch (fn) {
    case 'count_over_time':
      return n;
    case 'present_over_time':
      return 1;
    case 'last_over_time':
      return pts[n - 1][1];
    case 'sum_over_time':
      return kahanSum(pts.map((p) => p[1]));
    case 'avg_over_time': {
      let mean = 0;
      let count = 0;
      for (const [, v] of pts) {
        count++;
        if (!Number.isFinite(mean) && Number.isFinite(v)) continue;
        mean += v / count - mean / count;
      }
      return mean;
    }
    case 'max_over_time': {
      let m = pts[0][1];
      for (const [, v] of pts) if (v > m || Number.isNaN(m)) m = v;
      return m;
    }
    case 'min_over_time': {
      let m = pts[0][1];
      for (const [, v] of pts) if (v < m || Number.isNaN(m)) m = v;
      return m;
    }
    case 'stddev_over_time':
    case 'stdvar_over_time': {
      let count = 0;
      let mean = 0;
      let aux = 0;
      for (const [, v] of pts) {
        count++;
        const delta = v - mean;
        mean += delta / count;
        aux += delta * (v - mean);
      }
      const variance = aux / count;
      return fn === 'stdvar_over_time' ? variance : Math.sqrt(variance);
    }
    case 'quantile_over_time':
      return quantile(
        q,
        pts.map((p) => p[1])
      );
    case 'changes': {
      let c = 0;
      for (let i = 1; i < n; i++) {
        const a = pts[i - 1][1];
        const b = pts[i][1];
        if (a !== b && !(Number.isNaN(a) && Number.isNaN(b))) c++;
      }
      return c;
    }
    case 'resets': {
      let c = 0;
      for (let i = 1; i < n; i++) if (pts[i][1] < pts[i - 1][1]) c++;
      return c;
    }
    case 'rate':
    case 'increase':
    case 'delta':
      return extrapolatedRate(pts, rangeStart, rangeEnd, rangeMs, fn !== 'delta', fn === 'rate');
    case 'irate':
    case 'idelta': {
      if (n < 2) return undefined;
      const [t0, v0] = pts[n - 2];
      const [t1, v1] = pts[n - 1];
      let d = v1 - v0;
      if (fn === 'irate' && v1 < v0) d = v1; // a counter reset
      if (fn === 'idelta') return d;
      const dt = t1 - t0;
      return dt === 0 ? undefined : d / (dt / 1000);
    }
  }
  return undefined;
}

/** Prometheus' `extrapolatedRate` (promql/functions.go, 2.x): rate, increase and delta with extrapolation. */
function extrapolatedRate(
  pts: Point[],
  rangeStart: number,
  rangeEnd: number,
  rangeMs: number,
  isCounter: boolean,
  isRate: boolean
): number | undefined {
  const n = pts.length;
  if (n < 2) return undefined;
  let result = pts[n - 1][1] - pts[0][1];
  if (isCounter) {
    let last = 0;
    for (const [, v] of pts) {
      if (v < last) result += last;
      last = v;
    }
  }
  let durationToStart = (pts[0][0] - rangeStart) / 1000;
  const durationToEnd = (rangeEnd - pts[n - 1][0]) / 1000;
  const sampled = (pts[n - 1][0] - pts[0][0]) / 1000;
  const avgBetween = sampled / (n - 1);
  if (isCounter && result > 0 && pts[0][1] >= 0) {
    const durationToZero = sampled * (pts[0][1] / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  const threshold = avgBetween * 1.1;
  let extrapolateTo = sampled;
  extrapolateTo += durationToStart < threshold ? durationToStart : avgBetween / 2;
  extrapolateTo += durationToEnd < threshold ? durationToEnd : avgBetween / 2;
  let factor = extrapolateTo / sampled;
  if (isRate) factor /= rangeMs / 1000;
  return result * factor;
}

function kahanSum(values: number[]): number {
  let sum = 0;
  let c = 0;
  for (const v of values) {
    const t = sum + v;
    if (Math.abs(sum) >= Math.abs(v)) c += sum - t + v;
    else c += v - t + sum;
    sum = t;
  }
  return Number.isFinite(sum + c) ? sum + c : sum;
}

/** Prometheus' quantile (linear interpolation between the closest ranks; q outside [0, 1] gives -Inf/+Inf). */
function quantile(q: number, values: number[]): number {
  if (values.length === 0 || Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return sorted[lower] * (1 - weight) + sorted[upper] * weight;
}

function arith(op: ArithOp, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '%':
      return a % b;
    case '^':
      return a ** b;
  }
}

function compare(op: CompareOp, a: number, b: number): boolean {
  switch (op) {
    case '>':
      return a > b;
    case '<':
      return a < b;
    case '>=':
      return a >= b;
    case '<=':
      return a <= b;
    case '==':
      return a === b;
    case '!=':
      return a !== b;
  }
}

/** The matching signature of a sample's labels. */
function signature(labels: Labels, m: Matching): string {
  const keep: Labels = {};
  for (const [k, v] of Object.entries(labels)) {
    if (k === '__name__') continue;
    if (m.card === 'on' ? m.labels.includes(k) : !(m.card === 'ignoring' && m.labels.includes(k))) keep[k] = v;
  }
  return labelKey(keep);
}

function binaryOp(expr: Extract<Expr, { kind: 'arith' | 'compare' }>, l: Value, r: Value): Value {
  const apply = (a: number, b: number): { keep: boolean; value: number } => {
    if (expr.kind === 'arith') return { keep: true, value: arith(expr.op, a, b) };
    const ok = compare(expr.op, a, b);
    return expr.bool ? { keep: true, value: ok ? 1 : 0 } : { keep: ok, value: a };
  };
  if (l.type === 'scalar' && r.type === 'scalar') {
    return { type: 'scalar', value: apply(l.value, r.value).value };
  }
  // arithmetic and bool comparisons drop the metric name; a filtering comparison keeps the vector's sample
  const changes = expr.kind === 'arith' || expr.bool;
  if (l.type === 'vector' && r.type === 'scalar') {
    const out: Sample[] = [];
    for (const s of l.samples) {
      const res = apply(s.value, r.value);
      if (res.keep) out.push({ labels: changes ? dropName(s.labels) : s.labels, value: res.value });
    }
    return { type: 'vector', samples: out };
  }
  if (l.type === 'scalar' && r.type === 'vector') {
    const out: Sample[] = [];
    for (const s of r.samples) {
      const res = apply(l.value, s.value);
      // scalar on the left of a filtering comparison: the vector's own value is kept
      if (res.keep) out.push({ labels: changes ? dropName(s.labels) : s.labels, value: changes ? res.value : s.value });
    }
    return { type: 'vector', samples: out };
  }
  if (l.type !== 'vector' || r.type !== 'vector')
    throw new PromQLError('binary expressions need scalars or instant vectors');
  const right = new Map<string, Sample>();
  for (const s of r.samples) {
    const k = signature(s.labels, expr.matching);
    if (right.has(k)) {
      throw new PromQLError(
        `found duplicate series for the match group ${k} on the right hand-side of the operation: many-to-many matching not allowed: matching labels must be unique on one side`
      );
    }
    right.set(k, s);
  }
  const seen = new Set<string>();
  const out: Sample[] = [];
  for (const s of l.samples) {
    const k = signature(s.labels, expr.matching);
    const other = right.get(k);
    if (!other) continue;
    if (seen.has(k)) {
      throw new PromQLError(
        'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)'
      );
    }
    seen.add(k);
    const res = apply(s.value, other.value);
    if (!res.keep) continue;
    // Prometheus' resultMetric: arithmetic and bool drop the name; on (...) keeps those labels only, ignoring drops its
    let labels = changes ? dropName(s.labels) : s.labels;
    if (expr.matching.card === 'on') {
      const only: Labels = {};
      for (const n of expr.matching.labels) if (s.labels[n] !== undefined) only[n] = s.labels[n];
      labels = only;
    } else if (expr.matching.card === 'ignoring') {
      labels = { ...labels };
      for (const n of expr.matching.labels) delete labels[n];
    }
    out.push({ labels, value: res.value });
  }
  return { type: 'vector', samples: out };
}

function setOp(expr: Extract<Expr, { kind: 'set' }>, l: Sample[], r: Sample[]): Value {
  const rightSigs = new Set(r.map((s) => signature(s.labels, expr.matching)));
  switch (expr.op) {
    case 'and':
      return { type: 'vector', samples: l.filter((s) => rightSigs.has(signature(s.labels, expr.matching))) };
    case 'unless':
      return { type: 'vector', samples: l.filter((s) => !rightSigs.has(signature(s.labels, expr.matching))) };
    case 'or': {
      const leftSigs = new Set(l.map((s) => signature(s.labels, expr.matching)));
      return { type: 'vector', samples: [...l, ...r.filter((s) => !leftSigs.has(signature(s.labels, expr.matching)))] };
    }
  }
}

function aggregateSamples(expr: Extract<Expr, { kind: 'aggregate' }>, samples: Sample[], param: number): Sample[] {
  const groups = new Map<string, { labels: Labels; members: Sample[] }>();
  for (const s of samples) {
    const labels: Labels = {};
    if (expr.grouping === 'by') {
      for (const l of expr.labels) if (s.labels[l] !== undefined && s.labels[l] !== '') labels[l] = s.labels[l];
    } else if (expr.grouping === 'without') {
      for (const [k, v] of Object.entries(s.labels)) if (k !== '__name__' && !expr.labels.includes(k)) labels[k] = v;
    }
    const key = labelKey(labels);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { labels, members: [] }));
    g.members.push(s);
  }
  const out: Sample[] = [];
  for (const g of groups.values()) {
    const v = g.members.map((m) => m.value);
    switch (expr.op) {
      case 'topk':
      case 'bottomk': {
        const k = Math.floor(param);
        if (!(k >= 1)) break;
        const sorted = [...g.members].sort((a, b) =>
          expr.op === 'topk' ? desc(a.value, b.value) : desc(b.value, a.value)
        );
        out.push(...sorted.slice(0, k));
        break;
      }
      case 'quantile':
        out.push({ labels: g.labels, value: quantile(param, v) });
        break;
      default:
        out.push({ labels: g.labels, value: aggregateValue(expr.op, v) });
    }
  }
  return out;
}

/** Descending order with NaN last. */
function desc(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  return b - a;
}

function aggregateValue(op: AggOp, v: number[]): number {
  switch (op) {
    case 'sum':
      return v.reduce((a, b) => a + b, 0);
    case 'count':
      return v.length;
    case 'group':
      return 1;
    case 'avg': {
      let mean = 0;
      v.forEach((x, i) => (mean += (x - mean) / (i + 1)));
      return mean;
    }
    case 'min':
      return v.reduce((a, b) => (Number.isNaN(a) || b < a ? b : a), NaN);
    case 'max':
      return v.reduce((a, b) => (Number.isNaN(a) || b > a ? b : a), NaN);
    case 'stddev':
    case 'stdvar': {
      let mean = 0;
      let aux = 0;
      v.forEach((x, i) => {
        const d = x - mean;
        mean += d / (i + 1);
        aux += d * (x - mean);
      });
      return op === 'stdvar' ? aux / v.length : Math.sqrt(aux / v.length);
    }
    default:
      return NaN;
  }
}

/**
 * Evaluate an expression at every step of [start, end] (a range query), gathering each result series' points.
 * Scalars become one series without labels, as Prometheus returns them.
 *
 * @returns series sorted by their labels, each with [epoch ms, value] points in time order
 */
export function evaluateRange(expr: Expr, start: number, end: number, stepMs: number, select: SelectFn): RangeSeries[] {
  const series = new Map<string, RangeSeries>();
  for (let t = start; t <= end; t += stepMs) {
    const v = evaluate(expr, t, select);
    if (v.type === 'matrix') throw new PromQLError('a range query must return an instant vector or a scalar');
    const samples: Sample[] = v.type === 'scalar' ? [{ labels: {}, value: v.value }] : v.samples;
    for (const s of samples) {
      const k = labelKey(s.labels);
      let e = series.get(k);
      if (!e) series.set(k, (e = { labels: s.labels, points: [] }));
      e.points.push([t, s.value]);
    }
  }
  return [...series.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e);
}

/**
 * Keys already computed, per label set: a range query keys the same series' labels at every step (a day at one
 * minute is 1,441 times). Label sets are never changed once built, so a key stays right.
 */
const labelKeys = new WeakMap<Labels, string>();

/** Canonical key of a label set (sorted names), computed once per label set. */
export function labelKey(labels: Labels): string {
  let key = labelKeys.get(labels);
  if (key === undefined) {
    key = JSON.stringify(
      Object.keys(labels)
        .sort()
        .map((k) => [k, labels[k]])
    );
    labelKeys.set(labels, key);
  }
  return key;
}

/**
 * Format a sample value as Prometheus does (Go's strconv.FormatFloat(v, 'f', -1, 64)): shortest decimal
 * without exponent, `NaN`, `+Inf`, `-Inf`.
 */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const s = String(v);
  if (!/e/i.test(s)) return s;
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/i.exec(s);
  if (!m) return s;
  const [, sign, lead, frac = '', expText] = m;
  const exp = Number(expText);
  const digits = lead + frac;
  if (exp >= 0) {
    const whole = digits.padEnd(exp + 1, '0');
    const intPart = whole.slice(0, exp + 1);
    const rest = whole.slice(exp + 1);
    return sign + intPart + (rest ? `.${rest}` : '');
  }
  return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
}
