import { expect, env, pickRadio, snap, test } from './fixtures';

type HarnessWindow = {
  vigilHarness: {
    mountQueryEditor(o: unknown): Promise<void>;
    mountConfigEditor(): Promise<void>;
    mountVariableEditor(): Promise<void>;
  };
  vigilQuery: Record<string, unknown>;
};

const FROM = Date.UTC(2014, 3, 1);
const TO = Date.UTC(2014, 3, 15);

async function currentQuery(page: import('@playwright/test').Page) {
  return page.evaluate(() => (window as never as HarnessWindow).vigilQuery);
}

async function lastResult(page: import('@playwright/test').Page, runs: number) {
  const pre = page.getByTestId('harness-result');
  await expect(pre).toHaveAttribute('data-runs', String(runs));
  return JSON.parse((await pre.textContent()) || '{}') as { kinds: string[]; errors: string[] };
}

test.describe('query editor', () => {
  test('a new query starts as ad-hoc Prometheus detection and says what is missing', async ({
    harness: page,
  }, testInfo) => {
    await page.evaluate((o) => (window as never as HarnessWindow).vigilHarness.mountQueryEditor(o), {
      query: { refId: 'A' },
      from: FROM,
      to: TO,
    });
    await expect(page.getByTestId('vigil-query-problem')).toHaveText('Enter a Prometheus query (PromQL)');
    const promql = page.getByTestId('vigil-promql');
    await promql.fill('sum(rate(http_requests_total[5m]))');
    await promql.blur();
    const q = await currentQuery(page);
    expect(q).toMatchObject({
      refId: 'A',
      schemaVersion: 2,
      queryType: 'detect',
      source: { type: 'prometheus', query: 'sum(rate(http_requests_total[5m]))' },
      sensitivity: 6,
      mode: 'majority',
    });
    await expect(page.getByTestId('vigil-query-problem')).toHaveCount(0);
    // the engine accepts the request body (its JSON schema) and answers that no Prometheus is configured here
    const result = await lastResult(page, 1);
    expect(result.errors[0]).toContain('no prometheus source is configured');
    await snap(page, testInfo, 'query-editor-promql');
  });

  test('Elasticsearch fields build a valid source; detectors and sensitivity are kept', async ({
    harness: page,
  }, testInfo) => {
    await page.evaluate((o) => (window as never as HarnessWindow).vigilHarness.mountQueryEditor(o), {
      query: { refId: 'A' },
      from: FROM,
      to: TO,
    });
    await pickRadio(page, 'Elasticsearch');
    await page.getByTestId('vigil-es-index').fill('weblogs-*');
    await page.locator('#vigil-es-metric').click();
    await page.getByRole('option', { name: 'avg', exact: true }).click();
    await expect(page.getByTestId('vigil-query-problem')).toHaveText('The avg metric needs a field');
    await page.getByTestId('vigil-es-field').fill('bytes');
    await page.getByTestId('vigil-es-filter').fill('status:>=500');
    await page.getByTestId('vigil-es-split').fill('host');
    await page.locator('#vigil-detectors').click();
    await page.getByRole('option', { name: /Robust MAD/ }).click();
    await page.keyboard.press('Escape');
    await page.locator('#vigil-sensitivity').click();
    await page.getByRole('option', { name: /^8\b/ }).click();
    await expect(page.getByTestId('vigil-query-problem')).toHaveCount(0);
    const q = await currentQuery(page);
    expect(q).toMatchObject({
      queryType: 'detect',
      source: {
        type: 'elasticsearch',
        index: 'weblogs-*',
        timeField: '@timestamp',
        metric: { type: 'avg', field: 'bytes' },
        filter: 'status:>=500',
        splitBy: 'host',
      },
      detectors: ['mad'],
      sensitivity: 8,
    });
    await snap(page, testInfo, 'query-editor-elasticsearch');
  });

  test('Log anomalies and Log templates build a log query of an index that the engine accepts', async ({
    harness: page,
  }, testInfo) => {
    await page.evaluate((o) => (window as never as HarnessWindow).vigilHarness.mountQueryEditor(o), {
      query: { refId: 'A' },
      from: FROM,
      to: TO,
    });
    await pickRadio(page, 'Log anomalies');
    await expect(page.getByTestId('vigil-query-problem')).toHaveText('Enter an Elasticsearch index or pattern');
    await page.getByTestId('vigil-logs-index').fill('weblogs');
    await page.getByTestId('vigil-logs-timefield').fill('timestamp');
    await page.getByTestId('vigil-logs-levelfield').fill('log.level');
    const filter = page.getByTestId('vigil-logs-filter');
    await filter.fill('response:404');
    await filter.blur();
    await expect(page.getByTestId('vigil-query-problem')).toHaveCount(0);
    expect(await currentQuery(page)).toMatchObject({
      queryType: 'logs',
      source: {
        type: 'elasticsearch-logs',
        index: 'weblogs',
        timeField: 'timestamp',
        messageField: 'message',
        levelField: 'log.level',
        filter: 'response:404',
      },
    });
    // the request passes the engine's schema; the browser harness has no Elasticsearch, which the answer names
    await expect(page.getByTestId('harness-result')).toContainText('no elasticsearch-logs source is configured');
    await snap(page, testInfo, 'query-editor-logs');
    await pickRadio(page, 'Log templates');
    expect(await currentQuery(page)).toMatchObject({ queryType: 'templates', source: { index: 'weblogs' } });
  });

  test('file source and job results run against the engine and return frames', async ({ harness: page }, testInfo) => {
    await page.evaluate((o) => (window as never as HarnessWindow).vigilHarness.mountQueryEditor(o), {
      query: { refId: 'A' },
      from: FROM,
      to: TO,
    });
    await pickRadio(page, 'File');
    const file = page.getByTestId('vigil-file');
    await file.fill('jumpsup.csv');
    await file.blur();
    let result = await lastResult(page, 1);
    expect(result).toEqual({ kinds: ['series', 'anomalies'], errors: [] });

    // job results: the job picker lists the engine's jobs
    await pickRadio(page, 'Job results');
    await expect(page.getByTestId('vigil-query-problem')).toHaveText('Choose a job to show its results');
    // switching the type runs the query at once; without a job it is refused before reaching the engine
    result = await lastResult(page, 2);
    expect(result).toEqual({ kinds: [], errors: ['Choose a job to show its results'] });
    await page.locator('#vigil-job').click();
    await page.getByRole('option', { name: 'synthetic', exact: true }).click();
    expect(await currentQuery(page)).toMatchObject({ queryType: 'job', jobId: env('VIGIL_JOB_ID') });
    result = await lastResult(page, 3);
    expect(result.errors).toEqual([]);
    expect(result.kinds).toEqual(['series', 'anomalies']);

    await pickRadio(page, 'Drift');
    result = await lastResult(page, 4);
    expect(result).toEqual({ kinds: ['drift'], errors: [] });
    await snap(page, testInfo, 'query-editor-drift');
  });
});

test.describe('file source fields', () => {
  test('a file of five hosts: value and label fields make a series per host; editing the path keeps them', async ({
    harness: page,
  }, testInfo) => {
    const now = Date.now();
    await page.evaluate((o) => (window as never as HarnessWindow).vigilHarness.mountQueryEditor(o), {
      query: { refId: 'A' },
      from: now - 4 * 86_400_000,
      to: now,
    });
    await pickRadio(page, 'File');
    await page.getByTestId('vigil-file').fill('multi.csv');
    await page.getByTestId('vigil-file-valuefield').fill('requests');
    const labels = page.getByTestId('vigil-file-labelfields');
    // typed key by key: the comma being typed stays on screen while the source already has the name before it
    await labels.pressSequentially('host, ');
    await expect(labels).toHaveValue('host, ');
    expect(await currentQuery(page)).toMatchObject({ source: { labelFields: ['host'] } });
    await labels.blur();
    const result = page.getByTestId('harness-result');
    const seriesFrames = async () => {
      const r = JSON.parse((await result.textContent()) || '{}') as { kinds?: string[]; errors?: string[] };
      return { series: (r.kinds ?? []).filter((k) => k === 'series').length, errors: r.errors ?? [] };
    };
    await expect.poll(seriesFrames, { timeout: 15_000 }).toEqual({ series: 5, errors: [] });
    await snap(page, testInfo, 'query-editor-file-fields');

    // a new path keeps the value and label fields (before, the path's field rebuilt the source from the path alone)
    const file = page.getByTestId('vigil-file');
    await file.fill('./multi.csv');
    await file.blur();
    expect(await currentQuery(page)).toMatchObject({
      source: { type: 'file', path: './multi.csv', valueField: 'requests', labelFields: ['host'] },
    });
    await expect.poll(seriesFrames, { timeout: 15_000 }).toEqual({ series: 5, errors: [] });
    // emptied, the optional fields leave the source
    await page.getByTestId('vigil-file-valuefield').fill('');
    await labels.fill('');
    const q = (await currentQuery(page)) as { source: Record<string, unknown> };
    expect(q.source).toEqual({ type: 'file', path: './multi.csv' });
  });
});

test.describe('template variables', () => {
  test('jobs variable lists the engine’s jobs', async ({ harness: page }) => {
    await page.evaluate(() => (window as never as HarnessWindow).vigilHarness.mountVariableEditor());
    await page.getByRole('button', { name: 'Run variable query' }).click();
    const values = page.getByTestId('harness-variable-values');
    await expect(values).toContainText(`{"text":"synthetic","value":"${env('VIGIL_JOB_ID')}"}`);
  });
});

test.describe('config editor and Save & test', () => {
  test('healthy engine with the right token', async ({ harness: page }, testInfo) => {
    await page.evaluate(() => (window as never as HarnessWindow).vigilHarness.mountConfigEditor());
    await expect(page.getByTestId('vigil-engine-url')).toHaveValue(env('VIGIL_ENGINE_URL'));
    // the saved token is not sent back to the browser: the field shows "configured"
    await expect(page.getByTestId('vigil-engine-token')).toHaveValue('configured');
    await page.getByRole('button', { name: 'Save & test' }).click();
    const result = page.getByTestId('harness-test-result');
    await expect(result).toHaveAttribute('data-status', 'success');
    await expect(result).toContainText(/Engine \S+ is healthy: \d+ jobs, 0 failing\./);
    await snap(page, testInfo, 'config-editor-success');
  });

  test('an unreachable engine and a wrong token are named precisely', async ({ harness: page }, testInfo) => {
    await page.evaluate(() => (window as never as HarnessWindow).vigilHarness.mountConfigEditor());
    const url = page.getByTestId('vigil-engine-url');
    await url.fill('not a url');
    await expect(page.getByText('Not a URL: write it like http://vigil:8080')).toBeVisible();
    await url.fill('http://127.0.0.1:9');
    await page.getByRole('button', { name: 'Save & test' }).click();
    const result = page.getByTestId('harness-test-result');
    await expect(result).toHaveAttribute('data-status', 'error');
    await expect(result).toContainText('Engine health at http://127.0.0.1:9: HTTP 502');
    await expect(result).toContainText('could not reach the engine');
    await snap(page, testInfo, 'config-editor-unreachable');

    await url.fill(env('VIGIL_ENGINE_URL'));
    await page.getByRole('button', { name: 'Reset' }).click();
    await page.getByTestId('vigil-engine-token').fill('not-the-token');
    await page.getByRole('button', { name: 'Save & test' }).click();
    await expect(result).toHaveAttribute('data-status', 'error');
    await expect(result).toContainText('rejected the token');
    await expect(result).toContainText('the bearer token is not valid for this Vigil engine');
    await snap(page, testInfo, 'config-editor-bad-token');
  });
});
