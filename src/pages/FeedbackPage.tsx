import React from 'react';
import { dateTimeFormat } from '@grafana/data';
import { Alert, LinkButton, LoadingPlaceholder, useStyles2 } from '@grafana/ui';

import type { EngineClient } from '../api';
import { getPageStyles } from '../components/styles';
import { useEngineData } from '../components/useEngine';
import { seriesName } from '../datasource/transforms';
import type { Feedback, Job } from '../../pkg/contract';
import { routeUrl } from './routes';

const VERDICT_TEXT: Record<string, string> = {
  false_positive: 'false positive',
  expected: 'expected',
  confirmed: 'confirmed',
};

const HOUR = 3_600_000;
const fmt = (t: number) => dateTimeFormat(t, { format: 'YYYY-MM-DD HH:mm' });

/**
 * Where to see a judged anomaly: the job's dashboard panel (`dashboardUid`, `panelId`) over the anomaly's time with an
 * hour either side, else the job itself in the app. Pure.
 */
export function feedbackLink(
  f: Pick<Feedback, 'jobId' | 'anomaly'>,
  job: Pick<Job, 'id' | 'dashboardUid' | 'panelId'> | undefined
): { href: string; text: string } | undefined {
  if (job?.dashboardUid && f.anomaly) {
    const q = new URLSearchParams({ from: String(f.anomaly.start - HOUR), to: String(f.anomaly.end + HOUR) });
    if (job.panelId !== undefined) q.set('viewPanel', String(job.panelId));
    return { href: `/d/${encodeURIComponent(job.dashboardUid)}?${q}`, text: 'Open panel' };
  }
  return job ? { href: routeUrl({ page: 'job-edit', id: job.id }), text: 'Open job' } : undefined;
}

/**
 * Feedback history: every verdict users gave, newest first, with the anomaly judged (its time, series, severity and
 * score), the job it tuned and a link to the job's panel at that time.
 */
export function FeedbackPage({ client }: { client: EngineClient }) {
  const styles = useStyles2(getPageStyles);
  const { data, error, loading } = useEngineData(
    client,
    async (c) => {
      const [fb, jobs] = await Promise.all([
        c.get<{ feedback: Feedback[] }>('/api/feedback'),
        c.get<{ jobs: Job[] }>('/api/jobs').catch(() => ({ jobs: [] as Job[] })),
      ]);
      return {
        feedback: [...fb.feedback].sort((a, b) => b.at - a.at),
        jobs: new Map(jobs.jobs.map((j) => [j.id, j])),
      };
    },
    []
  );
  return (
    <div data-testid="vigil-feedback-page">
      {error && <Alert severity="error" title={error} />}
      {loading && !data && <LoadingPlaceholder text="Loading feedback…" />}
      {data && data.feedback.length === 0 && (
        <p className={styles.muted}>
          No feedback yet: confirm anomalies or mark them as false positive or expected from the Vigil panel.
        </p>
      )}
      {data && data.feedback.length > 0 && (
        <table className={styles.table} data-testid="vigil-feedback-table">
          <thead>
            <tr>
              <th>Anomaly</th>
              <th>Series</th>
              <th>Job</th>
              <th>Verdict</th>
              <th>Given</th>
              <th>Comment</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {data.feedback.map((f) => {
              const job = data.jobs.get(f.jobId);
              const link = feedbackLink(f, job);
              return (
                <tr key={f.id} data-anomaly-id={f.anomalyId}>
                  <td data-testid="vigil-feedback-anomaly">
                    {f.anomaly ? (
                      <>
                        {fmt(f.anomaly.start)}
                        {f.anomaly.end > f.anomaly.start ? ` to ${fmt(f.anomaly.end)}` : ''}{' '}
                        <span className={styles.muted}>
                          {f.anomaly.severity}, score {Math.round(f.anomaly.score)}
                        </span>
                      </>
                    ) : (
                      <span className={styles.muted} title={f.anomalyId}>
                        no longer stored
                      </span>
                    )}
                  </td>
                  <td data-testid="vigil-feedback-series">{f.anomaly ? seriesName(f.anomaly.labels) : ''}</td>
                  <td>{job?.name ?? f.jobId}</td>
                  <td>{VERDICT_TEXT[f.verdict] ?? f.verdict}</td>
                  <td className={styles.muted}>{dateTimeFormat(f.at, { format: 'YYYY-MM-DD HH:mm:ss' })}</td>
                  <td>{f.comment ?? ''}</td>
                  <td>
                    {link && (
                      <LinkButton
                        href={link.href}
                        size="sm"
                        variant="secondary"
                        fill="text"
                        icon="external-link-alt"
                        data-testid="vigil-feedback-link"
                      >
                        {link.text}
                      </LinkButton>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
