import { ParameterError } from '../core/errors';
import { severityOf } from '../contract/rules';
import { lcg } from '../../tests/helpers/streams';
import {
  DEFAULT_ENSEMBLE,
  detectorScore,
  ensemblePoint,
  resolveEnsembleOptions,
  startEnsemble,
  updateEnsemble,
} from './ensemble';
import { describeEvent, escalationStep, feedEvent, ONSET, SATURATED_STRENGTH, startEvents } from './events';
import type { EnsemblePoint } from './types';

const MIN = 60_000;

/** Run an ensemble over values; returns per-point copies of its output. */
function run(values: number[], options = {}): EnsemblePoint[] {
  const state = startEnsemble(options, { intervalMs: MIN });
  const out: EnsemblePoint[] = [];
  values.forEach((x, i) => {
    const p = ensemblePoint(state);
    updateEnsemble(state, i * MIN, x, p);
    out.push(p);
  });
  return out;
}

function noisy(n: number, seed = 99): number[] {
  const rnd = lcg(seed);
  return Array.from({ length: n }, () => 50 + (rnd() - 0.5) * 6);
}

describe('ensemble', () => {
  test('finds an injected spike: the strongest detector decides, and each detector says how strongly it saw it', () => {
    const values = noisy(600);
    values[400] = 120;
    const out = run(values);
    expect(out[400].anomalous).toBe(true);
    expect(out[400].score).toBeGreaterThanOrEqual(75);
    const scores = Array.from(out[400].strengths, detectorScore).filter(Number.isFinite);
    expect(out[400].score).toBe(Math.max(...scores));
    const novelty = DEFAULT_ENSEMBLE.detectors.indexOf('novelty');
    expect(detectorScore(out[400].strengths[novelty])).toBe(100); // novelty saw a value never seen before
    expect(out[400].confidence).toBeGreaterThan(0);
    const flagged = out.slice(100).filter((p) => p.anomalous).length;
    expect(flagged).toBeLessThanOrEqual(3);
  });

  test('the band comes from a detector that has one, and direction says above or below', () => {
    const values = noisy(300);
    values[250] = 10;
    const out = run(values);
    expect(out[250].expected).toBeGreaterThan(45);
    expect(out[250].expected).toBeLessThan(55);
    expect(out[250].lower).toBeLessThan(out[250].expected);
    expect(out[250].direction).toBe(-1);
  });

  test('majority needs half the active weight; any needs one', () => {
    const values = noisy(400);
    values[300] = 90;
    const any = run(values, { detectors: ['novelty', 'zscore'], mode: 'any' });
    const majority = run(values, { detectors: ['novelty', 'zscore'], mode: 'majority' });
    const count = (ps: EnsemblePoint[]) => ps.filter((p) => p.anomalous).length;
    expect(count(majority)).toBeLessThanOrEqual(count(any));
  });

  test('the score of a point does not depend on later points (causal)', () => {
    const a = noisy(300);
    const b = a.slice();
    b[299] = 1000;
    const ra = run(a);
    const rb = run(b);
    expect(ra.slice(0, 299).map((p) => p.score)).toEqual(rb.slice(0, 299).map((p) => p.score));
    expect(rb[299].anomalous).toBe(true);
  });

  test('bad options are refused with the option named; choosing detectors drops the others’ weights', () => {
    expect(() => resolveEnsembleOptions({ detectors: [] })).toThrow(ParameterError);
    expect(() => resolveEnsembleOptions({ detectors: ['zscore', 'zscore'] })).toThrow(/twice/);
    expect(() => resolveEnsembleOptions({ mode: 'most' as never })).toThrow(/mode/);
    expect(() => resolveEnsembleOptions({ threshold: 200 })).toThrow(/threshold/);
    expect(() => resolveEnsembleOptions({ detectors: ['zscore'], weights: { zscore: -1 } })).toThrow(
      /weight of "zscore"/
    );
    expect(resolveEnsembleOptions({ detectors: ['novelty', 'zscore'] }).weights).toEqual({ novelty: 1 });
    expect(resolveEnsembleOptions({}).weights).toEqual(DEFAULT_ENSEMBLE.weights);
  });

  test('severity bands', () => {
    expect(severityOf(80)).toBe('critical');
    expect(severityOf(50)).toBe('major');
    expect(severityOf(25)).toBe('minor');
    expect(severityOf(10)).toBe('warning');
  });
});

describe('event logic', () => {
  /** Feed strengths (as scores) through the event builder; returns the onset flags and the closed events. */
  function events(strengths: number[], onset = 5, anomalousAt = 50) {
    const state = startEvents({ onset, mergeGap: 1 }, MIN);
    const onsets: boolean[] = [];
    const closed: number[] = [];
    strengths.forEach((s, i) => {
      const point: EnsemblePoint = {
        score: s,
        strength: s,
        anomalous: s >= anomalousAt,
        confidence: 1,
        direction: 1,
        expected: 0,
        lower: -1,
        upper: 1,
        strengths: Float64Array.of(s),
      };
      const flags = feedEvent(state, i * MIN, s, point, true);
      onsets.push((flags & ONSET) !== 0);
      if (state.closed) closed.push(state.closed.start / MIN);
    });
    return { onsets, closed, state };
  }

  test('a run of high scores is one event opened at its start, with a gap of one normal point tolerated', () => {
    const { onsets, closed } = events([0, 60, 70, 10, 80, 0, 0, 0, 0]);
    expect(onsets.filter(Boolean).length).toBe(1);
    expect(onsets[1]).toBe(true);
    expect(closed).toEqual([1]);
  });

  test('a repeat within the refractory window is suppressed unless it escalates', () => {
    const repeat = events([0, 90, 0, 0, 60, 0, 0, 0, 0, 0, 0, 0]);
    expect(repeat.onsets.filter(Boolean).length).toBe(1);
    const escalation = events([0, 60, 0, 0, 90, 0, 0, 0, 0, 0, 0, 0]);
    expect(escalation.onsets.filter(Boolean).length).toBe(2);
    const later = events([0, 90, 0, 0, 0, 0, 0, 0, 60, 0, 0]);
    expect(later.onsets.filter(Boolean).length).toBe(2); // after the window
  });

  test('beyond score 100 a repeat escalates only when it reaches the next doubling step of strength', () => {
    const sat = SATURATED_STRENGTH;
    // both saturated; the second 1.8 times as strong: the same step, suppressed
    expect(events([0, 1.1 * sat, 0, 0, 1.98 * sat, 0, 0], 5, 1).onsets.filter(Boolean).length).toBe(1);
    // more than twice as strong as the first step: an escalation
    expect(events([0, 1.1 * sat, 0, 0, 2.2 * sat, 0, 0], 5, 1).onsets.filter(Boolean).length).toBe(2);
    // below saturation any rise escalates, as before
    expect(events([0, 0.5 * sat, 0, 0, 0.6 * sat, 0, 0], 5, 1).onsets.filter(Boolean).length).toBe(2);
    expect(escalationStep(3)).toBe(3);
    expect(escalationStep(1.5 * sat)).toBe(sat);
    expect(escalationStep(4.5 * sat)).toBe(4 * sat);
    expect(escalationStep(NaN)).toBe(0);
    expect(escalationStep(Infinity)).toBe(Infinity);
  });

  test('an event says which detectors saw it, with severity and an explanation', () => {
    const { state } = events([0, 90]);
    const e = describeEvent(state.open!, { __name__: 'latency' }, ['novelty'], state.options);
    expect(e.severity).toBe('critical');
    expect(e.detectors).toEqual({ novelty: 100 });
    expect(e.explanation).toMatch(/latency was 90, above the expected 0 \(band -1 to 1\); 1 of 1 detectors saw it/);
  });
});
