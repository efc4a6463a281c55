/**
 * Test fixtures for the browser suite: a page with the harness loaded and the Vigil data source reset to
 * the running engine's URL and token, and a helper that saves named screenshots as test artifacts.
 */
import { test as base, expect, Page, TestInfo } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

export const SCREENSHOT_DIR = path.resolve(__dirname, '..', '..', 'test-results', 'screenshots');

export function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: the browser suite's global setup did not run`);
  return v;
}

/** Reset the harness's data source settings (engine URL, token) and clear its proxy log. */
export async function resetDataSource(jsonData: Record<string, unknown>, secureJsonData: Record<string, string>) {
  const res = await fetch(`${env('VIGIL_HARNESS_URL')}/__harness/datasource`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ jsonData, secureJsonData }),
  });
  expect(res.ok).toBe(true);
}

export async function proxied(): Promise<
  Array<{ method: string; path: string; status: number; authorization: boolean }>
> {
  return (await (await fetch(`${env('VIGIL_HARNESS_URL')}/__harness/proxied`)).json()) as Awaited<
    ReturnType<typeof proxied>
  >;
}

/** Save a screenshot both as an attachment of the test and under test-results/screenshots/<name>.png. */
export async function snap(page: Page, testInfo: TestInfo, name: string, selector?: string) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  if (selector) await page.locator(selector).first().screenshot({ path: file });
  else await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

/**
 * Take the same screenshot in Grafana's dark and light themes: `<name>-dark.png` and `<name>-light.png`. `show` mounts
 * what to photograph and waits until it is drawn; it runs once per theme. The page is left in the dark theme.
 */
export async function snapThemes(
  page: Page,
  testInfo: TestInfo,
  name: string,
  show: () => Promise<void>,
  selector?: string
) {
  for (const theme of ['dark', 'light'] as const) {
    await page.evaluate((t) => (window as never as HarnessThemes).vigilHarness.setTheme(t), theme);
    await show();
    await snap(page, testInfo, `${name}-${theme}`, selector);
  }
  await page.evaluate(() => (window as never as HarnessThemes).vigilHarness.setTheme('dark'));
}

type HarnessThemes = { vigilHarness: { setTheme(mode: 'dark' | 'light'): void } };

/** Choose an option of a Grafana RadioButtonGroup (its transparent input lies over the label and takes the click). */
export async function pickRadio(page: Page, name: string) {
  const input = page.getByRole('radio', { name, exact: true });
  await input.click();
  await expect(input).toBeChecked();
}

export const test = base.extend<{ harness: Page }>({
  harness: async ({ page }, use) => {
    await resetDataSource({ url: env('VIGIL_ENGINE_URL') }, { token: env('VIGIL_ENGINE_TOKEN') });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(env('VIGIL_HARNESS_URL'));
    await expect(page.locator('body[data-harness="ready"]')).toHaveCount(1);
    await use(page);
    expect(errors, 'uncaught errors in the page').toEqual([]);
  },
});

export { expect };
