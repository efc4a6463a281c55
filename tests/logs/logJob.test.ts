import path from 'node:path';
import { readLoghubStructured } from '../../pkg/bench/loghub/corpus';
import type { Job } from '../../pkg/contract/jobs';
import type { AnomalyEvent } from '../../pkg/contract/results';
import { LogJobEvents } from '../../pkg/logs/logJobs';
import { ElasticsearchLogSource } from '../../pkg/logs/logSource';
import { Redactor } from '../../pkg/logs/redact';
import type { ElasticsearchHttpClient, EsLogQuery, EsLogSample } from '../../pkg/sources/elasticsearch';
import { LOGHUB_DIR } from '../helpers/shared';

// BGL's 2k sample from loghub (Zhu et al., "Loghub: A Large Collection of System Log Datasets for AI-driven Log
// Analytics", ISSRE 2023) read by a log job in runs of six hours, as from an index: every alert line is in a fault
// event of its template, with example lines.

const HOUR = 3_600_000;

describe('a log job on BGL', () => {
  const rows = readLoghubStructured(path.join(LOGHUB_DIR, 'BGL', 'BGL_2k.log_structured.csv')).rows;
  const lines = rows.map((r) => ({
    time: Number(r.Timestamp) * 1000,
    message: r.Content,
    level: r.Level,
    alert: r.Label !== '-',
  }));
  const client = {
    info: async () => ({}),
    logMessages: async (q: EsLogQuery): Promise<EsLogSample> => {
      const messages = lines
        .filter((l) => l.time >= q.startMs && l.time < q.endMs)
        .map((l) => ({ time: l.time, message: l.message, level: l.level, fields: {} }));
      return { messages, total: messages.length, sampled: false };
    },
  } as unknown as ElasticsearchHttpClient;
  const job = {
    id: 'bgl',
    name: 'bgl',
    source: { type: 'elasticsearch-logs', index: 'bgl', timeField: '@timestamp', messageField: 'message' },
  } as unknown as Job;
  const source = new ElasticsearchLogSource('os', client, { redactor: new Redactor({}) });
  const logJobs = new LogJobEvents({ rules: () => [], redactor: new Redactor({}) });
  const events: (AnomalyEvent & { templateId?: string; examples?: { message: string }[] })[] = [];
  const templateOf = new Map<number, string>();

  beforeAll(async () => {
    const t0 = Math.floor(Math.min(...lines.map((l) => l.time)) / (6 * HOUR)) * 6 * HOUR;
    const t1 = Math.max(...lines.map((l) => l.time));
    for (let from = t0; from <= t1; from += 6 * HOUR) {
      // as the runner does: the source mines the span's messages (its count series), then the job's events
      await source.fetch(job.source, from, from + 6 * HOUR - 1, HOUR);
      events.push(...(await logJobs.run(job, source, from, from + 6 * HOUR)));
      // each line's template as the run saw it (later runs may refine templates)
      const inRun = lines.map((l, i) => i).filter((i) => lines[i].time >= from && lines[i].time < from + 6 * HOUR);
      const ids = await source.templatesOf(
        job.source,
        inRun.map((i) => lines[i].message)
      );
      inRun.forEach((i, k) => ids[k] && templateOf.set(i, ids[k].id));
    }
  });

  it('puts every alert line in a fault event of its template, with example lines', () => {
    const faults = events.filter((e) => e.detectors['log:fault'] !== undefined);
    const missed = lines.filter(
      (l, i) =>
        l.alert && !faults.some((e) => e.templateId === templateOf.get(i) && l.time >= e.start && l.time <= e.end)
    );
    expect(lines.filter((l) => l.alert)).toHaveLength(143);
    expect(missed).toEqual([]);
    expect(faults.every((e) => e.examples!.length >= 1 && e.examples!.length <= 5)).toBe(true);
    // most fault events hold an alert line (BGL's other error lines are node card status reports)
    const withAlert = faults.filter((e) =>
      lines.some((l, i) => l.alert && e.templateId === templateOf.get(i) && l.time >= e.start && l.time <= e.end)
    );
    expect(faults).toHaveLength(52);
    expect(withAlert).toHaveLength(43);
  });

  it('raises new-template events only after the first run', () => {
    const fresh = events.filter((e) => e.detectors['log:new-template'] !== undefined);
    expect(fresh.length).toBeGreaterThan(0);
    const first = Math.min(...lines.map((l) => l.time));
    expect(fresh.every((e) => e.start >= Math.floor(first / (6 * HOUR)) * 6 * HOUR + 6 * HOUR)).toBe(true);
  });
});
