import type { JobSpec } from '../../pkg/contract';
import { describeKind, jobPayload, kindOf, outlierProblem, withKind } from './jobKind';

const detection: JobSpec = {
  name: 'cpu',
  source: { type: 'prometheus', query: 'cpu' },
  detectors: [],
  mode: 'majority',
  threshold: 60,
  interval: '5m',
  trainingWindow: '7d',
  forecastHorizon: 12,
};

describe('job kinds in the editor', () => {
  it('a spec without a kind is a detection job', () => {
    expect(kindOf(detection)).toBe('anomaly');
    expect(kindOf({ kind: 'outliers' })).toBe('outliers');
    expect(describeKind(detection)).toBe('detection');
    expect(describeKind({ kind: 'outliers' })).toBe('peer outliers (DBSCAN)');
    expect(describeKind({ kind: 'outliers', outliers: { algorithm: 'mad' } })).toBe('peer outliers (MAD)');
  });

  it('saves an outliers job with its options and without the detection-only fields', () => {
    const spec = { ...withKind(detection, 'outliers'), outliers: { algorithm: 'mad' as const, sensitivity: 0.7 } };
    expect(jobPayload(spec)).toEqual({
      name: 'cpu',
      kind: 'outliers',
      source: { type: 'prometheus', query: 'cpu' },
      interval: '5m',
      trainingWindow: '7d',
      outliers: { algorithm: 'mad', sensitivity: 0.7 },
    });
    // a cleared field is the engine's default, not a null it would refuse
    expect(jobPayload({ ...spec, outliers: { algorithm: 'mad', sensitivity: undefined } }).outliers).toEqual({
      algorithm: 'mad',
    });
  });

  it('switching back to detection restores the detection fields and saves no outlier options', () => {
    const back = withKind({ ...withKind(detection, 'outliers'), outliers: { minDuration: 5 } }, 'anomaly');
    expect(kindOf(back)).toBe('anomaly');
    expect(jobPayload(back)).toEqual({
      name: 'cpu',
      kind: 'anomaly',
      source: { type: 'prometheus', query: 'cpu' },
      mode: 'majority',
      threshold: 60,
      interval: '5m',
      trainingWindow: '7d',
      forecastHorizon: 12,
    });
  });

  it("names what is wrong with an outliers job's options, with the API's bounds", () => {
    expect(outlierProblem(undefined)).toBeUndefined();
    expect(outlierProblem({ sensitivity: 0, minDuration: 1 })).toBeUndefined();
    expect(outlierProblem({ sensitivity: 1, minDuration: 10000 })).toBeUndefined();
    expect(outlierProblem({ sensitivity: 1.5 })).toBe('Sensitivity must be between 0 and 1');
    expect(outlierProblem({ sensitivity: NaN })).toBe('Sensitivity must be between 0 and 1');
    expect(outlierProblem({ minDuration: 2.5 })).toMatch(/^Minimum duration must be a whole number/);
    expect(outlierProblem({ minDuration: 0 })).toMatch(/^Minimum duration/);
  });
});
