import React, { useCallback, useMemo, useState } from 'react';
import { css } from '@emotion/css';
import { DataFrame, dateTimeFormat, GrafanaTheme2, LoadingState, PanelProps } from '@grafana/data';
import { PanelDataErrorView } from '@grafana/runtime';
import { Button, Icon, IconButton, useStyles2, useTheme2 } from '@grafana/ui';

import { engineForDataSource } from '../api';
import { DATASOURCE_ID } from '../constants';
import {
  frameKind,
  frameToColumns,
  frameToDrift,
  frameToEvents,
  formatValue,
  MarkerEvent,
  SeriesColumns,
} from '../datasource/transforms';
import type { FeedbackVerdict } from '../../pkg/contract';
import {
  bandPath,
  linePath,
  markerGeometry,
  MarkerGeometry,
  project,
  Scale,
  timeTicks,
  ticks,
  xDomain,
  yDomain,
} from './chart';
import { migrateOptions, VigilPanelOptions } from './options';

const MARGIN = { top: 8, right: 12, bottom: 22, left: 48 };

interface Parsed {
  series: SeriesColumns[];
  forecasts: SeriesColumns[];
  events: MarkerEvent[];
  drift: Array<{ job: string; drifting: boolean; pValue: number }>;
}

/** Split the panel's frames (series and annotations) into what the panel draws. */
export function parseFrames(series: DataFrame[], annotations: DataFrame[] = []): Parsed {
  const out: Parsed = { series: [], forecasts: [], events: [], drift: [] };
  const seenEvents = new Set<string>();
  for (const frame of [...series, ...annotations]) {
    const kind = frameKind(frame);
    if (kind === 'series') out.series.push(frameToColumns(frame));
    else if (kind === 'forecast') out.forecasts.push(frameToColumns(frame));
    else if (kind === 'drift') out.drift.push(...frameToDrift(frame));
    else if (kind === 'anomalies') {
      for (const e of frameToEvents(frame)) {
        const key = e.id || `${e.start}:${e.end}:${JSON.stringify(e.labels)}`;
        if (!seenEvents.has(key)) {
          seenEvents.add(key);
          out.events.push(e);
        }
      }
    } else if (!kind && frame.fields.some((f) => f.type === 'time') && frame.fields.some((f) => f.type === 'number')) {
      // a plain time series (e.g. Prometheus through the Mixed data source): drawn as a line
      const time = frame.fields.find((f) => f.type === 'time')!;
      const value = frame.fields.find((f) => f.type === 'number')!;
      const n = frame.length;
      out.series.push({
        name: value.config.displayNameFromDS ?? frame.name ?? value.name,
        labels: value.labels ?? {},
        time: Float64Array.from(time.values as ArrayLike<number>),
        value: Float64Array.from(value.values as ArrayLike<number>, (v) => (v === null ? NaN : Number(v))),
        expected: new Float64Array(n).fill(NaN),
        lower: new Float64Array(n).fill(NaN),
        upper: new Float64Array(n).fill(NaN),
        score: new Float64Array(n).fill(NaN),
      });
    }
  }
  return out;
}

/**
 * The Vigil overlay panel: series, expected band, forecast past "now" (dashed, its own colour), anomaly
 * markers coloured by severity with a tooltip (start, end, score, expected vs actual, each detector's
 * vote) and feedback buttons, a drift badge and a compact legend.
 */
export function VigilPanel(props: PanelProps<VigilPanelOptions>) {
  const { data, width, height, timeRange, timeZone, id, fieldConfig } = props;
  const options = useMemo(() => migrateOptions(props.options as unknown as Record<string, unknown>), [props.options]);
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const parsed = useMemo(() => parseFrames(data.series, data.annotations ?? []), [data.series, data.annotations]);
  const [active, setActive] = useState<{ geom: MarkerGeometry; pinned: boolean } | undefined>();
  const [verdicts, setVerdicts] = useState<Record<string, FeedbackVerdict>>({});
  const [feedbackState, setFeedbackState] = useState<{ busy?: boolean; error?: string; done?: string }>({});

  const color = (c: string) => theme.visualization.getColorByName(c);
  const palette = theme.visualization.palette;

  const sendFeedback = useCallback(
    async (event: MarkerEvent, verdict: FeedbackVerdict) => {
      setFeedbackState({ busy: true });
      try {
        const dsUid = data.request?.targets.find((t) => t.datasource?.type === DATASOURCE_ID)?.datasource?.uid;
        const client = await engineForDataSource(dsUid);
        await client.post(
          `/api/anomalies/${encodeURIComponent(event.id)}/feedback`,
          { verdict },
          'Feedback on the anomaly'
        );
        setVerdicts((v) => ({ ...v, [event.id]: verdict }));
        setFeedbackState({ done: verdict === 'false_positive' ? 'Marked as false positive' : 'Marked as expected' });
      } catch (e) {
        setFeedbackState({ error: (e as Error).message });
      }
    },
    [data.request]
  );

  const hasData = parsed.series.length > 0 || parsed.forecasts.length > 0;
  const errorText = data.errors?.map((e) => e.message).join('; ') || data.error?.message;

  if (!hasData && data.state === LoadingState.Loading) {
    return (
      <div className={styles.center} data-testid="vigil-panel-loading">
        <Icon name="fa fa-spinner" className="fa-spin" /> Loading…
      </div>
    );
  }
  if (!hasData && errorText) {
    return (
      <div className={styles.center} data-testid="vigil-panel-error" role="alert">
        <Icon name="exclamation-triangle" className={styles.errorIcon} />
        <span>{errorText}</span>
      </div>
    );
  }
  if (!hasData && parsed.drift.length === 0) {
    return <PanelDataErrorView panelId={id} fieldConfig={fieldConfig} data={data} needsTimeField needsNumberField />;
  }

  const legendHeight = options.showLegend ? 22 : 0;
  // room for the drift badge above the plot
  const top = MARGIN.top + (parsed.drift.length > 0 ? 20 : 0);
  const plotW = Math.max(10, width - MARGIN.left - MARGIN.right);
  const plotH = Math.max(10, height - top - MARGIN.bottom - legendHeight);
  const range: [number, number] = [timeRange.from.valueOf(), timeRange.to.valueOf()];
  const xd = xDomain(range, parsed.forecasts, options.showForecast);
  const x: Scale = { domain: xd, range: [0, plotW] };
  const yArrays: Array<ArrayLike<number>> = [];
  for (const s of parsed.series) {
    yArrays.push(s.value);
    if (options.showBand) yArrays.push(s.lower, s.upper);
    if (options.showExpected) yArrays.push(s.expected);
  }
  if (options.showForecast) for (const f of parsed.forecasts) yArrays.push(f.value, f.lower, f.upper);
  const y: Scale = { domain: yDomain(yArrays), range: [plotH, 0] };
  const markers = markerGeometry(parsed.events, x, y, options.minSeverity);
  const xTicks = timeTicks(xd, Math.max(2, Math.floor(plotW / 110)));
  const yTicks = ticks(y.domain, Math.max(2, Math.floor(plotH / 40)));
  const spanMs = xd[1] - xd[0];
  const tickFormat = spanMs > 2 * 86400000 ? 'MM/DD HH:mm' : 'HH:mm';
  const fmtTime = (t: number) => dateTimeFormat(t, { format: 'YYYY-MM-DD HH:mm:ss', timeZone });
  const seriesColor = (i: number) =>
    parsed.series.length === 1 ? color(options.colors.series) : palette[i % palette.length];
  const nowX = range[1];
  const drifting = parsed.drift.filter((d) => d.drifting);

  const onMarker = (geom: MarkerGeometry, pinned: boolean) => {
    setFeedbackState({});
    setActive({ geom, pinned });
  };

  return (
    <div
      className={styles.wrapper}
      style={{ width, height }}
      data-testid="vigil-panel"
      // leaving the panel closes an unpinned tooltip; moving from a marker into its tooltip keeps it open
      onMouseLeave={() => active && !active.pinned && setActive(undefined)}
    >
      {parsed.drift.length > 0 && (
        <div
          className={styles.drift(drifting.length > 0)}
          data-testid="vigil-drift-badge"
          title={parsed.drift
            .map((d) => `${d.job}: ${d.drifting ? 'drifting' : 'ok'} (p=${formatValue(d.pValue)})`)
            .join('\n')}
        >
          <Icon name={drifting.length ? 'exclamation-triangle' : 'check'} size="sm" />
          {drifting.length
            ? ` Drifting: ${drifting.map((d) => `${d.job} (p=${formatValue(d.pValue)})`).join(', ')}`
            : ` No drift (p=${formatValue(Math.min(...parsed.drift.map((d) => d.pValue)))})`}
        </div>
      )}
      {hasData && (
        <svg
          width={width}
          height={height - legendHeight}
          role="img"
          aria-label="Vigil anomaly chart"
          data-testid="vigil-chart"
        >
          <g transform={`translate(${MARGIN.left},${top})`}>
            {yTicks.map((v) => (
              <g key={`y${v}`}>
                <line x1={0} x2={plotW} y1={project(y, v)} y2={project(y, v)} className={styles.grid} />
                <text x={-6} y={project(y, v)} className={styles.axisText} textAnchor="end" dominantBaseline="middle">
                  {formatValue(v)}
                </text>
              </g>
            ))}
            {xTicks.map((t) => {
              const px = project(x, t);
              return (
                <g key={`x${t}`}>
                  <line x1={px} x2={px} y1={0} y2={plotH} className={styles.grid} />
                  <text x={px} y={plotH + 14} className={styles.axisText} textAnchor="middle">
                    {dateTimeFormat(t, { format: tickFormat, timeZone })}
                  </text>
                </g>
              );
            })}
            {options.showForecast && parsed.forecasts.length > 0 && nowX < xd[1] && (
              <g data-testid="vigil-now">
                <rect
                  x={project(x, nowX)}
                  y={0}
                  width={plotW - project(x, nowX)}
                  height={plotH}
                  fill={color(options.colors.forecast)}
                  opacity={0.05}
                />
                <line
                  x1={project(x, nowX)}
                  x2={project(x, nowX)}
                  y1={0}
                  y2={plotH}
                  stroke={theme.colors.text.secondary}
                  strokeDasharray="2 3"
                />
              </g>
            )}
            {markers.map((m) => (
              <rect
                key={`r${m.event.id || m.event.start}`}
                x={m.x0}
                y={0}
                width={m.x1 - m.x0}
                height={plotH}
                fill={color(options.colors[m.event.severity])}
                opacity={0.12}
              />
            ))}
            {parsed.series.map((s, i) => (
              <g key={`s${i}`} data-testid="vigil-series" data-name={s.name}>
                {options.showBand && (
                  <path
                    data-testid="vigil-band"
                    d={bandPath(s.time, s.lower, s.upper, x, y)}
                    fill={color(options.colors.band)}
                    opacity={0.2}
                    stroke="none"
                  />
                )}
                {options.showExpected && (
                  <path
                    data-testid="vigil-expected"
                    d={linePath(s.time, s.expected, x, y)}
                    fill="none"
                    stroke={color(options.colors.band)}
                    strokeWidth={1}
                    strokeDasharray="4 3"
                  />
                )}
                <path
                  data-testid="vigil-line"
                  d={linePath(s.time, s.value, x, y)}
                  fill="none"
                  stroke={seriesColor(i)}
                  strokeWidth={1.5}
                />
              </g>
            ))}
            {options.showForecast &&
              parsed.forecasts.map((f, i) => (
                <g key={`f${i}`} data-testid="vigil-forecast" data-name={f.name}>
                  <path
                    d={bandPath(f.time, f.lower, f.upper, x, y)}
                    fill={color(options.colors.forecast)}
                    opacity={0.15}
                  />
                  <path
                    data-testid="vigil-forecast-line"
                    d={linePath(f.time, f.value, x, y)}
                    fill="none"
                    stroke={color(options.colors.forecast)}
                    strokeWidth={2}
                    strokeDasharray="8 5"
                  />
                </g>
              ))}
            {markers.map((m) => {
              const verdict = verdicts[m.event.id] ?? (m.event.feedback || undefined);
              const c = color(options.colors[m.event.severity]);
              return (
                <circle
                  key={`m${m.event.id || m.event.start}`}
                  data-testid="vigil-marker"
                  data-severity={m.event.severity}
                  data-id={m.event.id}
                  data-start={m.event.start}
                  data-peak={m.event.peak}
                  data-feedback={verdict ?? ''}
                  cx={m.cx}
                  cy={m.cy}
                  r={verdict ? 4 : 6}
                  fill={verdict ? theme.colors.background.primary : c}
                  stroke={c}
                  strokeWidth={2}
                  tabIndex={0}
                  aria-label={`${m.event.title || m.event.severity} at ${fmtTime(m.event.peak)}`}
                  className={styles.marker}
                  onMouseEnter={() => (!active?.pinned ? onMarker(m, false) : undefined)}
                  onFocus={() => onMarker(m, false)}
                  onClick={() => onMarker(m, true)}
                />
              );
            })}
          </g>
        </svg>
      )}
      {active && (
        <MarkerTooltip
          geom={active.geom}
          left={tooltipLeft(MARGIN.left + active.geom.cx, width)}
          top={Math.max(0, Math.min(top + active.geom.cy - 40, height - 230))}
          verdict={verdicts[active.geom.event.id] ?? (active.geom.event.feedback as FeedbackVerdict | '') ?? ''}
          fmtTime={fmtTime}
          state={feedbackState}
          onFeedback={(v) => sendFeedback(active.geom.event, v)}
          onClose={() => setActive(undefined)}
          pinned={active.pinned}
          styles={styles}
        />
      )}
      {options.showLegend && hasData && (
        <div className={styles.legend} data-testid="vigil-legend">
          {parsed.series.map((s, i) => (
            <span key={`l${i}`} className={styles.legendItem}>
              <span className={styles.swatch} style={{ background: seriesColor(i) }} />
              {s.name}
            </span>
          ))}
          {options.showBand && parsed.series.some((s) => s.upper.some(Number.isFinite)) && (
            <span className={styles.legendItem}>
              <span className={styles.swatch} style={{ background: color(options.colors.band), opacity: 0.4 }} />
              expected band
            </span>
          )}
          {options.showForecast && parsed.forecasts.length > 0 && (
            <span className={styles.legendItem}>
              <span className={styles.dashSwatch} style={{ borderColor: color(options.colors.forecast) }} />
              forecast
            </span>
          )}
          <span className={styles.legendItem} data-testid="vigil-legend-anomalies">
            <span className={styles.dot} style={{ background: color(options.colors.critical) }} />
            {markers.length} {markers.length === 1 ? 'anomaly' : 'anomalies'}
          </span>
        </div>
      )}
    </div>
  );
}

const TOOLTIP_WIDTH = 290;

/** Left edge of the tooltip: right of the marker when it fits, else left of it, so it never covers the marker. */
export function tooltipLeft(markerX: number, panelWidth: number): number {
  if (markerX + 14 + TOOLTIP_WIDTH <= panelWidth) return markerX + 14;
  return Math.max(0, markerX - 14 - TOOLTIP_WIDTH);
}

interface TooltipProps {
  geom: MarkerGeometry;
  left: number;
  top: number;
  verdict: FeedbackVerdict | '';
  fmtTime: (t: number) => string;
  state: { busy?: boolean; error?: string; done?: string };
  onFeedback: (v: FeedbackVerdict) => void;
  onClose: () => void;
  pinned: boolean;
  styles: ReturnType<typeof getStyles>;
}

function MarkerTooltip({
  geom,
  left,
  top,
  verdict,
  fmtTime,
  state,
  onFeedback,
  onClose,
  pinned,
  styles,
}: TooltipProps) {
  const e = geom.event;
  const votes = Object.entries(e.detectors).sort((a, b) => b[1] - a[1]);
  return (
    <div
      className={styles.tooltip}
      style={{ left, top }}
      data-testid="vigil-tooltip"
      role="dialog"
      aria-label="Anomaly details"
    >
      <div className={styles.tooltipHeader}>
        <strong>{e.title || `${e.severity} anomaly`}</strong>
        {pinned && <IconButton name="times" size="sm" aria-label="Close" onClick={onClose} />}
      </div>
      <table className={styles.tooltipTable}>
        <tbody>
          <tr>
            <th>Start</th>
            <td data-testid="vigil-tooltip-start">{fmtTime(e.start)}</td>
          </tr>
          <tr>
            <th>End</th>
            <td data-testid="vigil-tooltip-end">{fmtTime(e.end)}</td>
          </tr>
          <tr>
            <th>Score</th>
            <td data-testid="vigil-tooltip-score">
              {Math.round(e.score)} ({e.severity})
            </td>
          </tr>
          <tr>
            <th>Expected / actual</th>
            <td data-testid="vigil-tooltip-values">
              {formatValue(e.expected)} / {formatValue(e.actual)} {e.direction ? `(${e.direction})` : ''}
            </td>
          </tr>
          {Object.keys(e.labels).length > 0 && (
            <tr>
              <th>Series</th>
              <td>
                {Object.entries(e.labels)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(', ')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <div className={styles.votes} data-testid="vigil-tooltip-votes">
        {votes.length === 0 && <span>No detector votes recorded</span>}
        {votes.map(([d, s]) => (
          <div key={d} className={styles.vote} data-detector={d}>
            <span className={styles.voteName}>{d}</span>
            <span className={styles.voteBar}>
              <span style={{ width: `${Math.max(2, Math.min(100, s))}%` }} />
            </span>
            <span>{Math.round(s)}</span>
          </div>
        ))}
      </div>
      <div className={styles.feedback}>
        {verdict ? (
          <span data-testid="vigil-tooltip-verdict">
            <Icon name="check" />{' '}
            {verdict === 'false_positive'
              ? 'Marked as false positive'
              : verdict === 'expected'
                ? 'Marked as expected'
                : 'Confirmed'}
          </span>
        ) : e.id ? (
          <>
            <Button size="sm" variant="secondary" disabled={state.busy} onClick={() => onFeedback('false_positive')}>
              Mark as false positive
            </Button>
            <Button size="sm" variant="secondary" disabled={state.busy} onClick={() => onFeedback('expected')}>
              Expected
            </Button>
          </>
        ) : (
          <span className={styles.muted}>Save this query as a job to give feedback.</span>
        )}
        {!pinned && e.id && !verdict && <div className={styles.muted}>Click the marker to keep this open.</div>}
        {state.error && (
          <div className={styles.error} data-testid="vigil-feedback-error">
            {state.error}
          </div>
        )}
      </div>
    </div>
  );
}

function getStyles(theme: GrafanaTheme2) {
  return {
    wrapper: css({ position: 'relative', overflow: 'hidden', fontSize: theme.typography.bodySmall.fontSize }),
    center: css({
      display: 'flex',
      alignItems: 'center',
      justifyContent: 'center',
      gap: theme.spacing(1),
      height: '100%',
      color: theme.colors.text.secondary,
      textAlign: 'center',
      padding: theme.spacing(1),
    }),
    errorIcon: css({ color: theme.colors.error.text }),
    grid: css({ stroke: theme.colors.border.weak, strokeWidth: 1 }),
    axisText: css({ fill: theme.colors.text.secondary, fontSize: 11 }),
    marker: css({ cursor: 'pointer', outline: 'none', '&:focus': { strokeWidth: 3 } }),
    legend: css({
      display: 'flex',
      flexWrap: 'wrap',
      gap: theme.spacing(2),
      height: 22,
      alignItems: 'center',
      paddingLeft: MARGIN.left,
      color: theme.colors.text.secondary,
      overflow: 'hidden',
      whiteSpace: 'nowrap',
    }),
    legendItem: css({ display: 'inline-flex', alignItems: 'center', gap: 4 }),
    swatch: css({ display: 'inline-block', width: 14, height: 4, borderRadius: 1 }),
    dashSwatch: css({ display: 'inline-block', width: 14, height: 0, borderTop: '2px dashed' }),
    dot: css({ display: 'inline-block', width: 8, height: 8, borderRadius: '50%' }),
    drift: (drifting: boolean) =>
      css({
        position: 'absolute',
        top: 4,
        right: 8,
        zIndex: 2,
        padding: '1px 8px',
        borderRadius: theme.shape.radius.pill,
        fontSize: 11,
        background: drifting ? theme.colors.error.transparent : theme.colors.success.transparent,
        color: drifting ? theme.colors.error.text : theme.colors.success.text,
        border: `1px solid ${drifting ? theme.colors.error.border : theme.colors.success.border}`,
      }),
    tooltip: css({
      position: 'absolute',
      zIndex: 3,
      width: TOOLTIP_WIDTH,
      padding: theme.spacing(1),
      background: theme.colors.background.secondary,
      border: `1px solid ${theme.colors.border.medium}`,
      borderRadius: theme.shape.radius.default,
      boxShadow: theme.shadows.z3,
      color: theme.colors.text.primary,
    }),
    tooltipHeader: css({ display: 'flex', justifyContent: 'space-between', marginBottom: theme.spacing(0.5) }),
    tooltipTable: css({
      width: '100%',
      th: { textAlign: 'left', color: theme.colors.text.secondary, fontWeight: 'normal', paddingRight: 8 },
    }),
    votes: css({ margin: `${theme.spacing(0.5)} 0` }),
    vote: css({ display: 'grid', gridTemplateColumns: '70px 1fr 28px', gap: 6, alignItems: 'center' }),
    voteName: css({ color: theme.colors.text.secondary }),
    voteBar: css({
      height: 6,
      background: theme.colors.background.canvas,
      borderRadius: 3,
      span: { display: 'block', height: 6, borderRadius: 3, background: theme.colors.primary.main },
    }),
    feedback: css({ display: 'flex', flexWrap: 'wrap', gap: theme.spacing(1), marginTop: theme.spacing(0.5) }),
    muted: css({ color: theme.colors.text.secondary, width: '100%' }),
    error: css({ color: theme.colors.error.text, width: '100%' }),
  };
}
