import * as path from 'node:path';

/**
 * The shared reference-data directory: `VIGIL_SHARED_DIR` when set, else `../shared` beside the repository.
 */
export function sharedDir(): string {
  return process.env.VIGIL_SHARED_DIR ?? path.resolve(__dirname, '..', '..', '..', '..', 'shared');
}

/** The NAB subset inside the shared directory (`data/`, `labels/`, `profiles.json`, `golden/`). */
export function nabDir(): string {
  return path.join(sharedDir(), 'data', 'nab');
}
