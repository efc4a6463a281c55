import { useCallback, useEffect, useState } from 'react';
import type { DataQueryRequest } from '@grafana/data';

import { engineForDataSource } from '../api';
import { DATASOURCE_ID } from '../constants';
import type { MarkerEvent } from '../datasource/transforms';
import type { FeedbackVerdict } from '../../pkg/contract';

/** What the panel shows about feedback: the verdicts given here, the call in flight, the last outcome. */
export interface FeedbackState {
  /** verdicts given (or undone: null) in this panel since it loaded, by anomaly id */
  verdicts: Record<string, FeedbackVerdict | null>;
  /** id of the anomaly whose call is in flight */
  busy?: string;
  /** why the last call failed (shown until the next call) */
  error?: string;
  /** what the last call did (shown for {@link NOTICE_MS}) */
  done?: string;
}

/** How long the panel shows what a feedback call did (ms). */
export const NOTICE_MS = 5000;

export const VERDICT_TEXT: Record<FeedbackVerdict, string> = {
  confirmed: 'Confirmed as an anomaly',
  false_positive: 'Marked as false positive',
  expected: 'Marked as expected',
};

/** The verdict an anomaly carries now: the one given in this panel, else the one the engine stored. */
export function verdictOf(event: MarkerEvent, verdicts: FeedbackState['verdicts']): FeedbackVerdict | undefined {
  if (event.id in verdicts) return verdicts[event.id] ?? undefined;
  return (event.feedback || undefined) as FeedbackVerdict | undefined;
}

/**
 * Feedback on a job's anomalies from the panel: `send` records a verdict (`POST /api/anomalies/:id/feedback`), `undo`
 * removes it (`DELETE` on the same path), both through the data source proxy of the Vigil data source that answered the
 * panel's query (Grafana refuses them for Viewers).
 *
 * @param request the panel's data request (its targets name the Vigil data source); undefined: the first one
 */
export function useFeedback(request: DataQueryRequest | undefined) {
  const [state, setState] = useState<FeedbackState>({ verdicts: {} });
  const dsUid = request?.targets.find((t) => t.datasource?.type === DATASOURCE_ID)?.datasource?.uid;

  const call = useCallback(
    async (event: MarkerEvent, verdict: FeedbackVerdict | null) => {
      setState((s) => ({ ...s, busy: event.id, error: undefined, done: undefined }));
      try {
        const client = await engineForDataSource(dsUid);
        const path = `/api/anomalies/${encodeURIComponent(event.id)}/feedback`;
        if (verdict) await client.post(path, { verdict }, 'Feedback on the anomaly');
        else await client.request({ method: 'DELETE', path }, 'Undoing the feedback');
        setState((s) => ({
          verdicts: { ...s.verdicts, [event.id]: verdict },
          done: verdict ? VERDICT_TEXT[verdict] : 'Feedback removed',
        }));
      } catch (e) {
        setState((s) => ({ ...s, busy: undefined, error: (e as Error).message }));
      }
    },
    [dsUid]
  );

  // the outcome notice goes by itself; an error stays until the next call
  useEffect(() => {
    if (!state.done) return;
    const done = state.done;
    const timer = setTimeout(() => setState((s) => (s.done === done ? { ...s, done: undefined } : s)), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [state.done]);

  return {
    state,
    send: useCallback((event: MarkerEvent, verdict: FeedbackVerdict) => call(event, verdict), [call]),
    undo: useCallback((event: MarkerEvent) => call(event, null), [call]),
    /** forget the last outcome (e.g. when another anomaly is shown) */
    clear: useCallback(() => setState((s) => ({ verdicts: s.verdicts })), []),
  };
}
