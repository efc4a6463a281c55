import type { Severity } from './types';

export const APP_ID = 'vigil-anomaly-app';
export const DATASOURCE_ID = 'vigil-anomaly-datasource';
export const PANEL_ID = 'vigil-anomaly-panel';

/** Path of the data source proxy route (plugin.json `routes[].path`) that reaches the engine with the token. */
export const ENGINE_ROUTE = 'engine';

/** Base URL of the app's pages inside Grafana. */
export const APP_BASE_URL = `/a/${APP_ID}`;

export const SEVERITIES: Severity[] = ['critical', 'major', 'minor', 'warning'];

/** Rank of a severity, higher is worse; used for the panel's minimum-severity filter. */
export const SEVERITY_RANK: Record<Severity, number> = { warning: 0, minor: 1, major: 2, critical: 3 };

/** Default marker colours by severity (Grafana palette names, resolved through the theme). */
export const DEFAULT_SEVERITY_COLORS: Record<Severity, string> = {
  critical: 'red',
  major: 'orange',
  minor: 'yellow',
  warning: 'blue',
};

/** Detectors the query editor offers; the engine validates names and lists the ones it knows in errors. */
export const KNOWN_DETECTORS = [
  { value: 'zscore', label: 'Rolling z-score', description: 'deviation from the rolling mean in standard deviations' },
  { value: 'mad', label: 'Robust MAD', description: 'deviation from the rolling median in MADs' },
  { value: 'iqr', label: 'IQR fences', description: 'outside the rolling interquartile fences' },
  { value: 'spike', label: 'Spike', description: 'ratio to the recent level' },
  { value: 'seasonal', label: 'Seasonal (MSTL)', description: 'residual after daily/weekly seasonality' },
  { value: 'ets', label: 'ETS forecast', description: 'prediction error against an ETS band' },
  { value: 'prophet', label: 'Prophet forecast', description: 'prediction error against a Prophet band' },
  { value: 'isolationForest', label: 'Isolation Forest', description: 'multivariate, over engineered features' },
];

export const DEFAULT_SENSITIVITY = 6;
export const DEFAULT_HORIZON = 48;
