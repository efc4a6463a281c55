import React, { createContext, useContext } from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { Button, Icon, LinkButton, useStyles2 } from '@grafana/ui';

import { formatValue, MarkerEvent } from '../../datasource/transforms';
import type { FeedbackVerdict } from '../../../pkg/contract';
import type { TooltipRow } from '../layout';
import { FeedbackState, VERDICT_TEXT } from '../useFeedback';

export interface AnomalyActions {
  /** whether the signed-in role may give feedback (Editors and Admins) */
  canWrite: boolean;
  feedback: FeedbackState;
  verdictOf: (e: MarkerEvent) => FeedbackVerdict | undefined;
  send: (e: MarkerEvent, v: FeedbackVerdict) => void;
  undo: (e: MarkerEvent) => void;
  /** the new-job page prefilled with the ad-hoc query an event came from, if any */
  saveAsJobUrl: (e: MarkerEvent) => string | undefined;
}

const noActions: AnomalyActions = {
  canWrite: false,
  feedback: { verdicts: {} },
  verdictOf: () => undefined,
  send: () => {},
  undo: () => {},
  saveAsJobUrl: () => undefined,
};

/**
 * The panel's live feedback state and actions. The tooltip's contents are made when the cursor moves, so they read
 * these from context (which reaches into the tooltip's portal) to show a verdict as soon as it is recorded.
 */
export const AnomalyActionsContext = createContext<AnomalyActions>(noActions);

/**
 * The series tooltip: the time, each series' value (in its colour, unit and decimals) with its expected value, band
 * and anomaly score, then the anomalies at that time with each detector's vote and the feedback actions (a click on
 * the plot pins the tooltip so they can be used).
 */
export function SeriesTooltip({
  time,
  rows,
  events,
  pinned,
  fmtTime,
}: {
  time: string;
  rows: TooltipRow[];
  events: MarkerEvent[];
  pinned: boolean;
  fmtTime: (t: number) => string;
}) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.wrapper} data-testid="vigil-series-tooltip" role="dialog" aria-label={`Values at ${time}`}>
      <div className={styles.time}>{time}</div>
      {rows.map((r, i) => (
        <div key={i} className={styles.row} data-testid="vigil-tooltip-row" data-closest={r.closest}>
          <span className={styles.swatch} style={{ background: r.color }} />
          <span className={styles.name}>{r.name}</span>
          <span className={styles.value}>{r.value}</span>
          {(r.expected || r.score) && (
            <span className={styles.detail}>
              {r.expected && `expected ${r.expected}`}
              {r.expected && r.score && ' · '}
              {r.score && `score ${r.score}`}
            </span>
          )}
        </div>
      ))}
      {events.map((e) => (
        <AnomalyDetails key={e.id || `${e.start}${e.refId}`} event={e} pinned={pinned} fmtTime={fmtTime} />
      ))}
    </div>
  );
}

/** One anomaly: when, how strong, expected vs actual, each detector's vote, and what can be said about it. */
export function AnomalyDetails({
  event: e,
  pinned,
  fmtTime,
}: {
  event: MarkerEvent;
  pinned: boolean;
  fmtTime: (t: number) => string;
}) {
  const styles = useStyles2(getStyles);
  const actions = useContext(AnomalyActionsContext);
  const votes = Object.entries(e.detectors).sort((a, b) => b[1] - a[1]);
  const verdict = actions.verdictOf(e);
  const busy = actions.feedback.busy === e.id;
  const jobUrl = e.id ? undefined : actions.saveAsJobUrl(e);
  return (
    <div className={styles.anomaly} data-testid="vigil-tooltip" data-id={e.id} data-peak={e.peak}>
      <div className={styles.anomalyTitle}>{e.title || `${e.severity} anomaly`}</div>
      <table className={styles.table}>
        <tbody>
          <tr>
            <th>Start</th>
            <td data-testid="vigil-tooltip-start">{fmtTime(e.start)}</td>
          </tr>
          <tr>
            <th>End</th>
            <td data-testid="vigil-tooltip-end">{fmtTime(e.end)}</td>
          </tr>
          <tr>
            <th>Score</th>
            <td data-testid="vigil-tooltip-score">
              {Math.round(e.score)} ({e.severity})
            </td>
          </tr>
          <tr>
            <th>Expected / actual</th>
            <td data-testid="vigil-tooltip-values">
              {formatValue(e.expected)} / {formatValue(e.actual)} {e.direction ? `(${e.direction})` : ''}
            </td>
          </tr>
        </tbody>
      </table>
      <div className={styles.votes} data-testid="vigil-tooltip-votes">
        {votes.length === 0 && <span className={styles.muted}>No detector votes recorded</span>}
        {votes.map(([d, s]) => (
          <div key={d} className={styles.vote} data-detector={d}>
            <span className={styles.muted}>{d}</span>
            <span className={styles.voteBar}>
              <span style={{ width: `${Math.max(2, Math.min(100, s))}%` }} />
            </span>
            <span>{Math.round(s)}</span>
          </div>
        ))}
      </div>
      <div className={styles.feedback}>
        {e.id && verdict && (
          <>
            <span data-testid="vigil-tooltip-verdict">
              <Icon name="check" /> {VERDICT_TEXT[verdict]}
            </span>
            {actions.canWrite && pinned && (
              <Button size="sm" variant="secondary" fill="text" disabled={busy} onClick={() => actions.undo(e)}>
                Undo
              </Button>
            )}
          </>
        )}
        {e.id && !verdict && actions.canWrite && pinned && (
          <>
            <Button size="sm" variant="secondary" disabled={busy} onClick={() => actions.send(e, 'confirmed')}>
              Confirm
            </Button>
            <Button size="sm" variant="secondary" disabled={busy} onClick={() => actions.send(e, 'false_positive')}>
              Mark as false positive
            </Button>
            <Button size="sm" variant="secondary" disabled={busy} onClick={() => actions.send(e, 'expected')}>
              Expected
            </Button>
          </>
        )}
        {e.id && !verdict && actions.canWrite && !pinned && (
          <span className={styles.muted}>Click to pin this, then confirm it or mark it as a false positive.</span>
        )}
        {e.id && !actions.canWrite && <span className={styles.muted}>Editors can give feedback on anomalies.</span>}
        {!e.id &&
          (actions.canWrite && jobUrl ? (
            <span className={styles.muted}>
              <LinkButton
                size="sm"
                variant="secondary"
                fill="text"
                icon="plus"
                href={jobUrl}
                data-testid="vigil-save-as-job"
              >
                Save this query as a job
              </LinkButton>{' '}
              to give feedback.
            </span>
          ) : (
            <span className={styles.muted}>
              Ad-hoc results are not stored: save this query as a job to give feedback.
            </span>
          ))}
        {actions.feedback.error && (
          <div className={styles.error} data-testid="vigil-feedback-error" role="alert">
            {actions.feedback.error}
          </div>
        )}
      </div>
    </div>
  );
}

function getStyles(theme: GrafanaTheme2) {
  return {
    wrapper: css({
      whiteSpace: 'normal',
      padding: theme.spacing(1),
      minWidth: 240,
      maxWidth: 380,
      fontSize: theme.typography.bodySmall.fontSize,
      color: theme.colors.text.primary,
    }),
    time: css({ fontWeight: theme.typography.fontWeightMedium, marginBottom: theme.spacing(0.5) }),
    row: css({
      display: 'grid',
      gridTemplateColumns: '10px 1fr auto',
      columnGap: theme.spacing(1),
      alignItems: 'center',
    }),
    swatch: css({ width: 10, height: 3, borderRadius: 1 }),
    name: css({ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }),
    value: css({ fontWeight: theme.typography.fontWeightMedium, textAlign: 'right' }),
    detail: css({ gridColumn: '2 / 4', color: theme.colors.text.secondary }),
    anomaly: css({
      marginTop: theme.spacing(1),
      paddingTop: theme.spacing(1),
      borderTop: `1px solid ${theme.colors.border.weak}`,
    }),
    anomalyTitle: css({ fontWeight: theme.typography.fontWeightMedium }),
    table: css({
      width: '100%',
      th: { textAlign: 'left', color: theme.colors.text.secondary, fontWeight: 'normal', paddingRight: 8 },
    }),
    votes: css({ margin: `${theme.spacing(0.5)} 0` }),
    vote: css({ display: 'grid', gridTemplateColumns: '80px 1fr 28px', gap: 6, alignItems: 'center' }),
    voteBar: css({
      height: 6,
      background: theme.colors.background.canvas,
      borderRadius: 3,
      span: { display: 'block', height: 6, borderRadius: 3, background: theme.colors.primary.main },
    }),
    feedback: css({ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: theme.spacing(1) }),
    muted: css({ color: theme.colors.text.secondary }),
    error: css({ color: theme.colors.error.text, width: '100%' }),
  };
}
