/**
 * The bundled dashboards' Vigil panels, as saved in provisioning/dashboards/*.json (their queries and options), with
 * the job variable set to a job of the engine: each reads the job's stored results, so its markers carry the anomaly
 * ids and the tooltip's feedback reaches the engine.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import type { StoredAnomaly } from '../../pkg/contract';
import { createSyntheticJob, engineApi, REPO_ROOT } from './engine';
import { expect, snap, test } from './fixtures';
import { markerCentre, mountPanel, pinTooltip } from './panelHelpers';

const DIR = path.join(REPO_ROOT, 'provisioning', 'dashboards');
const DAY = 86_400_000;

interface Panel {
  id: number;
  type: string;
  title: string;
  targets: Array<Record<string, unknown>>;
  options: Record<string, unknown>;
}

const panels = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .flatMap((file) =>
    (JSON.parse(readFileSync(path.join(DIR, file), 'utf8')) as { panels: Panel[] }).panels
      .filter((p) => p.type === 'vigil-anomaly-panel')
      .map((p) => ({ file, panel: p }))
  );

test.describe('bundled dashboards', () => {
  test('every Vigil panel shows the chosen job’s stored anomalies and takes feedback on them', async ({
    harness: page,
  }, testInfo) => {
    expect(panels.length).toBeGreaterThanOrEqual(3);
    const job = await createSyntheticJob('dashboard job');
    for (const [i, { file, panel }] of panels.entries()) {
      // the job variable as Grafana sets it (each repeated panel gets one job id)
      const targets = JSON.parse(JSON.stringify(panel.targets).replace(/\$\{job\}|\$job\b/g, job.id)) as Array<
        Record<string, unknown>
      >;
      const now = Date.now();
      const res = await mountPanel(page, {
        targets,
        options: panel.options,
        // half a day: the job's spike (an hour ago) is 6 px from its neighbours, so a hover at its marker lands on it
        // (over two days the 5-minute points are under 2 px apart near the plot's right edge)
        from: now - DAY / 2,
        to: now,
        width: 1000,
        height: 360,
      });
      expect([file, panel.title, res.errors]).toEqual([file, panel.title, []]);
      const marker = page.locator(`[data-testid="vigil-marker"][data-id="${job.anomalyId}"]`);
      await expect(marker, `${file}: ${panel.title}`).toHaveCount(1);
      if (i > 0) continue;
      // feedback from the dashboard's panel reaches the engine
      const at = await markerCentre(marker);
      await pinTooltip(page, at, 'Confirm');
      await page.getByRole('button', { name: 'Confirm' }).click();
      await expect(page.getByTestId('vigil-tooltip-verdict')).toHaveText(/Confirmed as an anomaly/);
      const stored = await engineApi<{ anomalies: StoredAnomaly[] }>('GET', `/api/jobs/${job.id}/anomalies`);
      expect(stored.anomalies.find((a) => a.id === job.anomalyId)?.feedback?.verdict).toBe('confirmed');
      await snap(page, testInfo, 'dashboard-panel-feedback', '[data-testid="harness-panel-chrome"]');
    }
    await engineApi('DELETE', `/api/jobs/${job.id}`);
  });
});
