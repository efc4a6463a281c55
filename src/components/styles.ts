import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';

/** Table and page styles shared by the app pages, from the Grafana theme. */
export function getPageStyles(theme: GrafanaTheme2) {
  return {
    table: css({
      width: '100%',
      borderCollapse: 'collapse',
      'th, td': {
        padding: theme.spacing(0.75, 1),
        borderBottom: `1px solid ${theme.colors.border.weak}`,
        textAlign: 'left',
      },
      th: { color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium },
      'tbody tr:hover': { background: theme.colors.action.hover },
    }),
    ok: css({ color: theme.colors.success.text }),
    bad: css({ color: theme.colors.error.text }),
    muted: css({ color: theme.colors.text.secondary }),
    toolbar: css({ display: 'flex', gap: theme.spacing(1), marginBottom: theme.spacing(2), alignItems: 'center' }),
    nav: css({
      display: 'flex',
      gap: theme.spacing(2),
      marginBottom: theme.spacing(2),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
    }),
    navItem: (active: boolean) =>
      css({
        padding: theme.spacing(1, 0.5),
        color: active ? theme.colors.text.primary : theme.colors.text.secondary,
        borderBottom: active ? `2px solid ${theme.colors.primary.main}` : '2px solid transparent',
        cursor: 'pointer',
        background: 'none',
        border: 'none',
        fontSize: theme.typography.body.fontSize,
      }),
    section: css({ marginBottom: theme.spacing(3) }),
  };
}
