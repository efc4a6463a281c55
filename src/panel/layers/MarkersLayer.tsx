import React from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, GrafanaTheme2 } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';

import type { FeedbackVerdict } from '../../../pkg/contract';
import type { MarkerPlacement } from '../layout';
import type { SeverityColors } from '../options';

/**
 * Anomaly markers: each event's span shaded from start to end and a dot at its peak and actual value, coloured by
 * severity (hollow once it has a verdict). The markers do not take the mouse: hovering one hovers the plot at that
 * point, so the series tooltip (with the anomaly's details and feedback) opens there, and a click pins it.
 */
export function MarkersLayer({
  placements,
  colors,
  verdictOf,
  timeZone,
}: {
  placements: MarkerPlacement[];
  colors: SeverityColors;
  verdictOf: (p: MarkerPlacement) => FeedbackVerdict | undefined;
  timeZone: string;
}) {
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const color = (c: string) => theme.visualization.getColorByName(c);
  return (
    <>
      {placements.map((p) => (
        <div
          key={`r${p.event.id || p.event.start}${p.event.refId}`}
          data-testid="vigil-region"
          className={styles.region}
          style={{ left: p.x0, width: p.x1 - p.x0, background: color(colors[p.event.severity]) }}
        />
      ))}
      {placements.map((p) => {
        const verdict = verdictOf(p);
        const c = color(colors[p.event.severity]);
        return (
          <div
            key={`m${p.event.id || p.event.start}${p.event.refId}`}
            role="img"
            aria-label={`${p.event.title || `${p.event.severity} anomaly`} at ${dateTimeFormat(p.event.peak, {
              format: 'YYYY-MM-DD HH:mm:ss',
              timeZone,
            })}`}
            data-testid="vigil-marker"
            data-severity={p.event.severity}
            data-id={p.event.id}
            data-start={p.event.start}
            data-peak={p.event.peak}
            data-feedback={verdict ?? ''}
            data-left={p.left.toFixed(2)}
            data-top={p.top.toFixed(2)}
            className={styles.marker}
            style={{
              left: p.left,
              top: p.top,
              background: verdict ? theme.colors.background.primary : c,
              borderColor: verdict ? c : theme.colors.background.primary,
              width: verdict ? 9 : 12,
              height: verdict ? 9 : 12,
              borderWidth: verdict ? 2 : 1.5,
            }}
          />
        );
      })}
    </>
  );
}

function getStyles(_theme: GrafanaTheme2) {
  return {
    region: css({ position: 'absolute', top: 0, bottom: 0, opacity: 0.12 }),
    marker: css({
      position: 'absolute',
      transform: 'translate(-50%, -50%)',
      borderRadius: '50%',
      borderStyle: 'solid',
      boxSizing: 'border-box',
    }),
  };
}
