/**
 * What a log job's run adds to its template-count series: each run of a job whose source is a log query
 * (`elasticsearch-logs`) reads the run's new messages once and
 *
 * - passes them through the rules in force (`ruleEngine.ts`), with request fields and enrichment (`analyze.ts`);
 * - judges each line as `detectLogAnomalies` does and raises the template events a count cannot show
 *   (`logJobTemplates.ts`: lines that report a fault, templates never seen before);
 *
 * and hands back these events (detectors `rule:<name>`, `log:fault`, `log:new-template`; up to five example lines;
 * redacted), which the runner stores and passes to its sinks, so the incident tracker groups them with the job's
 * template-count events and the triage score weighs them all.
 *
 * Each job keeps one rule engine and one enricher for as long as the service runs, so a window (10 failed logins in
 * 10 minutes) and a session span runs. A rule hit is handed back once its event is over: a whole window passed after
 * its last matching line (a brute force that lasts an hour is one event, reported when it stops, with its full
 * count), or the rules changed. After a restart the windows start empty.
 */

import type { Job } from '../contract/jobs';
import type { AnomalyEvent } from '../contract/results';
import { ruleLine } from './analyze';
import { Enricher } from './enrich';
import type { GeoIp } from './geoip';
import { logJobTemplateEvents } from './logJobTemplates';
import type { ElasticsearchLogSource } from './logSource';
import type { Redactor } from './redact';
import { RuleEngine, type RuleEvent } from './ruleEngine';
import type { Rule } from './rules';

/** What log jobs read and apply. */
export interface LogJobEventsDeps {
  /** the rules in force (read at every run, so a reload applies from the next run) */
  rules(): Rule[];
  /** applied to every event before it leaves (key, labels, examples, explanation) */
  redactor: Redactor;
  geoip?: GeoIp | null;
}

/** The rule state of every log job, and the step each run calls (see the module docs). */
export class LogJobEvents {
  private readonly jobs = new Map<string, { engine: RuleEngine; enricher: Enricher; newest: number }>();

  constructor(private readonly deps: LogJobEventsDeps) {}

  /**
   * The events of a log job's messages of [from, to), redacted: rule hits that ended by `to`, and template events.
   * Messages at or before the newest one a previous run saw are skipped (a retried run may re-read).
   *
   * @param source the log source serving the job's query; its `fetch` has mined the span's messages
   * @param from epoch ms, inclusive
   * @param to epoch ms, exclusive: rule events whose window has passed by then are over
   * @returns events in start order, empty for a job that is not a log job
   * @throws SourceError when the source fails
   */
  async run(job: Job, source: ElasticsearchLogSource, from: number, to: number): Promise<AnomalyEvent[]> {
    if (job.source.type !== 'elasticsearch-logs' || !(to > from)) return [];
    const rules = this.deps.rules();
    let state = this.jobs.get(job.id);
    if (!state) {
      state = {
        engine: new RuleEngine(rules),
        enricher: new Enricher({ geoip: this.deps.geoip ?? null }),
        newest: -Infinity,
      };
      this.jobs.set(job.id, state);
    } else state.engine.setRules(rules);
    const sample = await source.sample(job.source, from, to, true);
    const newest = state.newest;
    const messages = sample.messages
      .filter((m) => Number.isFinite(m.time) && m.time > newest && m.time < to)
      .sort((a, b) => a.time - b.time);
    const events: AnomalyEvent[] = [];
    const hits: RuleEvent[] = [];
    for (const m of messages) {
      const record = { time: m.time, message: m.message, ...(m.level !== undefined ? { level: m.level } : {}) };
      if (rules.length > 0) {
        state.engine.process(ruleLine({ ...record, fields: m.fields }, state.enricher));
        hits.push(...state.engine.takeFinished());
      }
      state.newest = m.time;
    }
    hits.push(...state.engine.takeFinished(), ...state.engine.closeIdle(to - 1));
    events.push(...hits);
    if (messages.length > 0) {
      const assigned = await source.templatesOf(
        job.source,
        messages.map((m) => m.message)
      );
      const lines = messages.map((m, i) => ({
        time: m.time,
        message: m.message,
        ...(m.level !== undefined ? { level: m.level } : {}),
        template: assigned[i],
      }));
      events.push(...logJobTemplateEvents(lines, await source.templates(job.source), from));
    }
    events.sort((a, b) => a.start - b.start || b.score - a.score);
    return events.map((e) => this.deps.redactor.deep(e));
  }

  /** Forget a job's windows (the job was deleted). */
  forget(jobId: string): void {
    this.jobs.delete(jobId);
  }
}
