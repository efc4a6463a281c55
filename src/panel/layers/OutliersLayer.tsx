import React from 'react';
import { colorManipulator } from '@grafana/data';

import type { OutlierPeriod } from '../layout';

/**
 * The periods during which a series behaved unlike its peers, shaded over the plot's full height in that series'
 * colour, with a bar along the top; hovering one names the series. Each shade carries its series and times as data
 * attributes (`data-series`, `data-start`, `data-end`, `data-x0`, `data-x1`) so that what is drawn can be checked.
 * @param toX epoch ms -> px from the plot's left; `width` the plot's width in px
 */
export function OutliersLayer({
  periods,
  toX,
  width,
  from,
  to,
}: {
  periods: OutlierPeriod[];
  toX: (t: number) => number;
  width: number;
  from: number;
  to: number;
}) {
  return (
    <>
      {periods
        .filter((p) => p.end >= from && p.start <= to)
        .map((p) => {
          const x0 = Math.max(0, toX(Math.max(p.start, from)));
          const x1 = Math.min(width, Math.max(toX(Math.min(p.end, to)), x0 + 2));
          return (
            <div
              key={`${p.name}:${p.start}`}
              data-testid="vigil-outlier-period"
              data-series={p.name}
              data-start={p.start}
              data-end={p.end}
              data-x0={x0.toFixed(1)}
              data-x1={x1.toFixed(1)}
              title={`${p.name}: outlier (score ${Math.round(p.score)})`}
              style={{
                position: 'absolute',
                top: 0,
                bottom: 0,
                left: x0,
                width: x1 - x0,
                background: colorManipulator.alpha(p.color, 0.12),
                borderTop: `3px solid ${p.color}`,
              }}
            />
          );
        })}
    </>
  );
}
