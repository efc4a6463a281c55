import { parser } from '@prometheus-io/lezer-promql';
import type { Labels } from '../core/series';

/**
 * The PromQL subset Vigil serves, parsed with Prometheus' own grammar (`@prometheus-io/lezer-promql`, the
 * parser of the Prometheus UI) and evaluated over Vigil's result series with Prometheus' semantics:
 *
 * - vector selectors with `=`, `!=`, `=~`, `!~` (regexes fully anchored, a label that is absent equals "");
 * - `sum`, `min`, `max`, `avg`, `count` with `by (...)` or `without (...)` (the metric name is dropped);
 * - comparison of a vector with a scalar (`> 75`, `75 < x`, with or without `bool`), and of two scalars with
 *   `bool`; parentheses; number literals; arithmetic between scalars (`1+1`, which Grafana's "Save & test" of a
 *   Prometheus data source sends).
 *
 * Anything else (functions, range selectors, offsets, `@`, subqueries, arithmetic, vector-vector matching,
 * other aggregations) raises a `PromQLError` naming what is not supported; the API turns it into Prometheus'
 * `bad_data` error JSON.
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
export type AggOp = 'sum' | 'min' | 'max' | 'avg' | 'count';

export type Expr =
  | { kind: 'selector'; matchers: Matcher[] }
  | { kind: 'number'; value: number }
  | { kind: 'aggregate'; op: AggOp; grouping: 'by' | 'without' | null; labels: string[]; expr: Expr }
  | { kind: 'compare'; op: CompareOp; bool: boolean; lhs: Expr; rhs: Expr }
  | { kind: 'arith'; op: ArithOp; lhs: Expr; rhs: Expr };

const SUPPORTED =
  'supported: vector selectors with =, !=, =~, !~; sum/min/max/avg/count by|without (...); comparison with a scalar';

const AGG_OPS = new Set<AggOp>(['sum', 'min', 'max', 'avg', 'count']);
const CMP_NODES: Record<string, CompareOp> = { Gtr: '>', Lss: '<', Gte: '>=', Lte: '<=', Eql: '==', Neq: '!=' };
const ARITH_NODES: Record<string, ArithOp> = { Add: '+', Sub: '-', Mul: '*', Div: '/', Mod: '%', Pow: '^' };

/** Whether an expression evaluates to a scalar. */
function isScalar(e: Expr): boolean {
  return e.kind === 'number' || e.kind === 'arith' || (e.kind === 'compare' && isScalar(e.lhs) && isScalar(e.rhs));
}

/**
 * Parse a PromQL expression into Vigil's subset.
 * @throws PromQLError for a syntax error (with its position) or an unsupported construct (named)
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
  return convert(top, query);
}

function text(n: SyntaxNode, q: string): string {
  return q.slice(n.from, n.to);
}

function children(n: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
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
      return { kind: 'selector', matchers: selectorMatchers(n, q) };
    case 'AggregateExpr':
      return aggregate(n, q);
    case 'BinaryExpr':
      return binary(n, q);
    case 'FunctionCall': {
      const id = n.getChild('FunctionIdentifier');
      throw new PromQLError(`function "${id ? text(id, q) : text(n, q)}" is not supported (${SUPPORTED})`);
    }
    case 'MatrixSelector':
      throw new PromQLError(`range vector selector "${text(n, q)}" is not supported (${SUPPORTED})`);
    case 'OffsetExpr':
      throw new PromQLError(`offset modifier in "${text(n, q)}" is not supported (${SUPPORTED})`);
    case 'StepInvariantExpr':
      throw new PromQLError(`@ modifier in "${text(n, q)}" is not supported (${SUPPORTED})`);
    case 'SubqueryExpr':
      throw new PromQLError(`subquery "${text(n, q)}" is not supported (${SUPPORTED})`);
    case 'UnaryExpr':
      throw new PromQLError(`unary expression "${text(n, q)}" is not supported (${SUPPORTED})`);
    case 'StringLiteral':
      throw new PromQLError(`string literal ${text(n, q)} is not supported as an expression (${SUPPORTED})`);
    default:
      throw new PromQLError(`expression "${text(n, q)}" (${n.name}) is not supported (${SUPPORTED})`);
  }
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
    const gl = mod.getChild('GroupingLabels');
    if (gl) {
      for (const c of children(gl)) {
        if (c.name === 'LabelName') labels.push(text(c, q));
        else if (c.name === 'QuotedLabelName') labels.push(unquote(text(c, q)));
      }
    }
  }
  const body = n.getChild('FunctionCallBody');
  const args = body ? children(body) : [];
  if (args.length !== 1) {
    throw new PromQLError(`${op} takes exactly one argument, got ${args.length}`);
  }
  return { kind: 'aggregate', op: op as AggOp, grouping, labels, expr: convert(args[0], q) };
}

function binary(n: SyntaxNode, q: string): Expr {
  const cs = children(n);
  const arithNode = cs.find((c) => c.name in ARITH_NODES);
  if (arithNode) {
    const lhs = convert(cs[0], q);
    const rhs = convert(cs[cs.length - 1], q);
    if (isScalar(lhs) && isScalar(rhs)) return { kind: 'arith', op: ARITH_NODES[arithNode.name], lhs, rhs };
    throw new PromQLError(
      `binary operator "${text(arithNode, q)}" is only supported between scalars, not on vectors (${SUPPORTED})`
    );
  }
  const opNode = cs.find((c) => c.name in CMP_NODES);
  if (!opNode) {
    const other = cs.find(
      (c) => !['BoolModifier', 'MatchingModifierClause'].includes(c.name) && c !== cs[0] && c !== cs[cs.length - 1]
    );
    throw new PromQLError(
      `binary operator "${other ? text(other, q) : '?'}" is not supported: only comparisons with a scalar are (${SUPPORTED})`
    );
  }
  if (cs.some((c) => c.name === 'MatchingModifierClause')) {
    throw new PromQLError(`vector matching (on/ignoring/group_left) is not supported (${SUPPORTED})`);
  }
  const bool = cs.some((c) => c.name === 'BoolModifier');
  const lhs = convert(cs[0], q);
  const rhs = convert(cs[cs.length - 1], q);
  const lScalar = isScalar(lhs);
  const rScalar = isScalar(rhs);
  if (!lScalar && !rScalar) {
    throw new PromQLError(`comparison between two vectors is not supported, only with a scalar (${SUPPORTED})`);
  }
  if (lScalar && rScalar && !bool) throw new PromQLError('comparisons between scalars must use BOOL modifier');
  return { kind: 'compare', op: CMP_NODES[opNode.name], bool, lhs, rhs };
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
  if (Number.isNaN(v)) throw new PromQLError(`"${s}" is not a number (durations are not supported here)`);
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

/** An evaluated value at one timestamp: a scalar or an instant vector. */
export type Value = { type: 'scalar'; value: number } | { type: 'vector'; samples: Sample[] };

/** Gives the samples of all series matching `matchers` at timestamp t (ms), with Prometheus' lookback. */
export type SelectFn = (matchers: Matcher[], t: number) => Sample[];

/**
 * Evaluate an expression at one timestamp.
 * @param select resolves vector selectors (applying the lookback delta)
 */
export function evaluate(expr: Expr, t: number, select: SelectFn): Value {
  switch (expr.kind) {
    case 'number':
      return { type: 'scalar', value: expr.value };
    case 'selector':
      return { type: 'vector', samples: select(expr.matchers, t) };
    case 'aggregate': {
      const inner = evaluate(expr.expr, t, select);
      if (inner.type !== 'vector') throw new PromQLError(`${expr.op} expects an instant vector argument, got a scalar`);
      return { type: 'vector', samples: aggregateSamples(expr, inner.samples) };
    }
    case 'arith': {
      const l = evaluate(expr.lhs, t, select);
      const r = evaluate(expr.rhs, t, select);
      if (l.type !== 'scalar' || r.type !== 'scalar')
        throw new PromQLError('arithmetic is only supported between scalars');
      return { type: 'scalar', value: arith(expr.op, l.value, r.value) };
    }
    case 'compare': {
      const l = evaluate(expr.lhs, t, select);
      const r = evaluate(expr.rhs, t, select);
      if (l.type === 'scalar' && r.type === 'scalar') {
        return { type: 'scalar', value: compare(expr.op, l.value, r.value) ? 1 : 0 };
      }
      const vec = l.type === 'vector' ? l : (r as { type: 'vector'; samples: Sample[] });
      const scalar = l.type === 'scalar' ? l.value : (r as { type: 'scalar'; value: number }).value;
      const out: Sample[] = [];
      for (const s of vec.samples) {
        const ok = l.type === 'vector' ? compare(expr.op, s.value, scalar) : compare(expr.op, scalar, s.value);
        if (expr.bool) {
          const labels = { ...s.labels };
          delete labels.__name__;
          out.push({ labels, value: ok ? 1 : 0 });
        } else if (ok) out.push(s);
      }
      return { type: 'vector', samples: out };
    }
  }
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

function aggregateSamples(expr: Extract<Expr, { kind: 'aggregate' }>, samples: Sample[]): Sample[] {
  const groups = new Map<string, { labels: Labels; values: number[] }>();
  for (const s of samples) {
    const labels: Labels = {};
    if (expr.grouping === 'by') {
      for (const l of expr.labels) if (s.labels[l] !== undefined && s.labels[l] !== '') labels[l] = s.labels[l];
    } else if (expr.grouping === 'without') {
      for (const [k, v] of Object.entries(s.labels)) if (k !== '__name__' && !expr.labels.includes(k)) labels[k] = v;
    }
    const key = labelKey(labels);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { labels, values: [] }));
    g.values.push(s.value);
  }
  const out: Sample[] = [];
  for (const g of groups.values()) {
    const v = g.values;
    let value: number;
    switch (expr.op) {
      case 'sum':
        value = v.reduce((a, b) => a + b, 0);
        break;
      case 'count':
        value = v.length;
        break;
      case 'avg':
        value = v.reduce((a, b) => a + b, 0) / v.length;
        break;
      case 'min':
        value = v.reduce((a, b) => (Number.isNaN(a) || b < a ? b : a), NaN);
        break;
      case 'max':
        value = v.reduce((a, b) => (Number.isNaN(a) || b > a ? b : a), NaN);
        break;
    }
    out.push({ labels: g.labels, value });
  }
  return out;
}

/** Canonical key of a label set (sorted names). */
export function labelKey(labels: Labels): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]])
  );
}

/** The selectors an expression reads (to fetch their data once for a range query). */
export function selectors(expr: Expr): Matcher[][] {
  switch (expr.kind) {
    case 'selector':
      return [expr.matchers];
    case 'number':
      return [];
    case 'arith':
      return [];
    case 'aggregate':
      return selectors(expr.expr);
    case 'compare':
      return [...selectors(expr.lhs), ...selectors(expr.rhs)];
  }
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
