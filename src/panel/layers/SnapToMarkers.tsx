import { useLayoutEffect, type MutableRefObject } from 'react';
import type { UPlotConfigBuilder } from '@grafana/ui';

import { markerRowNear } from '../layout';

/** How near a marker the pointer must be (CSS px) for the hover to take the marker's own point. */
export const MARKER_SNAP_PX = 8;

/**
 * Makes a marker easy to hover and pin on a dense plot: while the pointer is within {@link MARKER_SNAP_PX} of a drawn
 * marker's peak, every series' hovered row is the peak's row (see `markerRowNear`), so the tooltip shows the anomaly's
 * point and a click pins it. Elsewhere uPlot's own choice of row stands. Wraps the plot's `cursor.dataIdx` once, at
 * init; `peaks` is read at each hover, so it follows the markers without rebuilding the plot. Renders nothing.
 */
export function SnapToMarkers({ config, peaks }: { config: UPlotConfigBuilder; peaks: MutableRefObject<number[]> }) {
  useLayoutEffect(() => {
    config.addHook('init', (u) => {
      const base = u.cursor.dataIdx;
      if (!base) return;
      u.cursor.dataIdx = (self, seriesIdx, cursorIdx, valAtPosX) => {
        const xs = self.data[0];
        const slack = Math.abs(self.posToVal(MARKER_SNAP_PX, 'x') - self.posToVal(0, 'x'));
        const row = markerRowNear(xs, peaks.current, valAtPosX, slack);
        const ys = self.data[seriesIdx];
        return row !== undefined && (seriesIdx === 0 || ys?.[row] != null)
          ? row
          : base(self, seriesIdx, cursorIdx, valAtPosX);
      };
    });
  }, [config, peaks]);
  return null;
}
