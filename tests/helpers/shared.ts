import path from 'node:path';

/** Repository root. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The shared data folder beside the repository (override with VIGIL_SHARED_DIR). */
export const SHARED_DIR = process.env.VIGIL_SHARED_DIR ?? path.resolve(REPO_ROOT, '..', 'shared');

export const NAB_DIR = path.join(SHARED_DIR, 'data', 'nab');
export const WEBLOGS_FILE = path.join(SHARED_DIR, 'data', 'weblogs', 'logs.json.gz');
/** Loghub's 2k samples (twelve systems; cite loghub, see its README). */
export const LOGHUB_DIR = path.join(SHARED_DIR, 'data', 'loghub');
