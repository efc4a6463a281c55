/**
 * The demo jobs the traffic generator creates in the engine (when missing): the shop's request rate, error rate and
 * p95 latency from Prometheus (the latency job also forecasts an hour and watches a 250 ms level, for the
 * forecast-breach alert), and the access logs' error rate and unique clients from OpenSearch.
 */
const RATE = 'sum(rate(http_requests_total{service="shop"}[5m]))';

const common = { interval: '1m', trainingWindow: '1d', labels: { service: 'shop' } };

export const SHOP_JOBS = [
  { ...common, name: 'shop request rate', source: { type: 'prometheus', query: RATE } },
  {
    ...common,
    name: 'shop error rate',
    source: {
      type: 'prometheus',
      query: `sum(rate(http_requests_total{service="shop", status=~"5.."}[5m])) / ${RATE}`,
    },
  },
  {
    ...common,
    name: 'shop latency p95',
    source: {
      type: 'prometheus',
      query: 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{service="shop"}[5m])))',
    },
    forecastHorizon: 60,
    forecastThresholds: [{ value: 0.25, direction: 'above' }],
  },
  {
    ...common,
    name: 'access log error rate',
    source: { type: 'elasticsearch', index: 'weblogs-*', timeField: '@timestamp', metric: { type: 'error_rate' } },
  },
  {
    ...common,
    name: 'access log unique clients',
    source: {
      type: 'elasticsearch',
      index: 'weblogs-*',
      timeField: '@timestamp',
      metric: { type: 'cardinality', field: 'client_ip' },
    },
  },
] as const;
