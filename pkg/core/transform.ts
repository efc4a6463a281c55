import { InputError } from './errors';

/**
 * Variance-stabilising transforms applied before detection, so that detectors see noise of the same size at
 * every level. Counts (requests per hour, errors, clients) are Poisson-like: their spread grows with their
 * level, so a quiet night and a busy noon cannot share one band. The Anscombe transform 2·sqrt(x + 3/8)
 * (F. J. Anscombe, "The transformation of Poisson, binomial and negative-binomial data", Biometrika 1948)
 * makes their variance about 1 at any level.
 */
export type TransformName = 'none' | 'sqrt' | 'log';

export interface Transform {
  name: TransformName;
  forward(x: number): number;
  inverse(y: number): number;
}

const TRANSFORMS: Record<TransformName, Transform> = {
  none: { name: 'none', forward: (x) => x, inverse: (y) => y },
  sqrt: {
    name: 'sqrt',
    forward: (x) => 2 * Math.sqrt(Math.max(0, x) + 0.375),
    inverse: (y) => (y <= 2 * Math.sqrt(0.375) ? 0 : (y / 2) ** 2 - 0.375),
  },
  log: { name: 'log', forward: (x) => Math.log1p(Math.max(0, x)), inverse: (y) => Math.expm1(y) },
};

/**
 * Choose a transform: `auto` picks `sqrt` for count series (every present value a non-negative integer, some
 * above 1) and `none` otherwise; a named transform must suit the data (`sqrt` and `log` need values >= 0).
 * @throws InputError when a named transform meets negative values
 */
export function chooseTransform(values: Float64Array, requested: TransformName | 'auto' = 'auto'): Transform {
  let counts = true;
  let negative = false;
  let aboveOne = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    if (v < 0) negative = true;
    if (!Number.isInteger(v) || v < 0) counts = false;
    if (v > 1) aboveOne = true;
  }
  if (requested === 'auto') return counts && aboveOne ? TRANSFORMS.sqrt : TRANSFORMS.none;
  if (requested !== 'none' && negative) {
    throw new InputError(`transform "${requested}" needs values >= 0, but the series has negative values`);
  }
  return TRANSFORMS[requested];
}

/** Apply `f` to every value into a new array (NaN stays NaN). */
export function mapValues(values: Float64Array, f: (x: number) => number): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Number.isNaN(values[i]) ? NaN : f(values[i]);
  return out;
}
