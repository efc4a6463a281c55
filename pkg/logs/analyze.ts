/**
 * One pass over log lines that gives everything Vigil says about them: templates and anomalies
 * (`logAnomalies.ts`), request fields and enrichment (`webFields.ts`, `enrich.ts`), and rule hits
 * (`ruleEngine.ts`). The CLI and the service call this.
 */

import { Enricher, type EnrichOptions } from './enrich';
import { detectLogAnomalies, type LogAnomalyOptions, type LogAnomalyReport, type LogRecord } from './logAnomalies';
import { RuleEngine, type RuleEvent, type RuleLine } from './ruleEngine';
import type { Rule } from './rules';
import { webFields } from './webFields';

/** A line with the fields it came with. */
export interface FieldedLogRecord extends LogRecord {
  fields?: Record<string, unknown>;
}

/** Options of `analyzeLogs`. */
export interface LogAnalysisOptions extends LogAnomalyOptions {
  /** rules to run (default none; `loadRules(['default'])` gives the default pack) */
  rules?: Rule[];
  /** enrichment (default on, without a country database unless one is given) */
  enrich?: EnrichOptions | false;
}

/** What `analyzeLogs` returns. */
export interface LogAnalysis extends LogAnomalyReport {
  ruleEvents: RuleEvent[];
  /** per input line: the rules it was a hit of */
  lineRules: string[][];
  /** where countries came from, when they did */
  geoSource: string | null;
}

/**
 * Analyse log lines: mine templates, find anomalies, enrich request lines and run rules.
 *
 * @param records lines in source order (times epoch ms, NaN when unknown); not mutated
 * @throws what `detectLogAnomalies` throws
 */
export function analyzeLogs(records: readonly FieldedLogRecord[], options: LogAnalysisOptions = {}): LogAnalysis {
  const report = detectLogAnomalies(records, options);
  const applied = applyRules(records, options.rules ?? [], options.enrich, report.lineTemplates);
  return { ...report, ...applied };
}

/** What `applyRules` returns. */
export interface RuleRun {
  ruleEvents: RuleEvent[];
  lineRules: string[][];
  geoSource: string | null;
}

/**
 * Run rules over log lines in time order, with request fields and enrichment (lines without a time are left out).
 *
 * @param templates each line's template id, when mined (the `template` field of conditions)
 */
export function applyRules(
  records: readonly FieldedLogRecord[],
  rules: Rule[],
  enrich: EnrichOptions | false | undefined,
  templates?: readonly string[]
): RuleRun {
  const enricher = enrich === false ? null : new Enricher(enrich ?? {});
  const engine = new RuleEngine(rules);
  const lineRules: string[][] = records.map(() => []);
  const order = records
    .map((_, i) => i)
    .filter((i) => Number.isFinite(records[i].time))
    .sort((a, b) => records[a].time - records[b].time || a - b);
  const ruleEvents: RuleEvent[] = [];
  for (const i of order) {
    lineRules[i] = engine.process(ruleLine(records[i], enricher, templates?.[i]));
    ruleEvents.push(...engine.takeFinished());
  }
  ruleEvents.push(...engine.flush());
  ruleEvents.sort((a, b) => a.start - b.start || a.rule.localeCompare(b.rule));
  return { ruleEvents, lineRules, geoSource: enricher?.geoSource ?? null };
}

/**
 * A log line as rules see it: its own fields, the request fields (`webFields`), its level and template, and the
 * enrichment (user agent, bot, country, session) when an enricher is given. Lines must reach a shared enricher in
 * time order (sessions).
 */
export function ruleLine(r: FieldedLogRecord, enricher: Enricher | null, template?: string): RuleLine {
  const own = r.fields ?? {};
  const web = webFields(own, r.message);
  const fields: Record<string, unknown> = { ...own, ...web };
  if (template !== undefined) fields.template = template;
  if (r.level !== undefined) fields.level = r.level;
  if (enricher) Object.assign(fields, enricher.enrich(r.time, web));
  const line: RuleLine = { time: r.time, message: r.message, fields };
  if (r.line !== undefined) line.line = r.line;
  return line;
}
