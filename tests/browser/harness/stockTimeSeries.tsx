/**
 * Grafana's own time series panel, as far as the harness can have it: its panel (public/app/plugins/panel/timeseries)
 * ships with Grafana, not on npm, so this stand-in builds it from the same parts it uses from @grafana/ui: the
 * TimeSeries component (the same uPlot config builder: field colours, fillBelowTo bands, points, hidden fields, axes),
 * the panel's field config defaults (`defaultGraphConfig`: lines 1 px, no fill, points auto), its single tooltip, and
 * annotations drawn as Grafana's AnnotationsPlugin2 draws them (a region shaded at 10% in the annotation's colour with
 * a marker along the bottom of the plot). Nothing of Vigil's panel is used: this is what a data source's frames look
 * like on an ordinary Grafana dashboard.
 */
import React, { useLayoutEffect, useReducer, useState } from 'react';
import { createPortal } from 'react-dom';
import type uPlot from 'uplot';
import {
  colorManipulator,
  DataFrame,
  dateTime,
  FieldColorModeId,
  FieldType,
  PanelPlugin,
  PanelProps,
} from '@grafana/data';
import type { GraphFieldConfig } from '@grafana/schema';
import {
  LegendDisplayMode,
  TimeSeries,
  TooltipPlugin2,
  UPlotConfigBuilder,
  usePanelContext,
  useTheme2,
} from '@grafana/ui';

/** Grafana's time series panel's field config defaults (plugins/panel/timeseries/config.ts). */
const DEFAULTS: GraphFieldConfig = {
  drawStyle: 'line' as GraphFieldConfig['drawStyle'],
  lineInterpolation: 'linear' as GraphFieldConfig['lineInterpolation'],
  lineWidth: 1,
  fillOpacity: 0,
  gradientMode: 'none' as GraphFieldConfig['gradientMode'],
  showPoints: 'auto' as GraphFieldConfig['showPoints'],
  pointSize: 5,
  spanNulls: false,
  axisPlacement: 'auto' as GraphFieldConfig['axisPlacement'],
  axisBorderShow: false,
  axisCenteredZero: false,
  stacking: { mode: 'none' as never, group: 'A' },
};

function Noop() {
  return null;
}

/** The field config registry of the time series panel (standard options and its custom line options). */
export const timeSeriesPanelPlugin = new PanelPlugin<object, GraphFieldConfig>(Noop).useFieldConfig({
  standardOptions: {
    color: {
      settings: { byValueSupport: true, bySeriesSupport: true, preferThresholdsMode: false },
      defaultValue: { mode: FieldColorModeId.PaletteClassic },
    },
  },
  useCustomConfig: (builder) => {
    for (const [path, value] of Object.entries(DEFAULTS)) {
      builder.addCustomEditor({
        id: path,
        path,
        name: path,
        defaultValue: value,
        editor: Noop as never,
        override: Noop as never,
        process: (v) => v,
        shouldApply: () => true,
      });
    }
    builder.addCustomEditor({
      id: 'hideFrom',
      path: 'hideFrom',
      name: 'hideFrom',
      defaultValue: { tooltip: false, viz: false, legend: false },
      editor: Noop as never,
      override: Noop as never,
      process: (v) => v,
      shouldApply: () => true,
      hideFromDefaults: true,
    });
  },
});

function Annotations({ config, frames }: { config: UPlotConfigBuilder; frames: DataFrame[] }) {
  const theme = useTheme2();
  const [plot, setPlot] = useState<uPlot>();
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  useLayoutEffect(() => {
    config.addHook('init', (u) => setPlot(u));
    config.addHook('draw', () => redraw());
  }, [config]);
  if (!plot) return null;
  const items: Array<{ x0: number; x1: number; color: string; title: string }> = [];
  for (const f of frames) {
    const col = (n: string) => f.fields.find((x) => x.name === n)?.values ?? [];
    const [time, timeEnd, color, title] = ['time', 'timeEnd', 'color', 'title'].map(col);
    for (let i = 0; i < time.length; i++) {
      const x0 = plot.valToPos(time[i], 'x');
      const x1 = plot.valToPos(timeEnd[i] ?? time[i], 'x');
      items.push({
        x0,
        x1: Math.max(x1, x0 + 1),
        color: theme.visualization.getColorByName(String(color[i] ?? 'red')),
        title: String(title[i] ?? ''),
      });
    }
  }
  return createPortal(
    <>
      {items.map((a, i) => (
        <div key={i} data-testid="harness-annotation" title={a.title}>
          <div
            style={{
              position: 'absolute',
              top: 0,
              bottom: 0,
              left: a.x0,
              width: a.x1 - a.x0,
              background: colorManipulator.alpha(a.color, 0.1),
              pointerEvents: 'none',
            }}
          />
          <div
            style={{
              position: 'absolute',
              bottom: -5,
              left: a.x0,
              width: Math.max(a.x1 - a.x0, 6),
              height: 5,
              background: a.color,
              borderRadius: 1,
            }}
          />
        </div>
      ))}
    </>,
    plot.over
  );
}

/** The stand-in panel: frames as Grafana hands them (field config applied), annotations from `data.annotations`. */
export function StockTimeSeriesPanel({ data, width, height, timeZone, onChangeTimeRange }: PanelProps<object>) {
  const { sync, eventsScope } = usePanelContext();
  // like the real panel, no plot without a time and a number field (the loading state has no frames at all)
  const plottable = data.series.some(
    (f) => f.fields.some((x) => x.type === FieldType.time) && f.fields.some((x) => x.type === FieldType.number)
  );
  if (!plottable) return <div data-testid="harness-timeseries-empty">No data</div>;
  return (
    <div data-testid="harness-timeseries">
      <TimeSeries
        frames={data.series}
        width={width}
        height={height}
        timeRange={{ ...data.timeRange, raw: { from: dateTime(data.timeRange.from), to: dateTime(data.timeRange.to) } }}
        timeZone={timeZone}
        legend={{ showLegend: true, displayMode: LegendDisplayMode.List, placement: 'bottom', calcs: [] }}
      >
        {(config) => (
          <>
            <TooltipPlugin2
              config={config}
              hoverMode={0}
              queryZoom={onChangeTimeRange}
              syncMode={sync?.()}
              syncScope={eventsScope}
              render={(u, idxs, seriesIdx) => {
                if (seriesIdx == null) return null;
                const s = u.series[seriesIdx];
                const idx = idxs[seriesIdx];
                return (
                  <div style={{ padding: 8 }} data-testid="harness-timeseries-tooltip">
                    {String(s.label ?? '')}: {idx == null ? '' : String(u.data[seriesIdx][idx])}
                  </div>
                );
              }}
            />
            <Annotations config={config} frames={data.annotations ?? []} />
          </>
        )}
      </TimeSeries>
    </div>
  );
}
