import React, { ChangeEvent, ReactElement, useEffect, useState } from 'react';
import { SelectableValue } from '@grafana/data';
import { Field, InlineField, InlineFieldRow, Input, RadioButtonGroup, Select, Stack } from '@grafana/ui';

import type {
  ElasticsearchLogQuery,
  ElasticsearchQuery,
  EsMetricType,
  FileQuery,
  SourceQuery,
} from '../../../pkg/contract';
import { ES_METRIC_TYPES, parseNameList } from '../../../pkg/contract/rules';

const SOURCE_TYPES: Array<SelectableValue<SourceQuery['type']>> = [
  { label: 'Prometheus', value: 'prometheus' },
  { label: 'Elasticsearch', value: 'elasticsearch' },
  { label: 'Elasticsearch logs', value: 'elasticsearch-logs' },
  { label: 'File', value: 'file' },
];
const ALL_TYPES = SOURCE_TYPES.map((o) => o.value!);
const ES_METRICS: Array<SelectableValue<EsMetricType>> = ES_METRIC_TYPES.map((m) => ({ label: m, value: m }));

/** The empty source of each type: what a form shows when the user switches to that type. */
export function defaultSource(type: SourceQuery['type']): SourceQuery {
  switch (type) {
    case 'elasticsearch':
      return { type: 'elasticsearch', index: '', timeField: '@timestamp', metric: { type: 'count' } };
    case 'elasticsearch-logs':
      return { type: 'elasticsearch-logs', index: '', timeField: '@timestamp', messageField: 'message' };
    case 'file':
      return { type: 'file', path: '' };
    default:
      return { type: 'prometheus', query: '' };
  }
}

export interface SourceFieldsProps {
  /** the source being edited (undefined: a new query, shown as an empty source of the first type offered) */
  value: SourceQuery | undefined;
  /** a new source; `run` is true when the change is complete at once (a picker), so a query editor runs it */
  onChange: (source: SourceQuery, run?: boolean) => void;
  /** a text field lost focus (the query editor runs the query then) */
  onBlur?: () => void;
  /** the source types offered (default all four); with one, no type switch is shown */
  types?: Array<SourceQuery['type']>;
  /** `inline`: rows of inline fields (the query editor); `stacked`: labelled fields with descriptions (pages) */
  layout: 'inline' | 'stacked';
  /** prefix of the fields' `data-testid` and input ids, e.g. `vigil` -> `vigil-promql`, `vigil-es-metric` */
  idPrefix: string;
}

type Layout = SourceFieldsProps['layout'];

/** A row of fields: inline, or wrapping side by side. */
function Row({ layout, children }: { layout: Layout; children: React.ReactNode }) {
  return layout === 'inline' ? (
    <InlineFieldRow>{children}</InlineFieldRow>
  ) : (
    <Stack gap={2} wrap="wrap">
      {children}
    </Stack>
  );
}

/** One labelled field; `help` is the inline field's tooltip or the stacked field's description. */
function Item(props: {
  layout: Layout;
  label: string;
  help?: string;
  labelWidth?: number;
  grow?: boolean;
  children: ReactElement;
}) {
  const { layout, label, help, labelWidth = 16, grow, children } = props;
  return layout === 'inline' ? (
    <InlineField label={label} labelWidth={labelWidth} tooltip={help} grow={grow}>
      {children}
    </InlineField>
  ) : (
    <Field label={label} description={help}>
      {children}
    </Field>
  );
}

/** The label fields a text names (`parseNameList`), or undefined when it names none (the field is then omitted). */
function parseFieldList(text: string): string[] | undefined {
  const names = parseNameList(text);
  return names.length ? names : undefined;
}

const sameList = (a: string[] | undefined, b: string[] | undefined) =>
  (a ?? []).join('\u0000') === (b ?? []).join('\u0000');

/**
 * A file source's fields: the path, and which columns hold the values, the labels that tell series apart and the
 * time. Editing one keeps the others (a job saved from a query over `host`-labelled rows keeps its label fields when
 * its path is edited). The label list is edited as text and read as names at each keystroke, so a comma being typed
 * stays on screen.
 */
function FileFields(props: {
  value: FileQuery;
  onChange: (source: SourceQuery) => void;
  onBlur?: () => void;
  layout: Layout;
  idPrefix: string;
}) {
  const { value, onChange, onBlur, layout, idPrefix: p } = props;
  const [labelsText, setLabelsText] = useState(value.labelFields?.join(', ') ?? '');
  // a source changed from outside the form (another query, an imported job) shows its own list
  useEffect(() => {
    setLabelsText((text) =>
      sameList(parseFieldList(text), value.labelFields) ? text : (value.labelFields ?? []).join(', ')
    );
  }, [value.labelFields]);
  const optional = (id: string, key: 'timeField' | 'valueField') => ({
    'data-testid': `${p}-${id}`,
    value: value[key] ?? '',
    onChange: (e: ChangeEvent<HTMLInputElement>) => onChange({ ...value, [key]: e.currentTarget.value || undefined }),
    onBlur,
  });
  return (
    <>
      <Row layout={layout}>
        <Item layout={layout} label="File" grow help="CSV or NDJSON under the engine's file source root">
          <Input
            placeholder="metrics/requests.csv"
            data-testid={`${p}-file`}
            value={value.path}
            onChange={(e: ChangeEvent<HTMLInputElement>) => onChange({ ...value, path: e.currentTarget.value })}
            onBlur={onBlur}
          />
        </Item>
      </Row>
      <Row layout={layout}>
        <Item layout={layout} label="Value field" help="The values' column; empty: value, or each numeric column">
          <Input width={16} placeholder="value" {...optional('file-valuefield', 'valueField')} />
        </Item>
        <Item
          layout={layout}
          label="Label fields"
          labelWidth={14}
          help="Columns that tell series apart, e.g. host, region"
        >
          <Input
            width={20}
            placeholder="host"
            data-testid={`${p}-file-labelfields`}
            value={labelsText}
            onChange={(e: ChangeEvent<HTMLInputElement>) => {
              const text = e.currentTarget.value;
              setLabelsText(text);
              const labelFields = parseFieldList(text);
              if (!sameList(labelFields, value.labelFields)) onChange({ ...value, labelFields });
            }}
            onBlur={onBlur}
          />
        </Item>
        <Item layout={layout} label="Time field" labelWidth={14} help="Empty: timestamp, time, ts, date or @timestamp">
          <Input width={16} placeholder="timestamp" {...optional('file-timefield', 'timeField')} />
        </Item>
      </Row>
    </>
  );
}

/**
 * The form of a source query (Prometheus, Elasticsearch metric, the log messages of an index, or a file), used by
 * the data source's query editor and the app's job editor: the same fields, defaults and test ids, laid out as
 * inline rows or as stacked fields.
 */
export function SourceFields({ value, onChange, onBlur, types = ALL_TYPES, layout, idPrefix: p }: SourceFieldsProps) {
  const type = value && types.includes(value.type) ? value.type : types[0];
  const es = (value?.type === 'elasticsearch' ? value : defaultSource('elasticsearch')) as ElasticsearchQuery;
  const logs = (
    value?.type === 'elasticsearch-logs' ? value : defaultSource('elasticsearch-logs')
  ) as ElasticsearchLogQuery;
  /** props of a text input editing `read()` through `write(text)`, with its test id */
  const text = (id: string, read: string | undefined, write: (text: string) => SourceQuery) => ({
    'data-testid': `${p}-${id}`,
    value: read ?? '',
    onChange: (e: ChangeEvent<HTMLInputElement>) => onChange(write(e.currentTarget.value)),
    onBlur,
  });
  const logText = (key: 'index' | 'timeField' | 'messageField' | 'levelField' | 'filter', optional = false) =>
    text(`logs-${key.toLowerCase()}`, logs[key], (t) => ({ ...logs, [key]: optional ? t || undefined : t }));

  return (
    <>
      {types.length > 1 && (
        <Row layout={layout}>
          <Item layout={layout} label="Source" help="File: CSV or NDJSON read by the engine's file source">
            <RadioButtonGroup<SourceQuery['type']>
              options={SOURCE_TYPES.filter((o) => types.includes(o.value!))}
              value={type}
              onChange={(t) =>
                onChange(t === 'elasticsearch' ? es : t === 'elasticsearch-logs' ? logs : defaultSource(t))
              }
            />
          </Item>
        </Row>
      )}
      {type === 'elasticsearch-logs' ? (
        <>
          <Row layout={layout}>
            <Item
              layout={layout}
              label="Index"
              help="Each mined log template becomes a series of its lines per interval"
            >
              <Input width={24} placeholder="logs-*" {...logText('index')} />
            </Item>
            <Item layout={layout} label="Time field" labelWidth={14}>
              <Input width={20} {...logText('timeField')} />
            </Item>
          </Row>
          <Row layout={layout}>
            <Item layout={layout} label="Message field" help="The field holding the log message">
              <Input width={24} {...logText('messageField')} />
            </Item>
            <Item layout={layout} label="Level field" labelWidth={14} help="Optional: the field holding the level">
              <Input width={20} placeholder="log.level" {...logText('levelField', true)} />
            </Item>
          </Row>
          <Row layout={layout}>
            <Item layout={layout} label="Filter" grow help="Lucene query string, e.g. service:api">
              <Input width={layout === 'inline' ? undefined : 30} {...logText('filter', true)} />
            </Item>
          </Row>
        </>
      ) : type === 'file' ? (
        <FileFields
          value={value?.type === 'file' ? value : { type: 'file', path: '' }}
          onChange={onChange}
          onBlur={onBlur}
          layout={layout}
          idPrefix={p}
        />
      ) : type === 'prometheus' ? (
        <Row layout={layout}>
          <Item layout={layout} label="PromQL" grow help="Each series the query returns is scored separately">
            <Input
              placeholder="sum(rate(http_requests_total[5m]))"
              {...text('promql', value?.type === 'prometheus' ? value.query : '', (query) => ({
                type: 'prometheus',
                query,
              }))}
            />
          </Item>
        </Row>
      ) : (
        <>
          <Row layout={layout}>
            <Item layout={layout} label="Index">
              <Input
                width={24}
                placeholder="weblogs-*"
                {...text('es-index', es.index, (index) => ({ ...es, index }))}
              />
            </Item>
            <Item layout={layout} label="Time field" labelWidth={12}>
              <Input width={20} {...text('es-timefield', es.timeField, (timeField) => ({ ...es, timeField }))} />
            </Item>
          </Row>
          <Row layout={layout}>
            <Item layout={layout} label="Metric">
              <Select<EsMetricType>
                inputId={`${p}-es-metric`}
                width={18}
                options={ES_METRICS}
                value={es.metric.type}
                onChange={(v) => onChange({ ...es, metric: { ...es.metric, type: v.value! } }, true)}
              />
            </Item>
            {es.metric.type !== 'count' && es.metric.type !== 'error_rate' && (
              <Item layout={layout} label="Field" labelWidth={8}>
                <Input
                  width={20}
                  {...text('es-field', es.metric.field, (field) => ({
                    ...es,
                    metric: { ...es.metric, field: field || undefined },
                  }))}
                />
              </Item>
            )}
            {es.metric.type === 'percentile' && (
              <Item layout={layout} label="Percentile" labelWidth={12}>
                <Input
                  type="number"
                  width={10}
                  {...text('es-percentile', String(es.metric.percentile ?? 95), (percentile) => ({
                    ...es,
                    metric: { ...es.metric, percentile: Number(percentile) },
                  }))}
                />
              </Item>
            )}
          </Row>
          <Row layout={layout}>
            <Item layout={layout} label="Filter" grow help="Lucene query string, e.g. status:>=500">
              <Input
                width={layout === 'inline' ? undefined : 30}
                {...text('es-filter', es.filter, (filter) => ({ ...es, filter: filter || undefined }))}
              />
            </Item>
            <Item layout={layout} label="Split by" labelWidth={12} help="A keyword field: one series per value">
              <Input
                width={20}
                {...text('es-split', es.splitBy, (splitBy) => ({ ...es, splitBy: splitBy || undefined }))}
              />
            </Item>
          </Row>
        </>
      )}
    </>
  );
}
