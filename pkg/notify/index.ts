/** Notifications: Alertmanager, webhook, Slack and PagerDuty receivers, and Grafana annotations for incidents. */
export * from './types';
export * from './http';
export * from './payloads';
export * from './rateLimit';
export * from './redact';
export * from './notifier';
export * from './grafana';
