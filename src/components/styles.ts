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
    /** a <fieldset> that only groups (to disable its inputs at once) */
    plain: css({ border: 'none', margin: 0, padding: 0, minWidth: 0 }),
    section: css({ marginBottom: theme.spacing(3) }),
    /** a bulleted list whose bullets sit inside its own column (Grafana's reset leaves them hanging to the left) */
    list: css({ margin: 0, paddingLeft: theme.spacing(2.5), listStyle: 'disc' }),
  };
}
