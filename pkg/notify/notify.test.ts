import { groupIncidents } from '../incidents/group';
import type { Incident, IncidentEvent } from '../incidents/types';
import {
  alertLabels,
  annotationBody,
  incidentLink,
  labelName,
  pagerDutyEvent,
  slackEscape,
  slackMessage,
} from './payloads';
import { SlidingWindowLimit } from './rateLimit';
import { publicReceiver, redactUrl, scrub, secretsOf } from './redact';

const T0 = Date.UTC(2024, 0, 1, 12);

function incident(over: Partial<IncidentEvent> = {}, jobs = {}): Incident {
  const e: IncidentEvent = {
    jobId: 'web',
    intervalMs: 60_000,
    start: T0,
    end: T0,
    peak: T0,
    labels: { __name__: 'requests', 'k8s.pod': 'web-1', service: 'web' },
    severity: 'major',
    score: 60,
    detectors: { zscore: 70 },
    expected: 10,
    actual: 50,
    direction: 'above',
    confidence: 1,
    explanation: '',
    ...over,
  };
  return groupIncidents([e], jobs)[0];
}

describe('rate limit', () => {
  test('at most `count` per sliding window, per key', () => {
    const l = new SlidingWindowLimit(2, 1000);
    expect(l.allows(['a'], 0)).toBe(true);
    l.record(['a', 'r'], 0);
    l.record(['a', 'r'], 500);
    expect(l.allows(['a'], 900)).toBe(false);
    expect(l.allows(['b'], 900)).toBe(true);
    expect(l.allows(['b', 'r'], 900)).toBe(false); // the receiver key is full too
    expect(l.allows(['a'], 1000)).toBe(true); // the first one left the window
    expect(l.used('a', 1400)).toBe(1);
    expect(() => new SlidingWindowLimit(0, 1)).toThrow(RangeError);
    expect(() => new SlidingWindowLimit(1, 0)).toThrow(RangeError);
  });
});

describe('payloads', () => {
  test('Alertmanager labels: valid names, the incident identity, receiver labels win', () => {
    expect(labelName('k8s.pod')).toBe('k8s_pod');
    expect(labelName('9lives')).toBe('_9lives');
    const i = incident();
    expect(alertLabels(i, 'major', { team: 'web' })).toEqual({
      k8s_pod: 'web-1',
      service: 'web',
      alertname: 'VigilIncident',
      vigil_incident: i.id,
      vigil_job: 'web',
      severity: 'major',
      criticality: 'medium',
      team: 'web',
    });
  });

  test('links go to the job panel when it names one, else to the app', () => {
    const plain = incident();
    expect(incidentLink(plain)).toBeUndefined();
    expect(incidentLink(plain, 'https://g.example/')).toBe(
      `https://g.example/a/vigil-anomaly-app/incidents?incident=${plain.id}&from=${T0 - 3_600_000}&to=${T0 + 60_000 + 3_600_000}`
    );
    const onPanel = incident({}, { web: { id: 'web', name: 'web', dashboardUid: 'abc', panelId: 7 } });
    expect(incidentLink(onPanel, 'https://g.example')).toMatch(
      /^https:\/\/g\.example\/d\/abc\?from=\d+&to=\d+&viewPanel=7$/
    );
  });

  test('Slack: long text is cut to the documented limits and mrkdwn is escaped', () => {
    const i = { ...incident(), title: 'x'.repeat(400), summary: `<b>&${'y'.repeat(4000)}` };
    const m = slackMessage({ action: 'open', incident: i });
    const header = m.blocks[0] as { text: { text: string } };
    expect(header.text.text.length).toBe(150);
    const section = m.blocks[1] as { text: { text: string } };
    expect(section.text.text.length).toBeLessThanOrEqual(3000);
    expect(section.text.text).toContain('&lt;b&gt;&amp;');
    expect(slackEscape('a<b>&c')).toBe('a&lt;b&gt;&amp;c');
  });

  test('PagerDuty: summary at most 1024 characters; resolve carries only key, action and dedup_key', () => {
    const i = { ...incident(), title: 'z'.repeat(2000) };
    const t = pagerDutyEvent({ action: 'open', incident: i }, 'k'.repeat(32)) as { payload: { summary: string } };
    expect(t.payload.summary.length).toBe(1024);
    expect(pagerDutyEvent({ action: 'resolve', incident: i }, 'k'.repeat(32))).toEqual({
      routing_key: 'k'.repeat(32),
      event_action: 'resolve',
      dedup_key: `vigil/${i.id}`,
    });
  });

  test('Grafana annotation: a region with tags; dashboard scope only with a dashboard', () => {
    const a = annotationBody({ ...incident(), status: 'open' }, { extraTags: ['team:web'] });
    expect(a).toEqual({
      time: T0,
      timeEnd: T0 + 60_000,
      tags: ['vigil', 'incident', 'severity:major', 'kind:spike', 'job:web', 'team:web'],
      text: expect.stringMatching(/^web: requests rose to 50 \(expected 10\)\n/),
    });
  });
});

describe('secrets', () => {
  test('URLs keep only what is not secret; secrets are listed and scrubbed', () => {
    expect(redactUrl('https://hooks.slack.com/services/T/B/secret')).toBe('https://hooks.slack.com/…');
    expect(redactUrl('https://user:pw@am.example:9093/am/?x=1', true)).toBe('https://am.example:9093/am');
    expect(redactUrl('not a url')).toBe('(invalid URL)');
    const cfg = {
      receivers: [
        {
          type: 'webhook' as const,
          name: 'w',
          url: 'https://h.example/x?token=abcd1234',
          headers: { A: 'header-secret' },
        },
        { type: 'pagerduty' as const, name: 'p', routingKey: 'r'.repeat(32) },
        {
          type: 'alertmanager' as const,
          name: 'a',
          url: 'http://am:9093',
          auth: { username: 'u', password: 'am-password' },
        },
      ],
    };
    expect(secretsOf(cfg).sort()).toEqual(
      ['am-password', 'header-secret', 'https://h.example/x?token=abcd1234', 'r'.repeat(32)].sort()
    );
    expect(scrub('failed for am-password and header-secret', secretsOf(cfg))).toBe('failed for *** and ***');
    expect(publicReceiver(cfg.receivers[2])).toEqual({
      name: 'a',
      type: 'alertmanager',
      endpoint: 'http://am:9093',
      auth: 'basic',
    });
  });
});
