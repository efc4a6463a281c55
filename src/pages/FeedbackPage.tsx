import React from 'react';
import { dateTimeFormat } from '@grafana/data';
import { Alert, LoadingPlaceholder, useStyles2 } from '@grafana/ui';

import type { EngineClient } from '../api';
import { getPageStyles } from '../components/styles';
import { useEngineData } from '../components/useEngine';
import type { Feedback, Job } from '../../pkg/contract';

const VERDICT_TEXT: Record<string, string> = {
  false_positive: 'false positive',
  expected: 'expected',
  confirmed: 'confirmed',
};

/** Feedback history: every verdict users gave, newest first, with the job it tuned. */
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
        jobs: new Map(jobs.jobs.map((j) => [j.id, j.name])),
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
          No feedback yet: mark anomalies as false positive or expected from the Vigil panel.
        </p>
      )}
      {data && data.feedback.length > 0 && (
        <table className={styles.table} data-testid="vigil-feedback-table">
          <thead>
            <tr>
              <th>When</th>
              <th>FeedbackVerdict</th>
              <th>Job</th>
              <th>Anomaly</th>
              <th>Comment</th>
            </tr>
          </thead>
          <tbody>
            {data.feedback.map((f) => (
              <tr key={f.id}>
                <td>{dateTimeFormat(f.at, { format: 'YYYY-MM-DD HH:mm:ss' })}</td>
                <td>{VERDICT_TEXT[f.verdict] ?? f.verdict}</td>
                <td>{(f.jobId && data.jobs.get(f.jobId)) ?? f.jobId ?? ''}</td>
                <td className={styles.muted}>{f.anomalyId}</td>
                <td>{f.comment ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
