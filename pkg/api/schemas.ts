/**
 * JSON schemas of the REST API (request validation by fastify/ajv; the OpenAPI document is generated from them).
 * Response schemas are descriptive and keep unknown properties (`additionalProperties: true`).
 */

export const errorSchema = {
  type: 'object',
  description: 'Every error answer',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' } },
      required: ['code', 'message'],
    },
  },
  required: ['error'],
} as const;

const labels = { type: 'object', additionalProperties: { type: 'string' } } as const;
const epochMs = { type: 'number', description: 'epoch milliseconds' } as const;

export const sourceQuerySchema = {
  description: 'What to read: a PromQL query, an Elasticsearch/OpenSearch aggregation, or a CSV/NDJSON file',
  oneOf: [
    {
      type: 'object',
      required: ['type', 'query'],
      additionalProperties: false,
      properties: {
        type: { const: 'prometheus' },
        query: { type: 'string', minLength: 1 },
        source: { type: 'string', description: 'configured source name (default: the first prometheus source)' },
      },
    },
    {
      type: 'object',
      required: ['type', 'index', 'timeField', 'metric'],
      additionalProperties: false,
      properties: {
        type: { const: 'elasticsearch' },
        index: { type: 'string', minLength: 1 },
        timeField: { type: 'string', minLength: 1 },
        metric: {
          type: 'object',
          required: ['type'],
          additionalProperties: false,
          properties: {
            type: { enum: ['count', 'cardinality', 'avg', 'sum', 'min', 'max', 'percentile', 'error_rate'] },
            field: { type: 'string' },
            percentile: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 100 },
          },
        },
        filter: { type: 'string', description: 'Lucene query string' },
        splitBy: { type: 'string' },
        size: { type: 'integer', minimum: 1, maximum: 1000 },
        source: { type: 'string' },
      },
    },
    {
      type: 'object',
      required: ['type', 'path'],
      additionalProperties: false,
      properties: {
        type: { const: 'file' },
        path: { type: 'string', minLength: 1, description: "relative to the file source's root" },
        timeField: { type: 'string' },
        valueField: { type: 'string' },
        labelFields: { type: 'array', items: { type: 'string' } },
        source: { type: 'string' },
      },
    },
  ],
} as const;

const detectorOptions = {
  detectors: { type: 'array', items: { type: 'string' }, minItems: 1 },
  mode: { enum: ['majority', 'any'] },
  threshold: { type: 'number', minimum: 0, maximum: 100 },
} as const;

export const jobSpecSchema = {
  type: 'object',
  required: ['name', 'source'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    source: sourceQuerySchema,
    ...detectorOptions,
    params: { type: 'object', additionalProperties: { type: 'object' } },
    interval: { type: 'string', default: '1m', description: 'run interval and grid, e.g. 1m' },
    trainingWindow: { type: 'string', default: '7d' },
    labels,
    forecastHorizon: { type: 'integer', minimum: 0, maximum: 10000 },
  },
} as const;

export const anomalyEventSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    start: epochMs,
    end: epochMs,
    labels,
    severity: { enum: ['critical', 'major', 'minor', 'warning'] },
    score: { type: 'number' },
    peak: epochMs,
    detectors: { type: 'object', additionalProperties: { type: 'number' } },
    expected: { type: ['number', 'null'] },
    actual: { type: ['number', 'null'] },
    direction: { enum: ['above', 'below'] },
    confidence: { type: ['number', 'null'] },
    explanation: { type: 'string' },
  },
} as const;

export const jobSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    ...jobSpecSchema.properties,
    id: { type: 'string' },
    enabled: { type: 'boolean' },
    createdAt: epochMs,
    updatedAt: epochMs,
    lastRun: {
      type: 'object',
      additionalProperties: true,
      properties: { at: epochMs, ok: { type: 'boolean' }, error: { type: 'string' }, durationMs: { type: 'number' } },
    },
    anomalies24h: { type: 'integer' },
    drift: { type: 'object', properties: { drifting: { type: 'boolean' }, pValue: { type: 'number' } } },
  },
} as const;

export const rangeQuerySchema = {
  type: 'object',
  properties: { from: { type: 'number' }, to: { type: 'number' } },
} as const;

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1 } },
} as const;

export const detectBodySchema = {
  type: 'object',
  required: ['source', 'from', 'to'],
  additionalProperties: false,
  properties: {
    source: sourceQuerySchema,
    from: epochMs,
    to: epochMs,
    interval: {
      type: 'string',
      description: 'grid, e.g. 5m (default: the finest of 1m/5m/15m/1h/1d with at most 11,000 points)',
    },
    ...detectorOptions,
    params: { type: 'object', additionalProperties: { type: 'object' } },
    sensitivity: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      description:
        'vote sensitivity 0-1 (default 0.6): a detector votes when its tail probability < 10^(-1 - 5(1 - s))',
    },
    trainingWindow: { type: 'string', description: 'fit on the first part of the range only, e.g. 7d (default: all)' },
  },
} as const;

export const forecastBodySchema = {
  type: 'object',
  required: ['source', 'from', 'to'],
  additionalProperties: false,
  properties: {
    source: sourceQuerySchema,
    from: epochMs,
    to: epochMs,
    interval: { type: 'string' },
    horizon: { type: 'integer', minimum: 1, maximum: 100000, default: 48 },
    method: { enum: ['prophet', 'ets', 'mstl'], default: 'ets' },
    level: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
  },
} as const;

export const forecastResponseSchema = {
  type: 'object',
  properties: {
    series: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        properties: {
          labels,
          method: { type: 'string' },
          points: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                t: epochMs,
                mean: { type: ['number', 'null'] },
                lower: { type: ['number', 'null'] },
                upper: { type: ['number', 'null'] },
              },
            },
          },
        },
      },
    },
  },
} as const;
