/** Incidents: grouping anomaly events, triage, and the open/update/resolve lifecycle (pure, no I/O). */
export * from './types';
export * from './triage';
export * from './build';
export * from './group';
export * from './lifecycle';
export * from './format';
