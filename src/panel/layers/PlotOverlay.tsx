import React, { ReactNode, useLayoutEffect, useReducer, useState } from 'react';
import { createPortal } from 'react-dom';
import type uPlot from 'uplot';
import type { UPlotConfigBuilder } from '@grafana/ui';

import { tickLabelBoxes } from './FitTickLabels';

/**
 * A layer of DOM elements over the plot area of Grafana's time series component (inside uPlot's `over` element, as
 * Grafana's own annotation markers are), redrawn whenever the plot is (zoom, resize, new data). `children` gets the
 * plot to turn values into pixels (`u.valToPos`). The root carries the plotted scales as data attributes
 * (`data-x-min`, `data-x-max`, `data-y-min`, `data-y-max` of the first y scale) and the boxes of the drawn tick labels
 * (`data-tick-labels`, JSON, CSS px from the plot root's corner) so that what is drawn can be checked.
 */
export function PlotOverlay({ config, children }: { config: UPlotConfigBuilder; children: (u: uPlot) => ReactNode }) {
  const [plot, setPlot] = useState<uPlot>();
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  useLayoutEffect(() => {
    config.addHook('init', (u) => setPlot(u));
    config.addHook('draw', () => redraw());
  }, [config]);
  if (!plot) return null;
  const yKey = config.scaleKeys?.[1];
  const y = yKey ? plot.scales[yKey] : undefined;
  return createPortal(
    <div
      data-testid="vigil-overlay"
      data-x-min={plot.scales.x?.min}
      data-x-max={plot.scales.x?.max}
      data-y-min={y?.min}
      data-y-max={y?.max}
      data-tick-labels={JSON.stringify(tickLabelBoxes(plot))}
      style={{ position: 'absolute', inset: 0, pointerEvents: 'none' }}
    >
      {children(plot)}
    </div>,
    plot.over
  );
}
