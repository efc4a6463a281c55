import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';

import { formatValue } from '../datasource/transforms';
import { ecdfSteps, largestGap } from './ecdf';

const W = 560;
const H = 220;
const PAD = { left: 44, right: 12, top: 12, bottom: 34 };

/**
 * The two samples behind a drift verdict as ECDFs on one plot (reference and recent window, seasonally adjusted),
 * with the largest gap between them (the KS statistic) marked. Plain SVG in the theme's colours.
 */
export function DriftChart({
  reference,
  recent,
  title,
}: {
  reference: readonly number[];
  recent: readonly number[];
  title: string;
}) {
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const refColor = theme.visualization.getColorByName('blue');
  const recentColor = theme.visualization.getColorByName('orange');
  const all = [...reference, ...recent];
  if (all.length === 0) return null;
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (hi === lo) {
    lo -= 1;
    hi += 1;
  }
  const x = (v: number) => PAD.left + ((v - lo) / (hi - lo)) * (W - PAD.left - PAD.right);
  const y = (p: number) => H - PAD.bottom - p * (H - PAD.top - PAD.bottom);
  const path = (sample: readonly number[]) => {
    let d = `M${x(lo)},${y(0)}`;
    let last = 0;
    for (const [v, p] of ecdfSteps(sample)) {
      d += `H${x(v)}V${y(p)}`;
      last = p;
    }
    return `${d}H${x(hi)}V${y(last)}`;
  };
  const gap = largestGap(reference, recent);
  const ticks = [lo, (lo + hi) / 2, hi];
  return (
    <figure className={styles.figure} data-testid="vigil-drift-chart">
      <figcaption className={styles.caption}>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" style={{ maxWidth: W }} role="img" aria-label={title}>
        <line x1={PAD.left} x2={W - PAD.right} y1={y(0)} y2={y(0)} stroke={theme.colors.border.medium} />
        <line x1={PAD.left} x2={PAD.left} y1={y(0)} y2={y(1)} stroke={theme.colors.border.medium} />
        {[0, 0.5, 1].map((p) => (
          <text key={p} x={PAD.left - 6} y={y(p) + 4} textAnchor="end" className={styles.tick}>
            {p}
          </text>
        ))}
        {ticks.map((v, k) => (
          <text
            key={k}
            x={x(v)}
            y={H - PAD.bottom + 16}
            textAnchor={k === 0 ? 'start' : k === ticks.length - 1 ? 'end' : 'middle'}
            className={styles.tick}
          >
            {formatValue(v)}
          </text>
        ))}
        <text x={(W + PAD.left) / 2} y={H - 4} textAnchor="middle" className={styles.tick}>
          value minus the baseline of its phase
        </text>
        <path d={path(reference)} fill="none" stroke={refColor} strokeWidth={2} data-testid="vigil-drift-ecdf-ref" />
        <path d={path(recent)} fill="none" stroke={recentColor} strokeWidth={2} data-testid="vigil-drift-ecdf-recent" />
        {gap.d > 0 && (
          <line
            x1={x(gap.at)}
            x2={x(gap.at)}
            y1={y(gap.a)}
            y2={y(gap.b)}
            stroke={theme.colors.error.text}
            strokeWidth={2}
            strokeDasharray="4 3"
            data-testid="vigil-drift-gap"
          />
        )}
      </svg>
      <div className={styles.legend}>
        <span>
          <i className={styles.swatch} style={{ background: refColor }} /> reference ({reference.length} values)
        </span>
        <span>
          <i className={styles.swatch} style={{ background: recentColor }} /> recent window ({recent.length} values)
        </span>
        {gap.d > 0 && <span>largest gap (KS statistic) {formatValue(gap.d)}</span>}
      </div>
    </figure>
  );
}

function getStyles(theme: GrafanaTheme2) {
  return {
    figure: css({ margin: theme.spacing(1, 0, 2) }),
    caption: css({ fontWeight: theme.typography.fontWeightMedium, marginBottom: theme.spacing(0.5) }),
    tick: css({ fill: theme.colors.text.secondary, fontSize: 11 }),
    legend: css({
      display: 'flex',
      flexWrap: 'wrap',
      gap: theme.spacing(2),
      color: theme.colors.text.secondary,
      fontSize: theme.typography.bodySmall.fontSize,
    }),
    swatch: css({ display: 'inline-block', width: 12, height: 3, verticalAlign: 'middle', marginRight: 4 }),
  };
}
