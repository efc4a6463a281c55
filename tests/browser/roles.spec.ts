/**
 * Roles, as Grafana enforces them for this plugin: the page roles of plugin.json (AppRootPage's check and the
 * navigation) and the `reqRole` of the data source's proxy routes (the harness server applies them as Grafana's proxy
 * does), with the pages hiding what the signed-in role may not do.
 */
import type { Job } from '../../pkg/contract';
import { createSyntheticJob, engineApi } from './engine';
import { env, expect, snap, test } from './fixtures';

type Role = 'Viewer' | 'Editor' | 'Admin';
type HarnessWindow = { vigilHarness: { mountApp(o: { path: string; role?: Role }): Promise<void> } };

async function mountApp(page: import('@playwright/test').Page, path: string, role: Role) {
  await page.evaluate((o) => (window as never as HarnessWindow).vigilHarness.mountApp(o), { path, role });
}

/** A request through the harness's data source proxy, from the page (as the plugin would send it). */
async function throughProxy(page: import('@playwright/test').Page, method: string, path: string, body?: unknown) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const res = await fetch(`/api/datasources/proxy/uid/vigil/engine${path}`, {
        method,
        headers: body ? { 'Content-Type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.status, body: await res.text() };
    },
    { method, path, body }
  );
}

test.describe('roles', () => {
  test('a Viewer reads jobs but is offered no change, and the proxy refuses one anyway', async ({
    harness: page,
  }, testInfo) => {
    const { jobs } = await engineApi<{ jobs: Job[] }>('GET', '/api/jobs');
    await mountApp(page, '/a/vigil-anomaly-app/jobs', 'Viewer');
    const table = page.getByTestId('vigil-jobs-table');
    await expect(table.locator('tbody tr')).toHaveCount(jobs.length);
    await expect(page.getByRole('button', { name: 'New job' })).toHaveCount(0);
    await expect(table.getByRole('button', { name: /Disable|Enable|Delete/ })).toHaveCount(0);
    // Grafana's navigation leaves out the Admin-only configuration page for a Viewer
    await expect(page.getByTestId('harness-nav-item')).toHaveText([
      'Jobs',
      'Incidents',
      'Reports',
      'Feedback',
      'Drift',
    ]);
    await snap(page, testInfo, 'roles-viewer-jobs');

    const job = jobs.find((j) => j.id === env('VIGIL_JOB_ID'))!;
    const disable = await throughProxy(page, 'POST', `/api/jobs/${job.id}/disable`);
    expect(disable.status).toBe(403);
    expect(JSON.parse(disable.body)).toEqual({ message: 'plugin proxy route access denied' });
    const feedback = await throughProxy(page, 'POST', `/api/anomalies/${env('VIGIL_ANOMALY_ID')}/feedback`, {
      verdict: 'false_positive',
    });
    expect(feedback.status).toBe(403);
    const create = await throughProxy(page, 'POST', '/api/jobs', { name: 'viewer job', source: job.source });
    expect(create.status).toBe(403);
    // nothing changed on the engine
    const after = await engineApi<Job>('GET', `/api/jobs/${job.id}`);
    expect(after.enabled).toBe(job.enabled);
    expect((await engineApi<{ jobs: Job[] }>('GET', '/api/jobs')).jobs).toHaveLength(jobs.length);
    // reads still go through: the jobs, and detection (a POST that only reads)
    expect((await throughProxy(page, 'GET', '/api/jobs')).status).toBe(200);
    const detect = await throughProxy(page, 'POST', '/api/detect', {
      source: { type: 'file', path: 'jumpsup.csv' },
      from: Date.UTC(2014, 3, 1),
      to: Date.UTC(2014, 3, 3),
      interval: '5m',
    });
    expect(detect.status).toBe(200);
  });

  test('the new-job page is for Editors: a Viewer gets "Access denied", an Editor the form', async ({
    harness: page,
  }, testInfo) => {
    await mountApp(page, '/a/vigil-anomaly-app/jobs/new', 'Viewer');
    await expect(page.getByTestId('harness-access-denied')).toContainText(
      'You do not have permission to see this page.'
    );
    await expect(page.getByTestId('vigil-job-edit')).toHaveCount(0);
    await snap(page, testInfo, 'roles-viewer-new-job');

    await mountApp(page, '/a/vigil-anomaly-app/jobs/new', 'Editor');
    await expect(page.getByTestId('vigil-job-edit')).toBeVisible();
    await expect(page.getByTestId('harness-page-title')).toHaveText('New job');
    await expect(page.getByTestId('harness-nav-item')).not.toContainText(['Configuration']);
  });

  test('a Viewer opening a job sees it read-only; an Editor can change it', async ({ harness: page }) => {
    const id = env('VIGIL_JOB_ID');
    await mountApp(page, `/a/vigil-anomaly-app/jobs/${id}`, 'Viewer');
    await expect(page.getByTestId('vigil-read-only')).toBeVisible();
    await expect(page.getByTestId('vigil-job-name')).toBeDisabled();
    await expect(page.getByRole('button', { name: 'Save job' })).toHaveCount(0);

    await mountApp(page, `/a/vigil-anomaly-app/jobs/${id}`, 'Editor');
    await expect(page.getByTestId('vigil-read-only')).toHaveCount(0);
    await expect(page.getByTestId('vigil-job-name')).toBeEnabled();
    await expect(page.getByRole('button', { name: 'Save job' })).toBeVisible();
  });

  test('Viewers see the drift distributions but cannot accept a new normal; Editors can', async ({ harness: page }) => {
    await createSyntheticJob('drift roles job');
    await mountApp(page, '/a/vigil-anomaly-app/drift', 'Viewer');
    await expect(page.getByTestId('vigil-drift-chart').first()).toBeVisible();
    await expect(page.getByRole('button', { name: 'Accept as new normal' })).toHaveCount(0);
    await mountApp(page, '/a/vigil-anomaly-app/drift', 'Editor');
    await expect(page.getByTestId('vigil-drift-chart').first()).toBeVisible();
    await expect(page.getByRole('button', { name: 'Accept as new normal' }).first()).toBeVisible();
  });

  test('Admins see the configuration page in the navigation', async ({ harness: page }) => {
    await mountApp(page, '/a/vigil-anomaly-app/drift', 'Admin');
    await expect(page.getByTestId('harness-nav-item')).toHaveText([
      'Jobs',
      'Incidents',
      'Reports',
      'Feedback',
      'Drift',
      'Configuration',
    ]);
    await expect(page.getByTestId('harness-nav-item').filter({ hasText: 'Drift' })).toHaveAttribute(
      'aria-current',
      'page'
    );
  });
});
