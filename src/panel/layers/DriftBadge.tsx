import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { Icon, useStyles2 } from '@grafana/ui';

/**
 * The drift badge, in the plot's top-right corner (not a row of its own): the drifting jobs by name with their
 * p-value, in red, or "No drift: <job>" in green; every job's status in its title.
 */
export function DriftBadge({ badge }: { badge: { text: string; drifting: boolean; title: string } }) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.badge(badge.drifting)} data-testid="vigil-drift-badge" title={badge.title}>
      <Icon name={badge.drifting ? 'exclamation-triangle' : 'check'} size="sm" />
      <span>{badge.text}</span>
    </div>
  );
}

function getStyles(theme: GrafanaTheme2) {
  return {
    badge: (drifting: boolean) =>
      css({
        position: 'absolute',
        top: 4,
        right: 8,
        zIndex: 2,
        display: 'inline-flex',
        alignItems: 'center',
        gap: 4,
        maxWidth: '70%',
        overflow: 'hidden',
        textOverflow: 'ellipsis',
        whiteSpace: 'nowrap',
        padding: '1px 8px',
        borderRadius: theme.shape.radius.pill,
        fontSize: theme.typography.bodySmall.fontSize,
        background: theme.colors.background.primary,
        color: drifting ? theme.colors.error.text : theme.colors.success.text,
        border: `1px solid ${drifting ? theme.colors.error.border : theme.colors.success.border}`,
        pointerEvents: 'auto',
      }),
  };
}
