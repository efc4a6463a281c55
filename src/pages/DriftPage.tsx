import React from 'react';
import { dateTimeFormatTimeAgo } from '@grafana/data';
import { Alert, LoadingPlaceholder, useStyles2 } from '@grafana/ui';

import type { EngineClient } from '../api';
import { getPageStyles } from '../components/styles';
import { useEngineData } from '../components/useEngine';
import { formatValue } from '../datasource/transforms';
import type { DriftList } from '../../pkg/contract';

/** Drift overview: every job's two-sample KS test of recent against reference data (drifting when p < 0.01). */
export function DriftPage({ client }: { client: EngineClient }) {
  const styles = useStyles2(getPageStyles);
  const { data, error, loading } = useEngineData(client, (c) => c.get<DriftList>('/api/drift'), []);
  const jobs = data
    ? [...data.jobs].sort((a, b) => Number(b.drifting) - Number(a.drifting) || a.name.localeCompare(b.name))
    : [];
  return (
    <div data-testid="vigil-drift-page">
      {error && <Alert severity="error" title={error} />}
      {loading && !data && <LoadingPlaceholder text="Loading drift status…" />}
      {data && (
        <p className={styles.muted}>
          {jobs.filter((j) => j.drifting).length} of {jobs.length} jobs drifting (Kolmogorov-Smirnov p-value below
          0.01).
        </p>
      )}
      {jobs.length > 0 && (
        <table className={styles.table} data-testid="vigil-drift-table">
          <thead>
            <tr>
              <th>Job</th>
              <th>State</th>
              <th>p-value</th>
              <th>KS statistic</th>
              <th>Checked</th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((j) => (
              <tr key={j.jobId}>
                <td>{j.name}</td>
                <td className={j.drifting ? styles.bad : styles.ok}>{j.drifting ? 'drifting' : 'ok'}</td>
                <td>{formatValue(j.pValue)}</td>
                <td>{formatValue(j.statistic)}</td>
                <td>{j.checkedAt ? dateTimeFormatTimeAgo(j.checkedAt) : 'not yet'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
