/**
 * Template events of a log job's run: the lines of each template in the run's span that report a fault
 * (`severity.ts`, as `detectLogAnomalies` judges a line), and templates first seen in the span, once the job's
 * miner has history from before it. One event per template and run (`recordAnomaly` joins it with the same
 * template's event of the run before when they touch), with up to five example lines. The count of each
 * template per interval is judged by the job's ensemble as a series; these are the signals a count cannot show.
 *
 * Pure: no clock, no I/O; lines and templates come in, events go out (not yet redacted).
 */

import { severityOf } from '../contract/rules';
import type { AnomalyEvent } from '../contract/results';
import { maskMessage } from './masking';
import type { TemplateInfo } from './miner';
import { lineSeverity } from './severity';

/** The score of a template first seen in a run, without a fault line: minor, as in `detectLogAnomalies`. */
export const NEW_TEMPLATE_SCORE = 40;

/** A line of a run, with the template the job's miner gave it (null when it has none). */
export interface TemplatedLine {
  /** epoch ms */
  time: number;
  message: string;
  level?: string;
  template: { id: string; template: string } | null;
}

/** A template event of a log job (see the module docs). */
export interface LogJobTemplateEvent extends AnomalyEvent {
  kind: 'template';
  templateId: string;
  template: string;
  /** lines of the template in the event */
  count: number;
  examples: { time: number; message: string }[];
}

/**
 * The template events of a run over [from, ...).
 *
 * @param lines the run's lines, any order (not mutated)
 * @param templates every template of the job's miner (with first-seen times), after it mined the run's lines
 * @param from epoch ms, start of the run's span: a template is new when first seen at or after it while another
 *   template was seen before it (on a job's first run nothing is new)
 * @param examples example lines per event (default 5)
 * @returns events in start order
 */
export function logJobTemplateEvents(
  lines: readonly TemplatedLine[],
  templates: readonly TemplateInfo[],
  from: number,
  examples = 5
): LogJobTemplateEvent[] {
  const history = templates.some((t) => t.firstSeen !== undefined && t.firstSeen < from);
  const isNew = new Set(
    history ? templates.filter((t) => t.firstSeen !== undefined && t.firstSeen >= from).map((t) => t.id) : []
  );
  const byTemplate = new Map<string, { template: string; lines: TemplatedLine[] }>();
  for (const l of lines) {
    if (!l.template || !Number.isFinite(l.time)) continue;
    const g = byTemplate.get(l.template.id) ?? { template: l.template.template, lines: [] };
    g.lines.push(l);
    byTemplate.set(l.template.id, g);
  }
  const events: LogJobTemplateEvent[] = [];
  for (const [id, g] of byTemplate) {
    const sorted = [...g.lines].sort((a, b) => a.time - b.time);
    const judged = sorted.map((l) => ({ l, s: lineSeverity(maskMessage(l.message), l.level) }));
    const faults = judged.filter((x) => x.s.fault);
    const fresh = isNew.has(id);
    if (faults.length === 0 && !fresh) continue;
    const faultScore = faults.reduce((m, x) => Math.max(m, x.s.score), 0);
    const detectors: Record<string, number> = {};
    if (faults.length) detectors['log:fault'] = faultScore;
    if (fresh) detectors['log:new-template'] = NEW_TEMPLATE_SCORE;
    const score = Math.max(faultScore, fresh ? NEW_TEMPLATE_SCORE : 0);
    const shown = faults.length ? faults.map((x) => x.l) : sorted;
    const peak = faults.length ? faults.reduce((p, x) => (x.s.score > p.s.score ? x : p)).l.time : sorted[0].time;
    const parts: string[] = [];
    if (faults.length) {
      const levels = [...new Set(faults.map((x) => x.l.level).filter(Boolean))];
      parts.push(
        `${faults.length} ${faults.length === 1 ? 'reports' : 'report'} a fault` +
          (levels.length ? ` (level ${levels.join(', ')})` : '')
      );
    }
    if (fresh) parts.push('the template was never seen before');
    events.push({
      kind: 'template',
      templateId: id,
      template: g.template,
      start: sorted[0].time,
      end: sorted[sorted.length - 1].time,
      labels: { __name__: 'log_template_events', template_id: id },
      severity: severityOf(score),
      score,
      peak,
      detectors,
      expected: 0,
      actual: faults.length || sorted.length,
      direction: 'above',
      confidence: 1,
      explanation: `${sorted.length} line${sorted.length === 1 ? '' : 's'} of template ${id} "${g.template}": ${parts.join('; ')}`,
      count: sorted.length,
      examples: shown.slice(0, examples).map((l) => ({ time: l.time, message: l.message })),
    });
  }
  return events.sort((a, b) => a.start - b.start || b.score - a.score);
}
