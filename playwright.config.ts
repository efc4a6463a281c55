/**
 * Browser suite: the plugin's real panel, editors and app pages in a harness page, against a real
 * `vigil serve` (see tests/browser/global-setup.ts), on Debian's Chromium (never a downloaded browser).
 * Run with `npm run test:browser` (builds the plugin and the harness first).
 */
import { defineConfig } from '@playwright/test';

const executablePath = process.env.VIGIL_CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'tests/browser',
  testMatch: '**/*.spec.ts',
  globalSetup: './tests/browser/global-setup.ts',
  outputDir: 'test-results/browser',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['html', { outputFolder: 'playwright-report', open: 'never' }]],
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1280, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
