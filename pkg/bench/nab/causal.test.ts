import * as path from 'node:path';
import { fitEnsemble, scoreEnsemble } from '../../ensemble/ensemble';
import { readNabCsv } from './corpus';
import { combineOnline, causalRawScores } from './causal';
import { nabDir } from './paths';
import { NAB_CONFIGURATION } from './config';
import { detectStreaming, withOnset } from './runner';

const table = readNabCsv(path.join(nabDir(), 'data', 'realAdExchange', 'exchange-3_cpc_results.csv'));
const timestamps = table.timestamps;
const values = table.columns.value;
const intervalMs = 3600_000;

describe('combineOnline', () => {
  it('matches scoreEnsemble with online calibration for causal detectors', () => {
    const input = { timestamps, values, intervalMs };
    const train = { timestamps: timestamps.subarray(0, 230), values: values.subarray(0, 230), intervalMs };
    const model = fitEnsemble(train, { detectors: ['zscore', 'mad', 'spike'] });
    const expected = scoreEnsemble(model, input, { calibration: 'online' });
    const raws = model.members.map((m) => causalRawScores(m.name, m.model, input, 230));
    const got = combineOnline(model, raws);
    expect(Array.from(got.score)).toEqual(Array.from(expected.score));
    expect(Array.from(got.anomalous)).toEqual(Array.from(expected.anomalous));
    expect(Array.from(got.contributions.spike)).toEqual(Array.from(expected.contributions.spike));
  });
});

describe('detectStreaming', () => {
  it('scores row t from rows <= t only, seasonal detector included', () => {
    const cut = 900;
    const a = detectStreaming('a', timestamps, values, { detectors: ['zscore', 'spike', 'seasonal'] });
    const changed = Float64Array.from(values, (v, i) => (i >= cut ? v * 3 + 1 : v));
    const b = detectStreaming('b', timestamps, changed, { detectors: ['zscore', 'spike', 'seasonal'] });
    expect(Array.from(a.score.subarray(0, cut))).toEqual(Array.from(b.score.subarray(0, cut)));
    expect(Array.from(a.contributions.seasonal.subarray(0, cut))).toEqual(
      Array.from(b.contributions.seasonal.subarray(0, cut))
    );
    // the change is seen from the cut on
    expect(Array.from(a.score.subarray(cut))).not.toEqual(Array.from(b.score.subarray(cut)));
    // the seasonal member judged rows after training (hourly data: daily period found)
    expect(a.contributions.seasonal.subarray(a.trainRows).some((x) => x > 0)).toBe(true);
    for (const x of a.score) expect(x >= 0 && x <= 1).toBe(true);
  });

  it('scores row t from rows <= t only with the NAB configuration (novelty), onsets included', () => {
    const cut = 900;
    const changed = Float64Array.from(values, (v, i) => (i >= cut ? v * 3 + 1 : v));
    const a = detectStreaming('a', timestamps, values, NAB_CONFIGURATION.ensemble);
    const b = detectStreaming('b', timestamps, changed, NAB_CONFIGURATION.ensemble);
    const onsets = (d: typeof a) => Array.from(withOnset(d.score, d, NAB_CONFIGURATION.onset).subarray(0, cut));
    expect(onsets(a)).toEqual(onsets(b));
    expect(Array.from(a.score.subarray(cut))).not.toEqual(Array.from(b.score.subarray(cut)));
    // tripling the level at the cut is a value never seen before
    expect(b.score[cut]).toBe(1);
  });
});
