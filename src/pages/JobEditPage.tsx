import React, { ChangeEvent, useEffect, useState } from 'react';
import { SelectableValue } from '@grafana/data';
import {
  Alert,
  Button,
  Field,
  FieldSet,
  Input,
  LoadingPlaceholder,
  MultiSelect,
  RadioButtonGroup,
  Select,
  Stack,
  useStyles2,
} from '@grafana/ui';

import type { EngineClient } from '../api';
import { ResultPreview } from '../components/ResultPreview';
import { SourceFields } from '../datasource/components/SourceFields';
import { getPageStyles } from '../components/styles';
import { KNOWN_DETECTORS } from '../constants';
import { validateQuery } from '../datasource/migrations';
import { formatValue, seriesName } from '../datasource/transforms';
import type { BacktestResponse, Job, JobKind, JobSpec, OutlierResult } from '../../pkg/contract';
import { canWrite } from '../roles';
import { specOf } from './DriftPage';
import { LifecycleFields } from './LifecycleFields';
import { OutlierFields } from './OutlierFields';
import { OptionalNumberInput } from './OptionalNumberInput';
import { jobPayload, kindOf, outlierProblem, withKind } from './jobKind';
import { DURATION, lifecycleState, maintenanceProblem } from './lifecycle';
import type { Route } from './routes';

export const NEW_JOB: JobSpec = {
  name: '',
  source: { type: 'prometheus', query: '' },
  detectors: [],
  interval: '5m',
  trainingWindow: '7d',
  mode: 'majority',
};

/** What is wrong with a job spec before saving or backtesting, or undefined. */
export function validateJobSpec(spec: JobSpec): string | undefined {
  if (!spec.name.trim()) return 'Give the job a name';
  const sourceProblem = validateQuery({ refId: 'job', queryType: 'detect', source: spec.source });
  if (sourceProblem) return sourceProblem;
  if (!DURATION.test(spec.interval ?? '1m')) return `Interval "${spec.interval}" is not a duration like 1m or 5m`;
  if (!DURATION.test(spec.trainingWindow ?? '7d'))
    return `Training window "${spec.trainingWindow}" is not a duration like 7d`;
  if (kindOf(spec) === 'outliers') {
    const p = outlierProblem(spec.outliers);
    if (p) return p;
  } else if (spec.threshold !== undefined && !(spec.threshold >= 0 && spec.threshold <= 100))
    return 'Threshold must be 0-100';
  if (spec.runbookUrl && !/^https?:\/\/\S+$/.test(spec.runbookUrl))
    return 'The runbook URL must start with http:// or https://';
  if (spec.panelId !== undefined && !(Number.isInteger(spec.panelId) && spec.panelId >= 0))
    return 'The panel id must be a whole number';
  if (spec.ingestDelay !== undefined && !DURATION.test(spec.ingestDelay))
    return `Ingest delay "${spec.ingestDelay}" is not a duration like 2m`;
  for (const [i, w] of (spec.maintenanceWindows ?? []).entries()) {
    const p = maintenanceProblem(w, i);
    if (p) return p;
  }
  return undefined;
}

const BACKTEST_RANGES: Array<SelectableValue<number>> = [
  { label: 'Last 24 hours', value: 86400000 },
  { label: 'Last 7 days', value: 7 * 86400000 },
  { label: 'Last 30 days', value: 30 * 86400000 },
];

const KINDS: Array<{ label: string; value: JobKind; description: string }> = [
  { label: 'Detection', value: 'anomaly', description: 'Each series against its own past: anomalies, band, forecast' },
  {
    label: 'Peer-group outliers',
    value: 'outliers',
    description: "The query's series against each other: which one behaves unlike its peers, and when",
  },
];

/**
 * Create or edit a job of either kind, with a backtest on history before saving: a detection job's events over the
 * range, or for a peer-group outliers job the series the group would flag (`POST /api/outliers`). `initial` prefills a
 * new job (the panel's "save this query as a job"). Fields a kind does not use are hidden and left out when saving.
 */
export function JobEditPage({
  client,
  go,
  id,
  initial,
}: {
  client: EngineClient;
  go: (r: Route) => void;
  id?: string;
  initial?: Partial<JobSpec>;
}) {
  const styles = useStyles2(getPageStyles);
  const [spec, setSpec] = useState<JobSpec | undefined>(id ? undefined : { ...NEW_JOB, ...initial });
  const [loadError, setLoadError] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [rangeMs, setRangeMs] = useState(86400000);
  const [backtest, setBacktest] = useState<{ res: BacktestResponse; from: number; to: number }>();
  const [preview, setPreview] = useState<{ res: OutlierResult; from: number; to: number }>();
  const [job, setJob] = useState<Job>();

  useEffect(() => {
    if (!id) return;
    client
      .get<Job>(`/api/jobs/${encodeURIComponent(id)}`)
      .then((j) => {
        setJob(j);
        // every field of the spec, so that saving keeps what this form does not show (e.g. forecast thresholds)
        setSpec(specOf(j));
      })
      .catch((e: Error) => setLoadError(e.message));
  }, [client, id]);

  if (loadError) return <Alert severity="error" title={loadError} />;
  if (!spec) return <LoadingPlaceholder text="Loading job…" />;
  const set = (patch: Partial<JobSpec>) => setSpec({ ...spec, ...patch });
  // a Viewer sees the job; Grafana refuses their writes (and the new-job page itself) for their role
  const writer = canWrite();
  const problem = validateJobSpec(spec);
  const state = job ? lifecycleState(job) : undefined;
  const outliers = kindOf(spec) === 'outliers';

  const runBacktest = async () => {
    setError(undefined);
    setBusy(true);
    const to = Date.now();
    const from = to - rangeMs;
    try {
      if (outliers) {
        // an outliers job has no backtest: the ad-hoc question over the range is what it would have flagged
        const { source, interval } = spec;
        const body = { source, interval, from, to, ...jobPayload(spec).outliers };
        setPreview({ res: await client.post<OutlierResult>('/api/outliers', body, 'Backtest'), from, to });
        setBacktest(undefined);
      } else {
        const res = await client.post<BacktestResponse>('/api/backtest', { ...jobPayload(spec), from, to }, 'Backtest');
        setBacktest({ res, from, to });
        setPreview(undefined);
      }
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const save = async () => {
    setError(undefined);
    setBusy(true);
    try {
      if (id)
        await client.request(
          { method: 'PUT', path: `/api/jobs/${encodeURIComponent(id)}`, data: jobPayload(spec) },
          'Save job'
        );
      else await client.post<Job>('/api/jobs', jobPayload(spec), 'Create job');
      go({ page: 'jobs' });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid="vigil-job-edit">
      {!writer && (
        <Alert severity="info" title="Read only" data-testid="vigil-read-only">
          Your role can see this job; an Editor can change it.
        </Alert>
      )}
      {state && (
        <Alert severity="info" title={`This job is ${state.text}`} data-testid="vigil-job-lifecycle">
          {state.title}
        </Alert>
      )}
      <fieldset disabled={!writer} className={styles.plain}>
        <FieldSet label={id ? `${writer ? 'Edit job' : 'Job'} ${spec.name}` : 'New job'}>
          <Field label="Name" required>
            <Input
              data-testid="vigil-job-name"
              width={40}
              value={spec.name}
              onChange={(e: ChangeEvent<HTMLInputElement>) => set({ name: e.currentTarget.value })}
            />
          </Field>
          <Field label="Kind" description={KINDS.find((k) => k.value === kindOf(spec))?.description}>
            <RadioButtonGroup<JobKind>
              options={KINDS.map(({ label, value }) => ({ label, value }))}
              value={kindOf(spec)}
              onChange={(k) => (setSpec(withKind(spec, k)), setBacktest(undefined), setPreview(undefined))}
            />
          </Field>
          <SourceFields
            layout="stacked"
            idPrefix="vigil-job"
            value={spec.source}
            onChange={(source) => set({ source })}
          />
          {outliers ? (
            <OutlierFields spec={spec} set={set} />
          ) : (
            <Field label="Detectors" description="Empty: the engine's default ensemble">
              <MultiSelect<string>
                inputId="vigil-job-detectors"
                width={60}
                options={KNOWN_DETECTORS}
                value={spec.detectors ?? []}
                onChange={(v) => set({ detectors: v.map((o) => o.value!).filter(Boolean) })}
              />
            </Field>
          )}
          <Stack gap={2}>
            <Field label="Interval" description="Run and bucket every">
              <Input
                data-testid="vigil-job-interval"
                width={12}
                value={spec.interval}
                onChange={(e: ChangeEvent<HTMLInputElement>) => set({ interval: e.currentTarget.value.trim() })}
              />
            </Field>
            <Field label="Training window" description={outliers ? 'Judged over its last day at most' : undefined}>
              <Input
                data-testid="vigil-job-training"
                width={12}
                value={spec.trainingWindow}
                onChange={(e: ChangeEvent<HTMLInputElement>) => set({ trainingWindow: e.currentTarget.value.trim() })}
              />
            </Field>
            {!outliers && (
              <>
                <Field label="Threshold" description="Minimum anomaly score (0-100); empty: default">
                  <OptionalNumberInput
                    data-testid="vigil-job-threshold"
                    width={12}
                    value={spec.threshold}
                    onChange={(threshold) => set({ threshold })}
                  />
                </Field>
                <Field label="Vote">
                  <RadioButtonGroup
                    options={[
                      { label: 'majority', value: 'majority' },
                      { label: 'any', value: 'any' },
                    ]}
                    value={spec.mode ?? 'majority'}
                    onChange={(m) => set({ mode: m as JobSpec['mode'] })}
                  />
                </Field>
              </>
            )}
          </Stack>
        </FieldSet>
        <FieldSet label="Incidents and notifications">
          <Field
            label="Criticality"
            description="How much this asset matters: it raises or lowers the severity and triage score of its incidents"
          >
            <RadioButtonGroup
              options={(['low', 'medium', 'high', 'critical'] as const).map((c) => ({ label: c, value: c }))}
              value={spec.criticality ?? 'medium'}
              onChange={(c) => set({ criticality: c as JobSpec['criticality'] })}
            />
          </Field>
          <Field label="Runbook URL" description="Repeated by every notification of its incidents">
            <Input
              data-testid="vigil-job-runbook"
              width={60}
              placeholder="https://runbooks.example.com/checkout"
              value={spec.runbookUrl ?? ''}
              onChange={(e: ChangeEvent<HTMLInputElement>) =>
                set({ runbookUrl: e.currentTarget.value.trim() || undefined })
              }
            />
          </Field>
          <Stack gap={2}>
            <Field label="Dashboard UID" description="Grafana annotations and links go to this dashboard">
              <Input
                data-testid="vigil-job-dashboard"
                width={24}
                value={spec.dashboardUid ?? ''}
                onChange={(e: ChangeEvent<HTMLInputElement>) =>
                  set({ dashboardUid: e.currentTarget.value.trim() || undefined })
                }
              />
            </Field>
            <Field label="Panel id" description="and this panel of it">
              <OptionalNumberInput
                data-testid="vigil-job-panel"
                width={12}
                value={spec.panelId}
                onChange={(panelId) => set({ panelId })}
              />
            </Field>
          </Stack>
        </FieldSet>
        <LifecycleFields spec={spec} set={set} />
      </fieldset>
      {problem && writer && <Alert severity="info" title={problem} data-testid="vigil-job-problem" />}
      {error && <Alert severity="error" title={error} data-testid="vigil-job-error" />}
      <div className={styles.toolbar}>
        <Select<number>
          width={20}
          options={BACKTEST_RANGES}
          value={rangeMs}
          onChange={(v) => setRangeMs(v.value!)}
          aria-label="Backtest range"
        />
        {writer && (
          <>
            <Button variant="secondary" icon="history" disabled={Boolean(problem) || busy} onClick={runBacktest}>
              Backtest
            </Button>
            <Button icon="save" disabled={Boolean(problem) || busy} onClick={save}>
              {id ? 'Save job' : 'Create job'}
            </Button>
          </>
        )}
        <Button variant="secondary" fill="text" onClick={() => go({ page: 'jobs' })}>
          {writer ? 'Cancel' : 'Back to jobs'}
        </Button>
      </div>
      {backtest && (
        <div className={styles.section} data-testid="vigil-backtest">
          <h4>
            Backtest: {backtest.res.count} {backtest.res.count === 1 ? 'anomaly' : 'anomalies'} in{' '}
            {backtest.res.series.length} series
          </h4>
          <ResultPreview
            series={backtest.res.series}
            events={backtest.res.events}
            from={backtest.from}
            to={backtest.to}
          />
          {backtest.res.events.length > 0 && (
            <table className={styles.table}>
              <thead>
                <tr>
                  <th>Start</th>
                  <th>Series</th>
                  <th>Severity</th>
                  <th>Score</th>
                  <th>Expected / actual</th>
                </tr>
              </thead>
              <tbody>
                {backtest.res.events.slice(0, 50).map((e, i) => (
                  <tr key={i}>
                    <td>{new Date(e.start).toISOString().replace('T', ' ').slice(0, 19)}</td>
                    <td>{seriesName(e.labels)}</td>
                    <td>{e.severity}</td>
                    <td>{Math.round(e.score)}</td>
                    <td>
                      {formatValue(e.expected)} / {formatValue(e.actual)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
      {preview && <OutlierPreview preview={preview} />}
    </div>
  );
}

/** What an outliers job would have flagged over the backtest range: each outlying series, its periods and score. */
function OutlierPreview({ preview }: { preview: { res: OutlierResult; from: number; to: number } }) {
  const styles = useStyles2(getPageStyles);
  const { res } = preview;
  const flagged = res.series.filter((s) => s.outlier).sort((a, b) => b.score - a.score);
  const time = (t: number) => new Date(t).toISOString().replace('T', ' ').slice(0, 16);
  return (
    <div className={styles.section} data-testid="vigil-outlier-preview">
      <h4>
        Backtest: {flagged.length} of {res.series.length} series unlike their peers ({res.algorithm.toUpperCase()},
        sensitivity {res.sensitivity})
      </h4>
      {res.warnings.map((w) => (
        <p key={w} className={styles.muted}>
          {w}
        </p>
      ))}
      {flagged.length > 0 && (
        <table className={styles.table}>
          <thead>
            <tr>
              <th>Series</th>
              <th>Outlying periods (UTC)</th>
              <th>Score</th>
            </tr>
          </thead>
          <tbody>
            {flagged.slice(0, 50).map((s) => (
              <tr key={seriesName(s.labels)}>
                <td>{seriesName(s.labels)}</td>
                <td>
                  {s.intervals
                    .slice(0, 5)
                    .map(
                      (iv) =>
                        `${time(iv.start)} to ${time(iv.end).slice(time(iv.end).startsWith(time(iv.start).slice(0, 10)) ? 11 : 0)}`
                    )
                    .join(', ')}
                  {s.intervals.length > 5 ? ` and ${s.intervals.length - 5} more` : ''}
                </td>
                <td>{Math.round(s.score)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
