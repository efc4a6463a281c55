import React, { useEffect, useMemo, useRef, useState } from 'react';
import { dateTime, FieldConfigSource, getDefaultTimeRange, LoadingState, PanelData, PanelProps } from '@grafana/data';

import { detectionToFrames } from '../datasource/transforms';
import { DEFAULT_OPTIONS, VigilPanelOptions } from '../panel/options';
import { VigilPanel } from '../panel/VigilPanel';
import type { AnomalyEvent, SeriesResult } from '../../pkg/contract';

const noop = () => {};
const FIELD_CONFIG: FieldConfigSource = { defaults: {}, overrides: [] };

/** The overlay panel drawing a backtest result (series, band, anomaly markers) inside an app page. */
export function ResultPreview({
  series,
  events,
  from,
  to,
}: {
  series: SeriesResult[];
  events: AnomalyEvent[];
  from: number;
  to: number;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(800);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver((entries) => setWidth(Math.floor(entries[0].contentRect.width)));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const timeRange = useMemo(() => {
    const r = getDefaultTimeRange();
    return { from: dateTime(from), to: dateTime(to), raw: r.raw };
  }, [from, to]);
  const data: PanelData = useMemo(
    () => ({
      state: LoadingState.Done,
      series: detectionToFrames({ series, anomalies: events }, 'backtest'),
      timeRange,
    }),
    [series, events, timeRange]
  );
  const props: PanelProps<VigilPanelOptions> = {
    id: 0,
    data,
    timeRange,
    timeZone: 'browser',
    options: DEFAULT_OPTIONS,
    fieldConfig: FIELD_CONFIG,
    transparent: false,
    width,
    height: 260,
    renderCounter: 0,
    title: 'Backtest',
    eventBus: undefined as unknown as PanelProps['eventBus'],
    onOptionsChange: noop,
    onFieldConfigChange: noop,
    replaceVariables: (s: string) => s,
    onChangeTimeRange: noop,
  };
  return (
    <div ref={ref} data-testid="vigil-backtest-preview">
      <VigilPanel {...props} />
    </div>
  );
}
