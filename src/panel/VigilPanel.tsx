import React, { useCallback, useMemo, useRef } from 'react';
import { css } from '@emotion/css';
import {
  DashboardCursorSync,
  dateTime,
  dateTimeFormat,
  GrafanaTheme2,
  LoadingState,
  PanelProps,
  TimeRange,
} from '@grafana/data';
import { PanelDataErrorView } from '@grafana/runtime';
import {
  buildScaleKey,
  EventBusPlugin,
  Icon,
  KeyboardPlugin,
  measureText,
  TimeSeries,
  TooltipDisplayMode,
  TooltipPlugin2,
  usePanelContext,
  useStyles2,
  useTheme2,
} from '@grafana/ui';
import type { GraphFieldConfig } from '@grafana/schema';

import type { MarkerEvent } from '../datasource/transforms';
import { jobSpecFromQuery, newJobUrl } from '../saveAsJob';
import { canWrite } from '../roles';
import type { VigilQuery } from '../types';
import { DriftBadge } from './layers/DriftBadge';
import { FitTickLabels } from './layers/FitTickLabels';
import { ForecastLayer } from './layers/ForecastLayer';
import { MarkersLayer } from './layers/MarkersLayer';
import { OutliersLayer } from './layers/OutliersLayer';
import { PlotOverlay } from './layers/PlotOverlay';
import { MARKER_SNAP_PX, SnapToMarkers } from './layers/SnapToMarkers';
import { AnomalyActions, AnomalyActionsContext, SeriesTooltip } from './layers/SeriesTooltip';
import {
  drawnEvents,
  driftBadge,
  eventsAt,
  eventSeriesIndex,
  fitLegend,
  hasPlotData,
  legendNames,
  markerTime,
  outlierPeriods,
  placeMarkers,
  plotFrames,
  plotTimeRange,
  splitFrames,
  tooltipRows,
  valueField,
} from './layout';
import { migrateOptions, VigilPanelOptions } from './options';
import { useFeedback, verdictOf } from './useFeedback';

// TooltipPlugin2's hover modes (a const enum in @grafana/ui's types): one series, or every series at the cursor's time
const HOVER_ONE = 0;
const HOVER_ALL = 1;

/**
 * The Vigil panel: Grafana's time series component (field config with units, decimals, min/max and overrides, the
 * theme's colours, legend, shared crosshair, drag to zoom, series tooltips) with Vigil's layers on top: a band per
 * series in that series' colour, the forecast past "now", anomaly markers coloured by severity whose tooltip shows the
 * detectors' votes and takes feedback, a drift badge naming the job, and the outlying periods of peer-group outlier
 * queries shaded in the outlier's colour (their series drawn thick over grey peers and the group's band). The layout
 * is computed by the pure functions of ./layout; each layer is its own component; feedback goes through the
 * useFeedback hook.
 */
export function VigilPanel(props: PanelProps<VigilPanelOptions>) {
  const { data, width, height, timeRange, timeZone, id, fieldConfig, onChangeTimeRange } = props;
  const options = useMemo(() => migrateOptions(props.options as unknown as Record<string, unknown>), [props.options]);
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const { sync, eventsScope, eventBus } = usePanelContext();
  const cursorSync = sync?.() ?? DashboardCursorSync.Off;

  const frames = useMemo(() => splitFrames(data.series, data.annotations ?? []), [data.series, data.annotations]);
  const { showBand, showExpected, showForecast } = options;
  const plotted = useMemo(
    () => plotFrames(frames, { showBand, showExpected, showForecast }, theme),
    [frames, showBand, showExpected, showForecast, theme]
  );
  const periods = useMemo(() => outlierPeriods(frames, theme), [frames, theme]);
  const from = timeRange.from.valueOf();
  const to = timeRange.to.valueOf();
  const range = useMemo(
    () => plotTimeRange({ from, to }, frames.forecasts, showForecast),
    [from, to, frames.forecasts, showForecast]
  );
  const plotRange: TimeRange = useMemo(
    () => ({
      from: dateTime(range.from),
      to: dateTime(range.to),
      raw: { from: dateTime(range.from), to: dateTime(range.to) },
    }),
    [range.from, range.to]
  );

  const feedback = useFeedback(data.request);
  const writer = canWrite();
  const targets = data.request?.targets as VigilQuery[] | undefined;
  const actions: AnomalyActions = useMemo(
    () => ({
      canWrite: writer,
      feedback: feedback.state,
      verdictOf: (e: MarkerEvent) => verdictOf(e, feedback.state.verdicts),
      send: feedback.send,
      undo: feedback.undo,
      saveAsJobUrl: (e: MarkerEvent) => {
        const spec = jobSpecFromQuery(targets?.find((t) => t.refId === e.refId) ?? { refId: '' });
        return spec ? newJobUrl(spec) : undefined;
      },
    }),
    [writer, feedback.state, feedback.send, feedback.undo, targets]
  );
  const fmtTime = useCallback(
    (t: number) => dateTimeFormat(t, { format: 'YYYY-MM-DD HH:mm:ss', timeZone }),
    [timeZone]
  );
  // the plotted value field of each event's series: its scale places the marker, its visibility hides it
  const eventField = useCallback(
    (e: MarkerEvent) => {
      const i = eventSeriesIndex(e, frames.series);
      return i >= 0 ? valueField(plotted[i]) : undefined;
    },
    [frames.series, plotted]
  );
  // an event of a series hidden from the plot (legend click) draws no marker and shows in no tooltip
  const hiddenEvent = useCallback(
    (e: MarkerEvent) => Boolean((eventField(e)?.config.custom as GraphFieldConfig | undefined)?.hideFrom?.viz),
    [eventField]
  );
  // the times of the markers drawn: a hover near one takes its point (SnapToMarkers)
  const markerPeaks = useRef<number[]>([]);
  markerPeaks.current = drawnEvents(frames.events, range, options.minSeverity, hiddenEvent).map((e) =>
    markerTime(e, range)
  );

  // a bottom list legend that would not fit a small panel goes to the right, or shows whole rows and scrolls
  const names = useMemo(() => legendNames(plotted), [plotted]);
  // the list legend's font (bodySmall, in rem of the theme's html font size)
  const small = theme.typography.bodySmall.fontSize;
  const fontPx = /rem$/.test(String(small))
    ? parseFloat(String(small)) * (theme.typography.htmlFontSize ?? 14)
    : parseFloat(String(small)) || 12;
  const legend = useMemo(() => {
    const fit = fitLegend(
      names,
      (n) => measureText(n, fontPx).width,
      width,
      height,
      options.legend.placement,
      options.legend.displayMode
    );
    if (!fit) return options.legend;
    // VizLayout reads maxHeight from the legend options (PlotLegend passes them on)
    return { ...options.legend, placement: fit.placement, ...(fit.maxHeight ? { maxHeight: fit.maxHeight } : {}) };
  }, [names, fontPx, width, height, options.legend]);

  const badge = driftBadge(frames.drift);
  const hasData = hasPlotData(frames);
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
        <span className={styles.error}>
          <Icon name="exclamation-triangle" className={styles.errorIcon} />
          <span>{errorText}</span>
        </span>
      </div>
    );
  }
  if (!hasData) {
    return (
      <div className={styles.wrapper} style={{ width, height }}>
        {badge && <DriftBadge badge={badge} />}
        {!badge && (
          <PanelDataErrorView panelId={id} fieldConfig={fieldConfig} data={data} needsTimeField needsNumberField />
        )}
      </div>
    );
  }

  return (
    <AnomalyActionsContext.Provider value={actions}>
      <div className={styles.wrapper} style={{ width, height }} data-testid="vigil-panel">
        <TimeSeries
          frames={plotted}
          width={width}
          height={height}
          timeRange={plotRange}
          timeZone={timeZone}
          legend={legend}
          options={options}
        >
          {(config, alignedFrame) => (
            <>
              <KeyboardPlugin config={config} />
              <FitTickLabels config={config} />
              <SnapToMarkers config={config} peaks={markerPeaks} />
              {cursorSync !== DashboardCursorSync.Off && (
                <EventBusPlugin config={config} eventBus={eventBus} frame={alignedFrame} />
              )}
              {options.tooltip.mode !== TooltipDisplayMode.None && (
                <TooltipPlugin2
                  config={config}
                  hoverMode={options.tooltip.mode === TooltipDisplayMode.Single ? HOVER_ONE : HOVER_ALL}
                  queryZoom={onChangeTimeRange}
                  syncMode={cursorSync}
                  syncScope={eventsScope}
                  maxWidth={400}
                  render={(u, dataIdxs, seriesIdx, isPinned) => {
                    const idx = dataIdxs.find((d) => d != null) ?? u.cursor.idx;
                    if (idx == null) return null;
                    const t = alignedFrame.fields[0].values[idx] as number;
                    // an anomaly is "under the cursor" within 8 px of its span
                    const slack = Math.abs(u.posToVal(MARKER_SNAP_PX, 'x') - u.posToVal(0, 'x'));
                    const events = eventsAt(frames.events, t, slack, options.minSeverity).filter(
                      (e) => !hiddenEvent(e)
                    );
                    return (
                      <SeriesTooltip
                        time={fmtTime(t)}
                        rows={tooltipRows(
                          alignedFrame,
                          plotted,
                          dataIdxs,
                          seriesIdx,
                          theme,
                          options.tooltip.mode === TooltipDisplayMode.Single
                        )}
                        events={events.slice(0, 3)}
                        pinned={isPinned}
                        fmtTime={fmtTime}
                      />
                    );
                  }}
                />
              )}
              <PlotOverlay config={config}>
                {(u) => {
                  const toX = (t: number) => u.valToPos(t, 'x');
                  const toY = (e: MarkerEvent) => {
                    const f = eventField(e);
                    const key = f ? buildScaleKey(f.config, f.type) : config.scaleKeys?.[1];
                    const y = key && u.scales[key] ? u.valToPos(e.actual, key) : undefined;
                    return y !== undefined && Number.isFinite(y) ? y : undefined;
                  };
                  const placements = placeMarkers(frames.events, toX, toY, range, options.minSeverity, hiddenEvent);
                  return (
                    <>
                      {periods.length > 0 && (
                        <OutliersLayer
                          periods={periods}
                          toX={toX}
                          width={u.over.clientWidth}
                          from={range.from}
                          to={range.to}
                        />
                      )}
                      {showForecast && frames.forecasts.length > 0 && (
                        <ForecastLayer left={toX(to)} width={u.over.clientWidth} />
                      )}
                      <MarkersLayer
                        placements={placements}
                        colors={options.colors}
                        verdictOf={(p) => verdictOf(p.event, feedback.state.verdicts)}
                        timeZone={timeZone}
                      />
                    </>
                  );
                }}
              </PlotOverlay>
            </>
          )}
        </TimeSeries>
        {badge && <DriftBadge badge={badge} />}
        {feedback.state.done && (
          <div className={styles.status} data-testid="vigil-feedback-done" role="status">
            {feedback.state.done}
          </div>
        )}
      </div>
    </AnomalyActionsContext.Provider>
  );
}

function getStyles(theme: GrafanaTheme2) {
  return {
    wrapper: css({ position: 'relative' }),
    center: css({
      display: 'flex',
      alignItems: 'center',
      justifyContent: 'center',
      height: '100%',
      padding: theme.spacing(1),
      color: theme.colors.text.secondary,
      textAlign: 'center',
    }),
    // the icon sits against its text, and the two wrap together
    error: css({ display: 'inline-flex', alignItems: 'flex-start', gap: theme.spacing(1), maxWidth: '100%' }),
    errorIcon: css({ color: theme.colors.error.text, flexShrink: 0, marginTop: 2 }),
    // the outcome of feedback, centred at the top of the plot: clear of the y axis' labels and the drift badge
    status: css({
      position: 'absolute',
      left: '50%',
      transform: 'translateX(-50%)',
      top: 4,
      zIndex: 2,
      maxWidth: '60%',
      overflow: 'hidden',
      textOverflow: 'ellipsis',
      whiteSpace: 'nowrap',
      padding: '1px 8px',
      borderRadius: theme.shape.radius.pill,
      fontSize: theme.typography.bodySmall.fontSize,
      background: theme.colors.background.primary,
      border: `1px solid ${theme.colors.border.medium}`,
      color: theme.colors.text.secondary,
    }),
  };
}
