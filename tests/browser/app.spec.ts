import type { DriftList as DriftResponse, IncidentList, Job, JobDrift, StoredAnomaly } from '../../pkg/contract';
import { waitFor } from '../helpers/waitFor';
import { createSyntheticJob, engineApi } from './engine';
import { expect, pickRadio, proxied, snap, snapThemes, test } from './fixtures';
import { fmt } from './geometry';

type HarnessWindow = {
  vigilHarness: { mountApp(o: { path: string }): Promise<void>; mountAppConfig(): Promise<void> };
};

async function mountApp(page: import('@playwright/test').Page, path: string) {
  await page.evaluate((p) => (window as never as HarnessWindow).vigilHarness.mountApp({ path: p }), path);
}

test.describe('app pages', () => {
  test('jobs page lists jobs with status, last run, anomalies in 24 h and drift', async ({
    harness: page,
  }, testInfo) => {
    const { jobs } = await engineApi<{ jobs: Job[] }>('GET', '/api/jobs');
    await mountApp(page, '/a/vigil-anomaly-app/jobs');
    const table = page.getByTestId('vigil-jobs-table');
    await expect(table.locator('tbody tr')).toHaveCount(jobs.length);
    for (const j of jobs) {
      const row = table.locator(`tr[data-job-id="${j.id}"]`);
      await expect(row).toContainText(j.name);
      await expect(row).toContainText('File: synthetic.csv');
      await expect(row.getByTestId('vigil-job-kind-cell')).toHaveText('detection');
      // (then a job's lifecycle state, e.g. warming up, when it has one)
      await expect(row.locator('td').nth(3)).toHaveText(j.enabled ? /^enabled/ : 'disabled');
      await expect(row.locator('td').nth(5)).toHaveText(String(j.anomalies24h));
      if (j.drift) await expect(row.locator('td').nth(6)).toHaveText(j.drift.drifting ? /drifting/ : 'ok');
    }
    await snapThemes(page, testInfo, 'app-jobs', async () => {
      await mountApp(page, '/a/vigil-anomaly-app/jobs');
      await expect(table.locator('tbody tr')).toHaveCount(jobs.length);
    });
  });

  test('new job: backtest preview on history, then create', async ({ harness: page }, testInfo) => {
    await mountApp(page, '/a/vigil-anomaly-app/jobs');
    await page.getByRole('button', { name: 'New job' }).click();
    await expect(page.getByTestId('vigil-job-edit')).toBeVisible();
    await expect(page.getByTestId('vigil-job-problem')).toHaveText('Give the job a name');
    await page.getByTestId('vigil-job-name').fill('synthetic from the app');
    await pickRadio(page, 'File');
    await page.getByTestId('vigil-job-file').fill('synthetic.csv');
    await page.getByTestId('vigil-job-training').fill('1d');
    await expect(page.getByTestId('vigil-job-problem')).toHaveCount(0);
    await page.getByRole('button', { name: 'Backtest' }).click();
    const preview = page.getByTestId('vigil-backtest');
    await expect(preview).toBeVisible();
    await expect(preview.locator('h4')).toHaveText(/Backtest: [1-9]\d* anomal(y|ies) in 1 series/);
    const count = Number((await preview.locator('h4').textContent())!.match(/Backtest: (\d+)/)![1]);
    await expect(preview.getByTestId('vigil-marker')).toHaveCount(count);
    // the panel's time series plot of the one series (its band is drawn on the plot's canvas)
    await expect(preview.locator('[data-testid^="data-testid VizLegend series "]')).toHaveCount(1);
    await snap(page, testInfo, 'app-backtest');

    await page.getByRole('button', { name: 'Create job' }).click();
    await expect(page.getByTestId('vigil-jobs-table')).toContainText('synthetic from the app');
    const { jobs } = await engineApi<{ jobs: Job[] }>('GET', '/api/jobs');
    expect(jobs.find((j) => j.name === 'synthetic from the app')).toMatchObject({
      source: { type: 'file', path: 'synthetic.csv' },
      interval: '5m',
      trainingWindow: '1d',
    });
  });

  test('feedback history: the anomaly judged (time, series, severity), the job, the verdict and a link to the panel', async ({
    harness: page,
  }, testInfo) => {
    const job = await createSyntheticJob('feedback-page job', { dashboardUid: 'ops-overview', panelId: 4 });
    const anomaly = await engineApi<StoredAnomaly>('POST', `/api/anomalies/${job.anomalyId}/feedback`, {
      verdict: 'expected',
      comment: 'deploy at 14:00',
    });
    await mountApp(page, '/a/vigil-anomaly-app/feedback');
    const row = page.getByTestId('vigil-feedback-table').locator(`tr[data-anomaly-id="${job.anomalyId}"]`);
    await expect(row).toContainText('expected');
    await expect(row).toContainText('feedback-page job');
    await expect(row).toContainText('deploy at 14:00');
    const day = (t: number) => new Date(t).toISOString().slice(0, 16).replace('T', ' ');
    await expect(row.getByTestId('vigil-feedback-anomaly')).toContainText(day(anomaly.start));
    await expect(row.getByTestId('vigil-feedback-anomaly')).toContainText(
      `${anomaly.severity}, score ${Math.round(anomaly.score)}`
    );
    await expect(row.getByTestId('vigil-feedback-series')).toHaveText('series');
    // the job's panel over the anomaly's time, an hour either side
    const href = await row.getByTestId('vigil-feedback-link').getAttribute('href');
    expect(href).toBe(`/d/ops-overview?from=${anomaly.start - 3_600_000}&to=${anomaly.end + 3_600_000}&viewPanel=4`);
    await snap(page, testInfo, 'app-feedback');
  });

  test('drift: the overview matches the engine, a drifting job shows its two distributions and is accepted as the new normal', async ({
    harness: page,
  }, testInfo) => {
    // a job over four days of a daily sine whose level rose 12 (6 noise sds) for the last ten hours
    const job = await engineApi<Job>('POST', '/api/jobs', {
      name: 'shifted level',
      source: { type: 'file', path: 'shifted.csv' },
      interval: '5m',
      trainingWindow: '2d',
    });
    const series = await waitFor(
      'the drift check of the shifted job',
      async () => (await engineApi<JobDrift>('GET', `/api/jobs/${job.id}/drift`)).series.find((x) => x.checkedAt),
      60_000,
      undefined,
      300
    );
    expect(series).toMatchObject({ drifting: true, period: 288 });
    const drift = await engineApi<DriftResponse>('GET', '/api/drift');
    await mountApp(page, '/a/vigil-anomaly-app/drift');
    const table = page.getByTestId('vigil-drift-table');
    await expect(table.locator('tbody tr')).toHaveCount(drift.jobs.length);
    for (const j of drift.jobs) {
      const row = table.locator(`tr[data-job-id="${j.jobId}"]`).first();
      await expect(row).toContainText(j.drifting ? 'drifting' : 'ok');
      if (j.pValue !== null) await expect(row).toContainText(fmt(j.pValue));
    }

    // the job links to its page; its two samples are drawn as ECDFs with the largest gap (the KS statistic) marked
    const row = table.locator(`tr[data-job-id="${job.id}"]`);
    await expect(row.getByTestId('vigil-drift-job')).toHaveAttribute(
      'href',
      `/a/vigil-anomaly-app/jobs/${encodeURIComponent(job.id)}`
    );
    await row.getByTestId('vigil-drift-show').click();
    const detail = page.getByTestId('vigil-drift-detail');
    await expect(detail).toHaveAttribute('data-job-id', job.id);
    const chart = detail.getByTestId('vigil-drift-chart');
    await expect(chart).toHaveCount(1);
    await expect(chart.locator('figcaption')).toContainText('drifting');
    await expect(chart.locator('figcaption')).toContainText('adjusted for the daily season');
    await expect(chart).toContainText(`reference (${series.reference.length} values)`);
    await expect(chart).toContainText(`recent window (${series.recent.length} values)`);
    for (const id of ['vigil-drift-ecdf-ref', 'vigil-drift-ecdf-recent'])
      await expect(chart.getByTestId(id)).toBeVisible();
    // the largest gap between the two ECDFs is marked: the KS statistic the engine reports
    await expect(chart.getByTestId('vigil-drift-gap')).toHaveCount(1);
    await expect(chart).toContainText(`largest gap (KS statistic) ${fmt(series.statistic!)}`);
    // the level rose: the adjusted recent values sit above the reference's
    const median = (a: number[]) => a[a.length >> 1];
    expect(median(series.recent)).toBeGreaterThan(median(series.reference) + 2);
    await snapThemes(page, testInfo, 'app-drift', async () => {
      await mountApp(page, '/a/vigil-anomaly-app/drift');
      await table.locator(`tr[data-job-id="${job.id}"]`).getByTestId('vigil-drift-show').click();
      await expect(page.getByTestId('vigil-drift-chart')).toHaveCount(1);
    });

    // "Accept as new normal": the recent window becomes the reference, and the job no longer drifts
    await mountApp(page, '/a/vigil-anomaly-app/drift');
    await row.getByRole('button', { name: 'Accept as new normal' }).click();
    await expect(row.getByTestId('vigil-drift-refit-done')).toBeVisible();
    await expect(row.locator('td').nth(2)).toHaveText('ok');
    await expect(detail.getByTestId('vigil-drift-chart').locator('figcaption')).toContainText('no drift');
    const after = (await engineApi<JobDrift>('GET', `/api/jobs/${job.id}/drift`)).series[0];
    expect(after).toMatchObject({ drifting: false, pValue: 1 });
    expect(after.reference).toEqual(after.recent);
    expect(await proxied()).toEqual(
      expect.arrayContaining([
        { method: 'POST', path: `/api/jobs/${job.id}/drift/accept`, status: 200, authorization: true },
      ])
    );
    await snap(page, testInfo, 'app-drift-accepted');
    await engineApi('DELETE', `/api/jobs/${job.id}`);
  });

  test('job editor: criticality, runbook and dashboard reach the engine and come back when editing', async ({
    harness: page,
  }) => {
    await mountApp(page, '/a/vigil-anomaly-app/jobs/new');
    await page.getByTestId('vigil-job-name').fill('critical checkout');
    await pickRadio(page, 'File');
    await page.getByTestId('vigil-job-file').fill('synthetic.csv');
    await page.getByTestId('vigil-job-training').fill('1d');
    await pickRadio(page, 'critical');
    await page.getByTestId('vigil-job-runbook').fill('ftp://nope');
    await expect(page.getByTestId('vigil-job-problem')).toHaveText(
      'The runbook URL must start with http:// or https://'
    );
    await page.getByTestId('vigil-job-runbook').fill('https://runbooks.example.com/checkout');
    await page.getByTestId('vigil-job-dashboard').fill('checkout');
    await page.getByTestId('vigil-job-panel').fill('4');
    await page.getByRole('button', { name: 'Create job' }).click();
    await expect(page.getByTestId('vigil-jobs-table')).toContainText('critical checkout');
    const { jobs } = await engineApi<{ jobs: Job[] }>('GET', '/api/jobs');
    const job = jobs.find((j) => j.name === 'critical checkout')!;
    expect(job).toMatchObject({
      criticality: 'critical',
      runbookUrl: 'https://runbooks.example.com/checkout',
      dashboardUid: 'checkout',
      panelId: 4,
    });
    await mountApp(page, `/a/vigil-anomaly-app/jobs/${job.id}`);
    await expect(page.getByTestId('vigil-job-runbook')).toHaveValue('https://runbooks.example.com/checkout');
    await expect(page.getByTestId('vigil-job-panel')).toHaveValue('4');
    await engineApi('DELETE', `/api/jobs/${job.id}`);
  });

  test('incidents page lists the engine incidents; a row opens what the incident was made of', async ({
    harness: page,
  }, testInfo) => {
    const { incidents } = await engineApi<IncidentList>('GET', '/api/incidents?limit=200');
    expect(incidents.length).toBeGreaterThan(0);
    await mountApp(page, '/a/vigil-anomaly-app/incidents');
    const table = page.getByTestId('vigil-incidents-table');
    await expect(table.locator('tbody tr')).toHaveCount(incidents.length);
    const first = incidents[0];
    const row = table.locator(`tr[data-incident-id="${first.id}"]`);
    await expect(row).toContainText(first.title);
    await expect(row).toContainText(first.triage.toFixed(2));
    await expect(row.getByTestId('vigil-severity')).toHaveText(first.severity);
    await row.click();
    const details = page.getByTestId('vigil-incident-details');
    await expect(details).toContainText(first.summary);
    await expect(details.getByTestId('vigil-incident-series')).toContainText(first.series[0].name);
    await snap(page, testInfo, 'app-incidents');
    // the filters reach the engine
    await page.getByRole('radio', { name: 'Open' }).check({ force: true });
    const open = await engineApi<IncidentList>('GET', '/api/incidents?status=open&limit=200');
    if (open.incidents.length) await expect(table.locator('tbody tr')).toHaveCount(open.incidents.length);
    else await expect(page.getByTestId('vigil-incidents-empty')).toBeVisible();
  });

  test('report page builds the report of the jobs and offers it as PDF, HTML, Markdown and JSON', async ({
    harness: page,
  }, testInfo) => {
    await mountApp(page, '/a/vigil-anomaly-app/reports');
    await page.getByRole('button', { name: 'Build report' }).click();
    const frame = page.frameLocator('[data-testid="vigil-report-frame"]');
    await expect(frame.locator('h1')).toHaveText(/^Vigil report: /);
    await expect(frame.locator('h2').first()).toHaveText('Summary');
    await expect(frame.locator('svg').first()).toBeVisible();
    const links = page.getByTestId('vigil-report-downloads').locator('a');
    await expect(links).toHaveText(['Download PDF', 'Download HTML', 'Download MD', 'Download JSON']);
    const pdfHref = await links.first().getAttribute('href');
    expect(pdfHref).toMatch(/\/engine\/api\/reports\?from=\d+&to=\d+&period=1d&format=pdf$/);
    // the link goes through the data source proxy (which adds the token) and returns a PDF
    const res = await page.request.get(`${process.env.VIGIL_HARNESS_URL}${pdfHref}`);
    expect(res.headers()['content-type']).toBe('application/pdf');
    expect((await res.body()).subarray(0, 5).toString()).toBe('%PDF-');
    await snap(page, testInfo, 'app-report');
  });

  test('configuration page saves the chosen data source', async ({ harness: page }, testInfo) => {
    await page.evaluate(() => (window as never as HarnessWindow).vigilHarness.mountAppConfig());
    await page.locator('#vigil-app-datasource').click();
    await page.getByRole('option', { name: 'Vigil', exact: true }).click();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByText('Saved')).toBeVisible();
    const saved = await (await fetch(`${process.env.VIGIL_HARNESS_URL}/api/plugins/vigil-anomaly-app/settings`)).json();
    expect(saved).toMatchObject({ enabled: true, jsonData: { datasourceUid: 'vigil' } });
    await snap(page, testInfo, 'app-config');
  });
});
