import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

/**
 * "Now" when the plot runs past it (forecasts): a dotted line at now and the future lightly shaded, so the forecast
 * reads as a forecast.
 * @param left px of now from the plot's left; width of the plot in px
 */
export function ForecastLayer({ left, width }: { left: number; width: number }) {
  const styles = useStyles2(getStyles);
  if (!(left >= 0 && left < width)) return null;
  return (
    <div data-testid="vigil-now" data-left={left.toFixed(1)}>
      <div className={styles.future} style={{ left, width: width - left }} />
      <div className={styles.now} style={{ left }} title="now" />
    </div>
  );
}

function getStyles(theme: GrafanaTheme2) {
  return {
    future: css({ position: 'absolute', top: 0, bottom: 0, background: theme.colors.action.hover }),
    now: css({ position: 'absolute', top: 0, bottom: 0, borderLeft: `1px dashed ${theme.colors.text.secondary}` }),
  };
}
