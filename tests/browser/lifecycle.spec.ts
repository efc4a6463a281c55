/**
 * A job's lifecycle in the app: ingest delay and maintenance windows (one-off and recurring) set in the job editor and
 * received by the engine, warming up and maintenance shown on the jobs page and the job's page, and jobs exported and
 * imported as JSON files through the jobs page.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { JobSpec, type Job, type JobExport, type JobListExport } from '../../pkg/contract';
import { engineApi } from './engine';
import { env, expect, pickRadio, proxied, snap, test } from './fixtures';

type HarnessWindow = { vigilHarness: { mountApp(o: { path: string }): Promise<void> } };
type Page = import('@playwright/test').Page;

async function mountApp(page: Page, p: string) {
  await page.evaluate((x) => (window as never as HarnessWindow).vigilHarness.mountApp({ path: x }), p);
}

async function jobNamed(name: string): Promise<Job | undefined> {
  const { jobs } = await engineApi<{ jobs: Job[] }>('GET', '/api/jobs');
  return jobs.find((j) => j.name === name);
}

/** Epoch ms of a local time in the page's time zone (what a datetime-local input means). */
function localMs(page: Page, y: number, mo: number, d: number, h: number, mi: number): Promise<number> {
  return page.evaluate(([a, b, c, e, f]) => new Date(a, b - 1, c, e, f).getTime(), [y, mo, d, h, mi]);
}

test.describe('job lifecycle', () => {
  test('the editor sets an ingest delay and one-off and recurring maintenance windows; the engine receives them', async ({
    harness: page,
  }, testInfo) => {
    await mountApp(page, '/a/vigil-anomaly-app/jobs/new');
    await page.getByTestId('vigil-job-name').fill('checkout with maintenance');
    await pickRadio(page, 'File');
    await page.getByTestId('vigil-job-file').fill('synthetic.csv');
    await page.getByTestId('vigil-job-training').fill('1d');

    const problem = page.getByTestId('vigil-job-problem');
    const delay = page.getByTestId('vigil-job-ingest-delay');
    await delay.fill('soon');
    await expect(problem).toHaveText('Ingest delay "soon" is not a duration like 2m');
    await delay.fill('2m');
    await expect(problem).toHaveCount(0);

    // a one-off window: an upgrade on 5 December 2026, 02:00 to 04:30 in the browser's time
    await page.getByRole('button', { name: 'Add maintenance window' }).click();
    const windows = page.getByTestId('vigil-maintenance-window');
    await expect(windows).toHaveCount(1);
    const first = windows.nth(0);
    await first.getByTestId('vigil-maintenance-name').fill('upgrade');
    await first.getByTestId('vigil-maintenance-from').fill('2026-12-05T04:30');
    await first.getByTestId('vigil-maintenance-to').fill('2026-12-05T02:00');
    await expect(problem).toHaveText('Maintenance window 1 (upgrade): the end must be after the start');
    await first.getByTestId('vigil-maintenance-from').fill('2026-12-05T02:00');
    await first.getByTestId('vigil-maintenance-to').fill('2026-12-05T04:30');
    await expect(problem).toHaveCount(0);

    // a recurring one: Saturdays 02:00 for 2 hours, Paris time
    await page.getByRole('button', { name: 'Add maintenance window' }).click();
    await expect(windows).toHaveCount(2);
    const second = windows.nth(1);
    await second.getByRole('radio', { name: 'Recurring', exact: true }).click();
    await second.getByTestId('vigil-maintenance-name').fill('weekly backup');
    await second.getByTestId('vigil-maintenance-cron').fill('0 2 * *');
    await expect(problem).toHaveText(/^Maintenance window 2 \(weekly backup\): cron needs five fields/);
    await second.getByTestId('vigil-maintenance-cron').fill('0 2 * * 6');
    await second.getByTestId('vigil-maintenance-duration').fill('2h');
    await second.getByTestId('vigil-maintenance-timezone').fill('Europe/Paris');
    await expect(problem).toHaveCount(0);
    await snap(page, testInfo, 'app-job-lifecycle');

    await page.getByRole('button', { name: 'Create job' }).click();
    await expect(page.getByTestId('vigil-jobs-table')).toContainText('checkout with maintenance');
    const job = (await jobNamed('checkout with maintenance'))!;
    expect(job).toMatchObject({
      source: { type: 'file', path: 'synthetic.csv' },
      ingestDelay: '2m',
      maintenanceWindows: [
        { name: 'upgrade', from: await localMs(page, 2026, 12, 5, 2, 0), to: await localMs(page, 2026, 12, 5, 4, 30) },
        { name: 'weekly backup', cron: '0 2 * * 6', duration: '2h', timezone: 'Europe/Paris' },
      ],
    });
    expect(job.maintenanceWindows![0]).not.toHaveProperty('cron');
    expect(await proxied()).toEqual(
      expect.arrayContaining([{ method: 'POST', path: '/api/jobs', status: 201, authorization: true }])
    );

    // editing shows them again, and saving another change keeps them (and fields the form does not show)
    const spec = Object.fromEntries(
      Object.keys(JobSpec.properties).map((k) => [k, (job as Record<string, unknown>)[k]])
    );
    await engineApi('PUT', `/api/jobs/${job.id}`, {
      ...spec,
      forecastHorizon: 12,
      forecastThresholds: [{ value: 150, direction: 'above' }],
    });
    await mountApp(page, `/a/vigil-anomaly-app/jobs/${job.id}`);
    await expect(page.getByTestId('vigil-job-ingest-delay')).toHaveValue('2m');
    await expect(windows).toHaveCount(2);
    await expect(windows.nth(0).getByTestId('vigil-maintenance-from')).toHaveValue('2026-12-05T02:00');
    await expect(windows.nth(1).getByTestId('vigil-maintenance-cron')).toHaveValue('0 2 * * 6');
    await windows.nth(0).getByRole('button', { name: 'Remove maintenance window 1' }).click();
    await page.getByTestId('vigil-job-ingest-delay').fill('5m');
    await page.getByRole('button', { name: 'Save job' }).click();
    await expect(page.getByTestId('vigil-jobs-table')).toBeVisible();
    const saved = (await engineApi<Job>('GET', `/api/jobs/${job.id}`))!;
    expect(saved.ingestDelay).toBe('5m');
    expect(saved.maintenanceWindows).toEqual([
      { name: 'weekly backup', cron: '0 2 * * 6', duration: '2h', timezone: 'Europe/Paris' },
    ]);
    expect(saved).toMatchObject({ forecastHorizon: 12, forecastThresholds: [{ value: 150, direction: 'above' }] });
    await engineApi('DELETE', `/api/jobs/${job.id}`);
  });

  test('the jobs page and the job page show a job warming up and a job in maintenance', async ({
    harness: page,
  }, testInfo) => {
    // eight hours of 5-minute points ending now: less than the two days a series learns before it is judged
    const step = 300_000;
    const end = Math.floor(Date.now() / step) * step;
    const rows = ['timestamp,value'];
    for (let i = 95; i >= 0; i--) rows.push(`${new Date(end - i * step).toISOString()},${100 + (i % 7)}`);
    writeFileSync(path.join(env('VIGIL_ENGINE_FILES'), 'young.csv'), rows.join('\n') + '\n');
    const young = await engineApi<Job>('POST', '/api/jobs', {
      name: 'young series',
      source: { type: 'file', path: 'young.csv' },
      interval: '5m',
      trainingWindow: '1d',
    });
    const now = Date.now();
    const quiet = await engineApi<Job>('POST', '/api/jobs', {
      name: 'in maintenance',
      source: { type: 'file', path: 'synthetic.csv' },
      interval: '5m',
      trainingWindow: '2d',
      maintenanceWindows: [{ name: 'db upgrade', from: now - 3_600_000, to: now + 3_600_000 }],
    });
    const ran = async (id: string) => (await engineApi<Job>('GET', `/api/jobs/${id}`)).lastRun !== undefined;
    await expect.poll(() => ran(young.id), { timeout: 30_000 }).toBe(true);
    const y = await engineApi<Job>('GET', `/api/jobs/${young.id}`);
    expect(y.status).toBe('warming_up');
    expect(y.warmup).toMatchObject({ series: 1, warmingUp: 1 });

    await mountApp(page, '/a/vigil-anomaly-app/jobs');
    const table = page.getByTestId('vigil-jobs-table');
    await expect(table.locator(`tr[data-job-id="${young.id}"]`).getByTestId('vigil-job-lifecycle')).toHaveText(
      'warming up (1 of 1 series)'
    );
    const until = new Date(now + 3_600_000).toISOString().replace('T', ' ').slice(0, 16);
    await expect(table.locator(`tr[data-job-id="${quiet.id}"]`).getByTestId('vigil-job-lifecycle')).toHaveText(
      `in maintenance until ${until} UTC`
    );
    await snap(page, testInfo, 'app-jobs-lifecycle');

    await mountApp(page, `/a/vigil-anomaly-app/jobs/${young.id}`);
    await expect(page.getByTestId('vigil-job-lifecycle')).toContainText('This job is warming up (1 of 1 series)');
    await engineApi('DELETE', `/api/jobs/${young.id}`);
    await engineApi('DELETE', `/api/jobs/${quiet.id}`);
  });

  test('export a job and all jobs as JSON files, and import them back', async ({ harness: page }, testInfo) => {
    const jobId = env('VIGIL_JOB_ID');
    await mountApp(page, '/a/vigil-anomaly-app/jobs');
    const row = page.getByTestId('vigil-jobs-table').locator(`tr[data-job-id="${jobId}"]`);

    // one job: the file is what the engine exports for it
    let download = page.waitForEvent('download');
    await row.getByRole('button', { name: 'Export', exact: true }).click();
    const one = await download;
    expect(one.suggestedFilename()).toBe('vigil-job-synthetic.json');
    const oneFile = testInfo.outputPath(one.suggestedFilename());
    await one.saveAs(oneFile);
    const exported = JSON.parse(readFileSync(oneFile, 'utf8')) as JobExport;
    expect(exported).toEqual(await engineApi<JobExport>('GET', `/api/jobs/${jobId}/export`));
    expect(exported).toMatchObject({ apiVersion: 'vigil/v1', kind: 'Job', spec: { name: 'synthetic' } });

    // all jobs
    download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export all' }).click();
    const all = await download;
    expect(all.suggestedFilename()).toBe('vigil-jobs.json');
    const allFile = testInfo.outputPath(all.suggestedFilename());
    await all.saveAs(allFile);
    const list = JSON.parse(readFileSync(allFile, 'utf8')) as JobListExport;
    expect(list.kind).toBe('JobList');
    expect(list.items.map((i) => i.spec.name)).toContain('synthetic');

    // importing the job while it exists is refused by default, with the engine's reason
    const input = page.getByTestId('vigil-jobs-import-file');
    await input.setInputFiles(oneFile);
    await expect(page.getByTestId('vigil-jobs-action-error')).toContainText('a job named "synthetic" exists');
    // ... skipped when asked
    await pickRadio(page, 'skip');
    await input.setInputFiles(oneFile);
    await expect(page.getByTestId('vigil-jobs-imported')).toHaveText(
      'Imported vigil-job-synthetic.json: 0 created, 0 replaced, 1 skipped (synthetic)'
    );

    // renamed, it is created with the same spec
    const copy = { ...exported, spec: { ...exported.spec, name: 'synthetic (imported)' } };
    const copyFile = testInfo.outputPath('copy.json');
    writeFileSync(copyFile, JSON.stringify(copy));
    await input.setInputFiles(copyFile);
    await expect(page.getByTestId('vigil-jobs-imported')).toHaveText(
      'Imported copy.json: 1 created, 0 replaced, 0 skipped'
    );
    const created = (await jobNamed('synthetic (imported)'))!;
    await expect(page.getByTestId('vigil-jobs-table').locator(`tr[data-job-id="${created.id}"]`)).toBeVisible();
    const back = await engineApi<JobExport>('GET', `/api/jobs/${created.id}/export`);
    expect(back.spec).toEqual(copy.spec);
    expect(await proxied()).toEqual(
      expect.arrayContaining([
        { method: 'GET', path: `/api/jobs/${jobId}/export`, status: 200, authorization: true },
        { method: 'GET', path: '/api/jobs/export', status: 200, authorization: true },
        { method: 'POST', path: '/api/jobs/import', status: 200, authorization: true },
      ])
    );
    await snap(page, testInfo, 'app-jobs-import');

    // a file that is not an export is named as such, before the engine is asked
    const bad = testInfo.outputPath('dashboard.json');
    writeFileSync(bad, JSON.stringify({ dashboard: {} }));
    await input.setInputFiles(bad);
    await expect(page.getByTestId('vigil-jobs-action-error')).toHaveText(
      'dashboard.json is not a Vigil job export (kind Job or JobList, from Export)'
    );
    await engineApi('DELETE', `/api/jobs/${created.id}`);
  });
});
