import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as mstl from '@bsull/augurs/mstl';
import * as seasons from '@bsull/augurs/seasons';
import * as ets from '@bsull/augurs/ets';

/**
 * Synchronous loaders for the WASM modules of `@bsull/augurs` (Grafana's time-series library) under Node.
 * Each module is initialised once from the `.wasm` file shipped beside its JS glue. Loading code is the only
 * file access here; the detectors that use these stay pure.
 */
const modules = { mstl, seasons, ets } as const;
export type AugursModuleName = keyof typeof modules;

const loaded = new Set<AugursModuleName>();

/**
 * Return the initialised augurs module `name`.
 * @throws Error when the package's .wasm file cannot be found (a broken install)
 */
export function loadAugurs<N extends AugursModuleName>(name: N): (typeof modules)[N] {
  const mod = modules[name];
  if (!loaded.has(name)) {
    const wasm = path.join(path.dirname(require.resolve(`@bsull/augurs/${name}`)), `${name}_bg.wasm`);
    mod.initSync({ module: readFileSync(wasm) });
    loaded.add(name);
  }
  return mod;
}
