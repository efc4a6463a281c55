import React, { ChangeEvent, useEffect, useMemo, useState } from 'react';
import { QueryEditorProps, SelectableValue } from '@grafana/data';
import {
  Alert,
  InlineField,
  InlineFieldRow,
  Input,
  LinkButton,
  MultiSelect,
  RadioButtonGroup,
  Select,
} from '@grafana/ui';

import { DEFAULT_HORIZON, KNOWN_DETECTORS } from '../../constants';
import type { QueryType, VigilDataSourceOptions, VigilQuery } from '../../types';
import type { ForecastMethod, Job, OutlierAlgorithm, SourceQuery } from '../../../pkg/contract';
import { defaultSource, SourceFields } from './SourceFields';
import type { VigilDataSource } from '../datasource';
import { migrateQuery, validateQuery } from '../migrations';
import { canWrite } from '../../roles';
import { jobSpecFromQuery, newJobUrl } from '../../saveAsJob';

export type VigilQueryEditorProps = QueryEditorProps<VigilDataSource, VigilQuery, VigilDataSourceOptions>;

const QUERY_TYPES: Array<SelectableValue<QueryType>> = [
  { label: 'Detect', value: 'detect' },
  { label: 'Job results', value: 'job' },
  { label: 'Forecast', value: 'forecast' },
  { label: 'Peer outliers', value: 'outliers' },
  { label: 'Drift', value: 'drift' },
  { label: 'Log anomalies', value: 'logs' },
  { label: 'Log templates', value: 'templates' },
];
const METHODS: Array<SelectableValue<ForecastMethod>> = [
  { label: 'Prophet', value: 'prophet' },
  { label: 'ETS', value: 'ets' },
  { label: 'MSTL', value: 'mstl' },
];
const ALGORITHMS: Array<SelectableValue<OutlierAlgorithm>> = [
  { label: 'DBSCAN', value: 'dbscan', description: 'series that move together (trends, daily rhythms)' },
  { label: 'MAD', value: 'mad', description: 'series that stay within a stable band' },
];
const SENSITIVITY: Array<SelectableValue<number>> = Array.from({ length: 10 }, (_, i) => ({
  label: String(i + 1),
  value: i + 1,
  description: i + 1 <= 3 ? 'only strong anomalies' : i + 1 >= 8 ? 'flags more' : undefined,
}));

/**
 * The query editor: query type, then the source (PromQL, or index/time field/metric/filter/split for
 * Elasticsearch), detectors and sensitivity; a job picker for job results and drift; horizon and method
 * for forecasts. Text fields run the query on blur, pickers at once. An Editor can save an ad-hoc Detect or Peer
 * outliers query as a job (a detection or an outliers job), through the app's new-job page filled in from the query.
 */
export function QueryEditor({ query: raw, onChange, onRunQuery, datasource }: VigilQueryEditorProps) {
  const query = useMemo(() => migrateQuery(raw), [raw]);
  const [jobs, setJobs] = useState<Job[] | undefined>();
  const [jobsError, setJobsError] = useState<string | undefined>();
  const type = query.queryType ?? 'detect';
  const needsJobs = type === 'job' || type === 'drift' || type === 'outliers';

  useEffect(() => {
    if (!needsJobs || jobs) return;
    let live = true;
    datasource
      .listJobs()
      .then((r) => live && setJobs(r.jobs))
      .catch((e: Error) => live && setJobsError(e.message));
    return () => {
      live = false;
    };
  }, [needsJobs, jobs, datasource]);

  const change = (patch: Partial<VigilQuery>, run = false) => {
    onChange({ ...query, ...patch });
    if (run) onRunQuery();
  };
  const setSource = (source: SourceQuery, run = false) => change({ source }, run);
  const problem = validateQuery(query);
  const asJob = !problem && canWrite() ? jobSpecFromQuery(query) : undefined;

  const jobOptions: Array<SelectableValue<string>> = (jobs ?? [])
    .filter((j) => type !== 'outliers' || j.kind === 'outliers')
    .map((j) => ({
      label: j.name,
      value: j.id,
      description: j.enabled ? undefined : 'disabled',
    }));

  return (
    <div data-testid="vigil-query-editor">
      <InlineFieldRow>
        <InlineField
          label="Query type"
          labelWidth={16}
          tooltip="Detect: ad-hoc detection over the dashboard range. Job results: a saved job's results and anomalies. Forecast: past the end of the range. Peer outliers: which series of the query behave unlike the others. Drift: drift status of jobs. Log anomalies: faults, new templates, template bursts and rule hits in the log messages of an index, with example lines. Log templates: the templates mined from an index."
        >
          <RadioButtonGroup<QueryType>
            options={QUERY_TYPES}
            value={type}
            onChange={(v) =>
              change(
                {
                  queryType: v,
                  ...(v === 'forecast' && !query.horizon ? { horizon: DEFAULT_HORIZON } : {}),
                  // Grafana's outlier detectors default to the middle sensitivity (0.5)
                  ...(v === 'outliers' && type !== 'outliers' ? { sensitivity: 5 } : {}),
                  ...((v === 'logs' || v === 'templates') && query.source?.type !== 'elasticsearch-logs'
                    ? { source: defaultSource('elasticsearch-logs') }
                    : {}),
                },
                true
              )
            }
          />
        </InlineField>
      </InlineFieldRow>

      {(type === 'detect' || type === 'forecast' || (type === 'outliers' && !query.jobId)) && (
        <SourceFields
          layout="inline"
          idPrefix="vigil"
          value={query.source}
          onChange={setSource}
          onBlur={() => onRunQuery()}
        />
      )}

      {(type === 'logs' || type === 'templates') && (
        <SourceFields
          layout="inline"
          idPrefix="vigil"
          types={['elasticsearch-logs']}
          value={query.source}
          onChange={setSource}
          onBlur={() => onRunQuery()}
        />
      )}

      {type === 'detect' && (
        <InlineFieldRow>
          <InlineField label="Detectors" labelWidth={16} tooltip="Empty: the engine's default ensemble">
            <MultiSelect<string>
              inputId="vigil-detectors"
              width={48}
              placeholder="default ensemble"
              options={KNOWN_DETECTORS}
              value={query.detectors ?? []}
              onChange={(v) => change({ detectors: v.map((o) => o.value!).filter(Boolean) }, true)}
            />
          </InlineField>
          <InlineField
            label="Sensitivity"
            labelWidth={12}
            tooltip="1 flags only the strongest anomalies, 10 flags more"
          >
            <Select<number>
              inputId="vigil-sensitivity"
              width={10}
              options={SENSITIVITY}
              value={query.sensitivity}
              onChange={(v) => change({ sensitivity: v.value }, true)}
            />
          </InlineField>
          <InlineField label="Vote" labelWidth={8}>
            <RadioButtonGroup
              options={[
                { label: 'majority', value: 'majority' },
                { label: 'any', value: 'any' },
              ]}
              value={query.mode ?? 'majority'}
              onChange={(v) => change({ mode: v as VigilQuery['mode'] }, true)}
            />
          </InlineField>
        </InlineFieldRow>
      )}

      {type === 'outliers' && !query.jobId && (
        <InlineFieldRow>
          <InlineField
            label="Algorithm"
            labelWidth={16}
            tooltip="DBSCAN: at each time, the series outside the cluster holding most of the group. MAD: values far from the group's median in median absolute deviations."
          >
            <RadioButtonGroup<OutlierAlgorithm>
              options={ALGORITHMS}
              value={query.algorithm ?? 'dbscan'}
              onChange={(v) => change({ algorithm: v }, true)}
            />
          </InlineField>
          <InlineField label="Sensitivity" labelWidth={12} tooltip="1 flags only gross outliers, 10 flags more">
            <Select<number>
              inputId="vigil-outlier-sensitivity"
              width={10}
              options={SENSITIVITY}
              value={query.sensitivity}
              onChange={(v) => change({ sensitivity: v.value }, true)}
            />
          </InlineField>
          <InlineField
            label="Min duration"
            labelWidth={14}
            tooltip="Consecutive outlying points before a series counts as an outlier (default 3)"
          >
            <Input
              data-testid="vigil-min-duration"
              type="number"
              width={8}
              placeholder="3"
              value={query.minDuration ?? ''}
              onChange={(e: ChangeEvent<HTMLInputElement>) =>
                change({ minDuration: e.currentTarget.value ? Number(e.currentTarget.value) : undefined })
              }
              onBlur={() => onRunQuery()}
            />
          </InlineField>
        </InlineFieldRow>
      )}

      {type === 'forecast' && (
        <InlineFieldRow>
          <InlineField label="Horizon" labelWidth={16} tooltip="Points to forecast past the end of the range">
            <Input
              data-testid="vigil-horizon"
              type="number"
              width={10}
              value={query.horizon ?? DEFAULT_HORIZON}
              onChange={(e: ChangeEvent<HTMLInputElement>) => change({ horizon: Number(e.currentTarget.value) })}
              onBlur={() => onRunQuery()}
            />
          </InlineField>
          <InlineField label="Method" labelWidth={10}>
            <Select<ForecastMethod>
              inputId="vigil-forecast-method"
              width={14}
              options={METHODS}
              value={query.method}
              placeholder="engine default"
              onChange={(v) => change({ method: v.value }, true)}
            />
          </InlineField>
        </InlineFieldRow>
      )}

      {needsJobs && (
        <InlineFieldRow>
          <InlineField
            label="Job"
            labelWidth={16}
            invalid={Boolean(jobsError)}
            error={jobsError}
            tooltip={
              type === 'drift'
                ? 'Empty: every job'
                : type === 'outliers'
                  ? 'An outliers job whose stored results to show; empty: judge the source query now'
                  : undefined
            }
          >
            <Select<string>
              inputId="vigil-job"
              width={36}
              isClearable={type === 'drift' || type === 'outliers'}
              isLoading={!jobs && !jobsError}
              options={jobOptions}
              value={query.jobId ?? null}
              allowCustomValue
              placeholder={type === 'drift' ? 'all jobs' : type === 'outliers' ? 'none (ad hoc)' : 'choose a job'}
              onChange={(v) => change({ jobId: v?.value || undefined }, true)}
            />
          </InlineField>
        </InlineFieldRow>
      )}

      {(type === 'detect' || type === 'forecast' || type === 'outliers' || type === 'job' || type === 'logs') && (
        <InlineFieldRow>
          <InlineField label="Interval" labelWidth={16} tooltip="Bucket width, e.g. 5m; empty: the dashboard's">
            <Input
              data-testid="vigil-interval"
              width={12}
              placeholder="auto"
              value={query.interval ?? ''}
              onChange={(e: ChangeEvent<HTMLInputElement>) => change({ interval: e.currentTarget.value || undefined })}
              onBlur={() => onRunQuery()}
            />
          </InlineField>
        </InlineFieldRow>
      )}

      {problem && <Alert severity="info" title={problem} data-testid="vigil-query-problem" />}
      {asJob && (
        <LinkButton
          size="sm"
          variant="secondary"
          fill="text"
          icon="plus"
          href={newJobUrl(asJob)}
          data-testid="vigil-query-save-as-job"
          tooltip="Run this query on a schedule: stored results, feedback, alert rules and incidents"
        >
          Save as job
        </LinkButton>
      )}
    </div>
  );
}
