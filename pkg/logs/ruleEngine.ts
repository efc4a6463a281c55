/**
 * Evaluation of log rules (`rules.ts`) over lines in time order, keeping per rule and key only what the sliding
 * window needs. Hits of one key that keep coming within the window form one event, which closes once a window
 * passes without a hit; each event says which rule fired (`rule:<name>` in its detectors), for which key, how many
 * lines, and carries up to five example lines.
 *
 * Pure and deterministic: no clock (times come with the lines), no I/O. `RuleEngine.setRules` swaps the rules
 * (hot reload) and keeps the state of the rules whose definition did not change.
 */

import { severityOf } from '../contract/rules';
import type { AnomalyEvent } from '../contract/results';
import { formatInterval } from '../core/interval';
import type { Condition, Rule } from './rules';

/** A line as rules see it. */
export interface RuleLine {
  /** epoch ms */
  time: number;
  message: string;
  /** 1-based line number in its source */
  line?: number;
  /** every field a condition may name (see `rules.ts`), flat or nested */
  fields: Record<string, unknown>;
}

/** An example line of a rule event. */
export interface RuleExample {
  time: number;
  line?: number;
  message: string;
}

/** A rule hit: one event per rule, key and burst. */
export interface RuleEvent extends AnomalyEvent {
  kind: 'rule';
  rule: string;
  /** the key's value (e.g. the client address), absent for rules without a key */
  key?: string;
  /** lines that matched while the event was open */
  count: number;
  examples: RuleExample[];
  /** distinct values of the rule's `distinct` field seen (at most 20) */
  values?: string[];
  tags: string[];
}

interface Hit {
  time: number;
  example: RuleExample;
  value?: string;
}

interface Open {
  start: number;
  end: number;
  count: number;
  peak: number;
  peakTime: number;
  examples: RuleExample[];
  values: Set<string>;
  baseCount?: number;
}

interface KeyState {
  hits: Hit[];
  head: number;
  base: number[];
  baseHead: number;
  seq?: { step: number; start: number; examples: RuleExample[] };
  open?: Open;
  last: number;
}

interface RuleState {
  rule: Rule;
  keys: Map<string, KeyState>;
}

/** Options of the engine. */
export interface RuleEngineOptions {
  /** example lines per event (default 5) */
  examples?: number;
  /** keys kept per rule before idle ones are forgotten (default 100 000) */
  maxKeys?: number;
}

const MAX_VALUES = 20;

/** Read a field: flat name first, then a dotted path. */
function read(fields: Record<string, unknown>, name: string): unknown {
  if (name in fields) return fields[name];
  let cur: unknown = fields;
  for (const part of name.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Test conditions on a line; named groups of matching regular expressions are added to `captures`. */
export function testConditions(conditions: Condition[], line: RuleLine, captures: Record<string, string>): boolean {
  for (const c of conditions) {
    const raw = c.field === 'message' ? line.message : (captures[c.field] ?? read(line.fields, c.field));
    let ok: boolean;
    if (raw === undefined || raw === null || typeof raw === 'object') ok = false;
    else {
      const text = String(raw);
      const num = typeof raw === 'number' ? raw : Number(text);
      ok = true;
      if (c.regex) {
        const m = c.regex.exec(text);
        ok = m !== null;
        if (m?.groups) for (const [k, v] of Object.entries(m.groups)) if (v !== undefined) captures[k] = v;
      }
      if (ok && c.equals !== undefined) ok = String(c.equals) === text;
      if (ok && c.in !== undefined) ok = c.in.some((v) => String(v) === text);
      if (ok && c.gt !== undefined) ok = num > c.gt;
      if (ok && c.gte !== undefined) ok = num >= c.gte;
      if (ok && c.lt !== undefined) ok = num < c.lt;
      if (ok && c.lte !== undefined) ok = num <= c.lte;
    }
    if (c.not) ok = !ok;
    if (!ok) return false;
  }
  return true;
}

/** Evaluates rules over lines in time order. */
export class RuleEngine {
  private states: RuleState[] = [];
  private finished: RuleEvent[] = [];
  private readonly exampleCount: number;
  private readonly maxKeys: number;

  constructor(rules: Rule[], options: RuleEngineOptions = {}) {
    this.exampleCount = options.examples ?? 5;
    this.maxKeys = options.maxKeys ?? 100_000;
    this.setRules(rules);
  }

  /** The rules in force. */
  get rules(): Rule[] {
    return this.states.map((s) => s.rule);
  }

  /**
   * Replace the rules. Rules whose definition is unchanged keep their windows and open events; events of rules
   * that changed or went away are closed.
   */
  setRules(rules: Rule[]): void {
    const old = new Map(this.states.map((s) => [s.rule.name, s]));
    const next: RuleState[] = [];
    for (const rule of rules) {
      const prev = old.get(rule.name);
      if (prev && prev.rule.fingerprint === rule.fingerprint) {
        next.push(prev);
        old.delete(rule.name);
      } else next.push({ rule, keys: new Map() });
    }
    // rules that changed or went away: their events end here
    for (const s of this.states) if (!next.includes(s)) this.closeAll(s);
    this.states = next;
  }

  /**
   * Feed one line (lines must come in time order).
   *
   * @returns the names of the rules this line was a hit of while their event was open
   */
  process(line: RuleLine): string[] {
    const fired: string[] = [];
    for (const s of this.states) if (Number.isFinite(line.time) && this.step(s, line)) fired.push(s.rule.name);
    return fired;
  }

  /** Events that closed since the last call. */
  takeFinished(): RuleEvent[] {
    const out = this.finished;
    this.finished = [];
    return out;
  }

  /** Close the events whose window passed before `now` (epoch ms), e.g. on a timer when lines stop coming. */
  closeIdle(now: number): RuleEvent[] {
    for (const s of this.states) {
      for (const [key, k] of s.keys) {
        if (k.open && now - k.open.end > s.rule.windowMs) {
          this.finished.push(this.toEvent(s.rule, key, k.open));
          k.open = undefined;
        }
      }
    }
    return this.takeFinished();
  }

  /** Close every open event and return all events not yet taken, in time order. */
  flush(): RuleEvent[] {
    for (const s of this.states) this.closeAll(s);
    return this.takeFinished().sort((a, b) => a.start - b.start || a.rule.localeCompare(b.rule));
  }

  private closeAll(s: RuleState): void {
    for (const [key, k] of s.keys) {
      if (k.open) this.finished.push(this.toEvent(s.rule, key, k.open));
      k.open = undefined;
    }
    s.keys.clear();
  }

  /** @returns true when the line was a hit of an open event */
  private step(s: RuleState, line: RuleLine): boolean {
    const rule = s.rule;
    const captures: Record<string, string> = {};
    const t = line.time;
    if (rule.type === 'sequence') return this.stepSequence(s, line, captures);
    const baseMatch = rule.type === 'ratio' ? testConditions(rule.of, line, captures) : true;
    const match = baseMatch && testConditions(rule.when, line, captures);
    if (!match && rule.type !== 'ratio') return false;
    const keyValue = rule.key === undefined ? '' : value(captures[rule.key] ?? read(line.fields, rule.key));
    if (keyValue === undefined) return false;
    const k = this.keyState(s, keyValue, t);
    const example: RuleExample = {
      time: t,
      message: line.message,
      ...(line.line !== undefined ? { line: line.line } : {}),
    };
    if (rule.type === 'ratio') {
      if (!baseMatch) return false;
      k.base.push(t);
      while (k.base[k.baseHead] <= t - rule.windowMs) k.baseHead++;
      compact(k, 'base');
    }
    if (!match) return false;
    const hit: Hit = { time: t, example };
    if (rule.distinct !== undefined) hit.value = value(captures[rule.distinct] ?? read(line.fields, rule.distinct));
    k.hits.push(hit);
    while (k.hits[k.head].time <= t - rule.windowMs) k.head++;
    compact(k, 'hits');
    k.last = t;
    if (k.open && t - k.open.end > rule.windowMs) {
      this.finished.push(this.toEvent(rule, keyValue, k.open));
      k.open = undefined;
    }
    const inWindow = k.hits.length - k.head;
    const level =
      rule.distinct !== undefined
        ? new Set(
            k.hits
              .slice(k.head)
              .map((h) => h.value)
              .filter((v) => v !== undefined)
          ).size
        : inWindow;
    const baseCount = k.base.length - k.baseHead;
    const firing =
      rule.type === 'ratio'
        ? baseCount >= rule.minCount && inWindow / baseCount >= rule.threshold
        : level >= rule.threshold;
    if (k.open) {
      const o = k.open;
      o.end = t;
      o.count++;
      if (o.examples.length < this.exampleCount) o.examples.push(example);
      if (hit.value !== undefined && o.values.size < MAX_VALUES) o.values.add(hit.value);
      const measure = rule.type === 'ratio' ? inWindow / Math.max(1, baseCount) : level;
      if (measure > o.peak) {
        o.peak = measure;
        o.peakTime = t;
        if (rule.type === 'ratio') o.baseCount = baseCount;
      }
      return true;
    }
    if (!firing) return false;
    const window = k.hits.slice(k.head);
    k.open = {
      start: window[0].time,
      end: t,
      count: window.length,
      peak: rule.type === 'ratio' ? inWindow / baseCount : level,
      peakTime: t,
      examples: window.slice(0, this.exampleCount).map((h) => h.example),
      values: new Set(
        window
          .map((h) => h.value)
          .filter((v): v is string => v !== undefined)
          .slice(0, MAX_VALUES)
      ),
      ...(rule.type === 'ratio' ? { baseCount } : {}),
    };
    return true;
  }

  private stepSequence(s: RuleState, line: RuleLine, captures: Record<string, string>): boolean {
    const rule = s.rule;
    const t = line.time;
    // which step could this line be? the key comes from the step's own captures or the fields
    let matched = -1;
    let keyValue: string | undefined;
    for (let i = 0; i < rule.steps.length && matched < 0; i++) {
      const caps: Record<string, string> = {};
      if (!testConditions(rule.steps[i], line, caps)) continue;
      keyValue = rule.key === undefined ? '' : value(caps[rule.key] ?? read(line.fields, rule.key));
      if (keyValue === undefined) continue;
      const k = s.keys.get(keyValue);
      const expected = k?.seq && t - k.seq.start <= rule.withinMs ? k.seq.step : 0;
      if (i === expected || i === 0) {
        matched = i;
        Object.assign(captures, caps);
      }
    }
    if (matched < 0 || keyValue === undefined) return false;
    const k = this.keyState(s, keyValue, t);
    const example: RuleExample = {
      time: t,
      message: line.message,
      ...(line.line !== undefined ? { line: line.line } : {}),
    };
    if (!k.seq || t - k.seq.start > rule.withinMs || matched === 0) {
      if (matched !== 0) return false;
      k.seq = { step: 1, start: t, examples: [example] };
    } else {
      k.seq.step++;
      k.seq.examples.push(example);
    }
    k.last = t;
    if (k.seq.step < rule.steps.length) return false;
    const done = k.seq;
    k.seq = undefined;
    if (k.open && t - k.open.end > rule.windowMs) {
      this.finished.push(this.toEvent(rule, keyValue, k.open));
      k.open = undefined;
    }
    if (k.open) {
      k.open.end = t;
      k.open.count++;
      k.open.peak++;
      for (const e of done.examples) if (k.open.examples.length < this.exampleCount) k.open.examples.push(e);
      return true;
    }
    k.open = {
      start: done.start,
      end: t,
      count: 1,
      peak: 1,
      peakTime: t,
      examples: done.examples.slice(0, this.exampleCount),
      values: new Set(),
    };
    return true;
  }

  private keyState(s: RuleState, key: string, now: number): KeyState {
    let k = s.keys.get(key);
    if (k) return k;
    if (s.keys.size >= this.maxKeys) this.forgetIdle(s, now);
    k = { hits: [], head: 0, base: [], baseHead: 0, last: now };
    s.keys.set(key, k);
    return k;
  }

  /** Forget keys idle for a window (closing their events), then the least recently hit if still too many. */
  private forgetIdle(s: RuleState, now: number): void {
    const span = Math.max(s.rule.windowMs, s.rule.withinMs);
    for (const [key, k] of s.keys) {
      if (now - k.last > span) {
        if (k.open) this.finished.push(this.toEvent(s.rule, key, k.open));
        s.keys.delete(key);
      }
    }
    if (s.keys.size < this.maxKeys) return;
    const oldest = [...s.keys.entries()].sort((a, b) => a[1].last - b[1].last).slice(0, Math.ceil(this.maxKeys / 10));
    for (const [key, k] of oldest) {
      if (k.open) this.finished.push(this.toEvent(s.rule, key, k.open));
      s.keys.delete(key);
    }
  }

  private toEvent(rule: Rule, key: string, o: Open): RuleEvent {
    const labels: Record<string, string> = { __name__: 'log_rule', rule: rule.name };
    if (rule.key !== undefined) labels.key = key;
    const who = rule.key !== undefined ? `${rule.key} ${key}` : 'all lines';
    const what = rule.description ? `${rule.name} (${rule.description})` : rule.name;
    const window = formatInterval(rule.windowMs);
    let explanation: string;
    switch (rule.type) {
      case 'threshold':
        explanation =
          rule.distinct !== undefined
            ? `${who}: ${what}: up to ${o.peak} distinct ${rule.distinct} values within ${window} ` +
              `(threshold ${rule.threshold}), ${o.count} lines` +
              (o.values.size ? `: ${[...o.values].slice(0, 8).join(', ')}${o.values.size > 8 ? ', ...' : ''}` : '')
            : `${who}: ${what}: ${o.count} lines, up to ${o.peak} within ${window} (threshold ${rule.threshold})`;
        break;
      case 'ratio':
        explanation =
          `${who}: ${what}: up to ${Math.round(o.peak * 100)}% of ${o.baseCount ?? '?'} lines within ` +
          `${window} (threshold ${Math.round(rule.threshold * 100)}%), ${o.count} matching lines`;
        break;
      case 'sequence':
        explanation = `${who}: ${what}: the ${rule.steps.length} steps in order within ${formatInterval(rule.withinMs)}, ${o.count} time${o.count === 1 ? '' : 's'}`;
        break;
      default:
        explanation = `${who}: ${what}: ${o.count} matching line${o.count === 1 ? '' : 's'}`;
    }
    const event: RuleEvent = {
      kind: 'rule',
      rule: rule.name,
      start: o.start,
      end: o.end,
      labels,
      severity: severityOf(rule.score),
      score: rule.score,
      peak: o.peakTime,
      detectors: { [`rule:${rule.name}`]: rule.score },
      expected: rule.threshold,
      actual: o.peak,
      direction: 'above',
      confidence: 1,
      explanation,
      count: o.count,
      examples: o.examples,
      tags: rule.tags,
    };
    if (rule.key !== undefined) event.key = key;
    if (o.values.size) event.values = [...o.values];
    return event;
  }
}

function value(v: unknown): string | undefined {
  if (v === undefined || v === null || typeof v === 'object') return undefined;
  const s = String(v);
  return s === '' ? undefined : s;
}

/** Drop consumed entries from the front of a window array once they are half of it. */
function compact(k: KeyState, which: 'hits' | 'base'): void {
  if (which === 'hits') {
    if (k.head > 64 && k.head * 2 > k.hits.length) {
      k.hits = k.hits.slice(k.head);
      k.head = 0;
    }
  } else if (k.baseHead > 64 && k.baseHead * 2 > k.base.length) {
    k.base = k.base.slice(k.baseHead);
    k.baseHead = 0;
  }
}
