import { envAuth } from '../config/config';
import { InputError } from '../core/errors';
import {
  aggregateAccessLogsInElasticsearch,
  ElasticsearchHttpClient,
  type EsHit,
  type EsSearchResponse,
} from '../sources/elasticsearch';
import type { HttpAuth } from '../sources/http';
import { TIME_FIELDS } from '../sources/file';
import { toHttpAuth } from '../sources/seriesSources';
import { accessLogFields, describeFields, DEFAULT_LOG_METRICS, type InputOptions, type LoadedInput } from './input';
import { Progress } from './progress';

/** Whether `vigil detect`'s input names an Elasticsearch/OpenSearch index (`http(s)://host:port/index`). */
export function isIndexUrl(input: string): boolean {
  return /^https?:\/\//i.test(input);
}

/**
 * The server's credentials from the environment, as `vigil serve` reads them: `VIGIL_ELASTICSEARCH_USERNAME`
 * and `_PASSWORD` (basic), or `VIGIL_ELASTICSEARCH_API_KEY`.
 */
export function elasticsearchAuthFromEnv(env: Record<string, string | undefined>): HttpAuth | undefined {
  return toHttpAuth(envAuth(env, 'VIGIL_ELASTICSEARCH', 'API_KEY').auth);
}

/**
 * Load the access logs of an Elasticsearch/OpenSearch index for detection, aggregated inside the server
 * (`aggregateAccessLogsInElasticsearch`: the same metrics as a file's access logs, without downloading the
 * documents). The fields not given are found in the newest document of the range as in a file (time, status,
 * client, agent, bytes).
 *
 * @param url `http(s)://host:port[/prefix]/<index>`; the index may be a pattern (`logs-*`) or a comma list
 * @param options `from` and `to` (epoch ms, the range read) are required; the access-log options as for a file
 * @param services `client` for tests (default: an HTTP client of the URL with the environment's credentials)
 * @throws InputError for a bad URL, a missing range, no document in the range or a field not found;
 *   SourceError from the server (unknown index or field, bad credentials) or the transport
 */
export async function loadIndex(
  url: string,
  options: InputOptions,
  services: { client?: Pick<ElasticsearchHttpClient, 'search' | 'histogram'> } = {}
): Promise<LoadedInput> {
  const parsed = parseIndexUrl(url);
  if (options.kind === 'metrics')
    throw new InputError('--kind metrics: an index is read as access logs; export metric series to a file');
  if (options.from === undefined || options.to === undefined)
    throw new InputError('reading an index needs the time range: --since and --until (e.g. --since 2018-08-01)');
  const { from, to } = options;
  if (!(from < to)) throw new InputError('--since must be before --until');
  const client =
    services.client ??
    new ElasticsearchHttpClient({ url: parsed.base, auth: elasticsearchAuthFromEnv(process.env), timeoutMs: 120_000 });
  const progress = new Progress(`reading ${parsed.index}`, process.stderr, !options.quiet);
  const sample = await newestDocument(client, parsed.index, options.timeField, from, to);
  const record = sample.hit._source ?? {};
  const fields = accessLogFields(record, options.timeField ?? sample.timeField, options, {
    file: `index ${parsed.index}`,
  });
  const series = await aggregateAccessLogsInElasticsearch(client, {
    ...fields,
    index: parsed.index,
    startMs: from,
    endMs: to,
  });
  progress.done(`${sample.total} documents`);
  const wanted = new Set<string>(options.metrics ?? DEFAULT_LOG_METRICS);
  return {
    kind: 'logs',
    series: series.filter((s) => wanted.has(s.labels.__name__)),
    records: sample.total,
    warnings: [],
    description: `${sample.total} access-log documents of index ${parsed.index}, aggregated in the server (${describeFields(fields)})`,
  };
}

function parseIndexUrl(url: string): { base: string; index: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError(`"${url}" is not a URL (expected http://host:9200/<index>)`);
  }
  const parts = parsed.pathname.split('/').filter(Boolean);
  const index = decodeURIComponent(parts.pop() ?? '');
  if (!index) throw new InputError(`"${url}" names no index (expected http://host:9200/<index>)`);
  parsed.pathname = parts.join('/');
  return { base: parsed.toString().replace(/\/+$/, ''), index };
}

/** The newest document in [from, to) (its fields name the defaults) and the number of documents there. */
async function newestDocument(
  client: Pick<ElasticsearchHttpClient, 'search'>,
  index: string,
  timeField: string | undefined,
  from: number,
  to: number
): Promise<{ hit: EsHit; total: number; timeField: string }> {
  // without --time-field, the first of the usual names for which the range holds documents
  for (const field of timeField ? [timeField] : TIME_FIELDS) {
    const res: EsSearchResponse = await client.search(index, {
      size: 1,
      track_total_hits: true,
      query: { range: { [field]: { gte: from, lt: to, format: 'epoch_millis' } } },
      sort: [{ [field]: { order: 'desc', unmapped_type: 'date' } }],
    });
    const hit = res.hits?.hits?.[0];
    const total = typeof res.hits?.total === 'number' ? res.hits.total : (res.hits?.total?.value ?? 0);
    if (hit) return { hit, total, timeField: field };
  }
  throw new InputError(
    `index ${index}: no document in the range with ${timeField ? `time field "${timeField}"` : `a time field (looked for ${TIME_FIELDS.join(', ')}; use --time-field)`}`
  );
}
