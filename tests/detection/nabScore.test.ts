import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NAB_CONFIGURATION } from '../../pkg/bench/nab/config';
import { readPublishedHtm, readWindows } from '../../pkg/bench/nab/corpus';
import { NAB_PROFILES, runNab } from '../../pkg/bench/nab/runner';
import { scoreCorpus } from '../../pkg/bench/nab/scoreCorpus';
import { NAB_DIR } from '../helpers/shared';

/**
 * The target, pinned: on the shared NAB subset, Vigil's NAB configuration (honest streaming, one
 * configuration for every file) scores above Numenta HTM's published output on the same files, in every profile.
 */
test('the NAB configuration beats Numenta HTM on the NAB subset, in all three profiles', () => {
  const labelsFile = path.join(NAB_DIR, 'labels', 'combined_windows.json');
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-nab-'));
  try {
    const ours = runNab({
      dataDir: path.join(NAB_DIR, 'data'),
      labelsFile,
      outDir: out,
      ensemble: NAB_CONFIGURATION.ensemble,
      onset: NAB_CONFIGURATION.onset,
    }).scores;
    const theirs = scoreCorpus(readPublishedHtm(NAB_DIR), readWindows(labelsFile), NAB_PROFILES);
    expect(theirs.standard.normalized).toBeCloseTo(75.5, 0);
    for (const profile of Object.keys(NAB_PROFILES)) {
      expect(ours[profile].normalized).toBeGreaterThan(theirs[profile].normalized);
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
