import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from './config';

describe('notifications, annotations, incidents and reports in the config', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-action-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const load = (yaml: string, env: Record<string, string> = {}) => {
    const file = path.join(dir, 'vigil.yaml');
    writeFileSync(file, `apiToken: a-long-token\n${yaml}`);
    return loadConfig({ file, env, flags: { dataDir: dir } });
  };

  test('every receiver, with secrets from the environment, becomes the notifier config (ms durations)', () => {
    const cfg = load(
      `
notifications:
  grafanaUrl: https://grafana.example.com
  rateLimit: { count: 20, window: 30m }
  retry: { retries: 2, minDelay: 500ms, maxDelay: 5s, timeout: 3s }
  receivers:
    - { name: am, type: alertmanager, url: "http://alertmanager:9093", labels: { team: web }, resendInterval: 2m }
    - { name: ops, type: slack, url: "\${SLACK_URL}", minSeverity: major, jobs: [checkout] }
    - { name: pager, type: pagerduty, routingKey: "\${PD_KEY}", severityMap: { major: critical } }
    - name: hook
      type: webhook
      url: https://hooks.example/vigil
      headers: { Authorization: "Bearer \${HOOK_TOKEN}" }
      signingSecret: "\${HOOK_SECRET}"
      rateLimit: false
annotations:
  grafana: { url: "http://grafana:3000", token: "\${GRAFANA_TOKEN}", orgId: 2, tags: [vigil-prod] }
incidents: { correlationLabels: [service], quietIntervals: 3 }
summaryModel: { url: "http://localhost:8081/v1", model: llama, apiKey: "\${LLM_KEY}", timeout: 20s }
reports:
  - { name: weekly, every: 1w, format: pdf, folder: /var/lib/vigil/reports }
  - { name: daily-hook, every: 1d, format: json, jobs: [checkout], webhook: { url: "https://hooks.example/report" } }
`,
      {
        SLACK_URL: 'https://hooks.slack.com/services/T/B/secret',
        PD_KEY: 'p'.repeat(32),
        HOOK_TOKEN: 'tok',
        HOOK_SECRET: 'sign-me-please',
        GRAFANA_TOKEN: 'glsa_x',
        LLM_KEY: 'sk-local',
      }
    );
    expect(cfg.action?.summaryModel).toEqual({
      url: 'http://localhost:8081/v1',
      model: 'llama',
      apiKey: 'sk-local',
      timeoutMs: 20_000,
    });
    expect(cfg.action?.notify).toEqual({
      grafanaUrl: 'https://grafana.example.com',
      rateLimit: { count: 20, windowMs: 1_800_000 },
      retry: { retries: 2, minDelayMs: 500, maxDelayMs: 5000, timeoutMs: 3000 },
      receivers: [
        {
          name: 'am',
          type: 'alertmanager',
          url: 'http://alertmanager:9093',
          labels: { team: 'web' },
          resendIntervalMs: 120_000,
        },
        {
          name: 'ops',
          type: 'slack',
          url: 'https://hooks.slack.com/services/T/B/secret',
          minSeverity: 'major',
          jobs: ['checkout'],
        },
        { name: 'pager', type: 'pagerduty', routingKey: 'p'.repeat(32), severityMap: { major: 'critical' } },
        {
          name: 'hook',
          type: 'webhook',
          url: 'https://hooks.example/vigil',
          headers: { Authorization: 'Bearer tok' },
          signingSecret: 'sign-me-please',
          rateLimit: false,
        },
      ],
    });
    expect(cfg.action?.annotations).toEqual({
      url: 'http://grafana:3000',
      token: 'glsa_x',
      orgId: 2,
      tags: ['vigil-prod'],
    });
    expect(cfg.action?.incidents).toEqual({ correlationLabels: ['service'], quietIntervals: 3 });
    expect(cfg.action?.reports.map((r) => r.name)).toEqual(['weekly', 'daily-hook']);
  });

  test('the environment alone can add an Alertmanager and Grafana annotations', () => {
    const cfg = load('', {
      VIGIL_ALERTMANAGER_URL: 'http://am:9093',
      VIGIL_GRAFANA_URL: 'http://grafana:3000',
      VIGIL_GRAFANA_TOKEN: 'glsa_y',
    });
    expect(cfg.action?.notify.receivers).toEqual([
      { name: 'alertmanager', type: 'alertmanager', url: 'http://am:9093' },
    ]);
    expect(cfg.action?.annotations).toEqual({ url: 'http://grafana:3000', token: 'glsa_y' });
    expect(load('').action).toEqual({ notify: { receivers: [] }, incidents: { quietIntervals: 2 }, reports: [] });
  });

  test.each([
    [
      'notifications:\n  receivers:\n    - { name: s, type: slack }\n',
      /notifications\.receivers\[0\]\.url: is required/,
    ],
    [
      'notifications:\n  receivers:\n    - { name: s, type: slack, url: "https://x", color: red }\n',
      /receivers\[0\]\.color: unknown key/,
    ],
    [
      'notifications:\n  receivers:\n    - { name: s, type: teams, url: "https://x" }\n',
      /receivers\[0\]\.type: must be one of alertmanager, webhook, slack, pagerduty/,
    ],
    [
      'notifications:\n  receivers:\n    - { name: p, type: pagerduty, routingKey: short-key-SECRET }\n',
      /receivers\[0\]\.routingKey: a PagerDuty routing key has 32 characters, this one has 16/,
    ],
    [
      'notifications:\n  receivers:\n    - { name: s, type: slack, url: "${NOPE}" }\n',
      /receivers\[0\]\.url: environment variable NOPE is not set/,
    ],
    [
      'notifications:\n  receivers:\n    - { name: a, type: slack, url: "https://x" }\n    - { name: a, type: slack, url: "https://y" }\n',
      /receivers\[1\]\.name: two receivers are named "a"/,
    ],
    [
      'notifications:\n  receivers:\n    - { name: s, type: slack, url: "ftp://hooks-SECRET" }\n',
      /receivers\[0\]\.url: must be an http:\/\/ or https:\/\/ URL$/,
    ],
    ['annotations:\n  grafana: { url: "http://g" }\n', /annotations\.grafana\.token: is required/],
    ['reports:\n  - { name: w, every: 1w }\n', /reports\[0\]: give a folder, a webhook, or both/],
    ['reports:\n  - { name: w, every: 1m, folder: /tmp }\n', /reports\[0\]\.every: must be one of 1d, 1w/],
  ])('a bad block stops the start with a message naming the key: %s', (yaml, message) => {
    let err: Error | undefined;
    try {
      load(yaml);
    } catch (e) {
      err = e as Error;
    }
    expect(err?.name).toBe('ConfigError');
    expect(err?.message).toMatch(message);
    expect(err?.message).not.toMatch(/SECRET/);
  });
});
