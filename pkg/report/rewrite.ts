import { request } from 'undici';
import type { Report, ReportSummary } from './types';

/** An OpenAI-compatible chat completions endpoint (OpenAI, a local llama.cpp or vLLM server, Ollama, ...). */
export interface SummaryModelConfig {
  /** base URL of the API, e.g. `http://localhost:8080/v1` (`/chat/completions` is appended) */
  url: string;
  /** model name the endpoint expects */
  model: string;
  /** sent as `Authorization: Bearer ...`; never logged or returned */
  apiKey?: string;
  /** default 30 s */
  timeoutMs?: number;
}

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

const INSTRUCTIONS =
  'You rewrite the executive summary of an anomaly-detection report for a manager. Keep every incident, date, ' +
  'time, number and severity exactly as given, in the same order (the most important incident first). Do not add ' +
  'facts, causes or advice that are not in the text. Plain words, no lists or headings, at most 200 words, ' +
  'paragraphs separated by a blank line.';

/**
 * Ask a language model to rewrite the report's deterministic summary in smoother prose. The deterministic text is
 * the fallback: it is returned (with `fallbackReason`) when the endpoint fails, times out, answers something that
 * is not a chat completion, or drops a headline incident's date (each must still be named by day and month or ISO
 * date). The API key is sent only in the Authorization header and never appears in a reason.
 *
 * @returns the summary to use
 */
export async function rewriteSummary(report: Report, config: SummaryModelConfig): Promise<ReportSummary> {
  const fallback = (reason: string): ReportSummary => ({ ...report.summary, by: 'figures', fallbackReason: reason });
  const original = report.summary.paragraphs.join('\n\n');
  if (!original) return report.summary;
  let url: URL;
  try {
    url = new URL(`${config.url.replace(/\/+$/, '')}/chat/completions`);
  } catch {
    return fallback('the summary model URL is not a valid URL');
  }
  let text: string;
  try {
    const res = await request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {}),
      },
      body: JSON.stringify({
        model: config.model,
        temperature: 0.2,
        max_tokens: 700,
        messages: [
          { role: 'system', content: INSTRUCTIONS },
          { role: 'user', content: original },
        ],
      }),
      headersTimeout: config.timeoutMs ?? 30_000,
      bodyTimeout: config.timeoutMs ?? 30_000,
    });
    const body = await res.body.text();
    if (res.statusCode !== 200) return fallback(`the summary model answered HTTP ${res.statusCode}`);
    const json = JSON.parse(body) as { choices?: { message?: { content?: unknown } }[] };
    const content = json.choices?.[0]?.message?.content;
    if (typeof content !== 'string' || !content.trim()) return fallback('the summary model answered no text');
    text = content.trim();
  } catch (err) {
    const e = err as Error & { code?: string };
    return fallback(`the summary model could not be reached (${e.code ?? e.name})`);
  }
  if (text.length > 4000) return fallback('the summary model answered more than 4000 characters');
  for (const id of report.headline) {
    const inc = report.incidents.find((i) => i.id === id);
    if (inc && !mentionsDay(text, inc.start)) {
      return fallback(
        `the summary model's text left out the incident of ${new Date(inc.start).toISOString().slice(0, 10)}`
      );
    }
  }
  return {
    paragraphs: text
      .split(/\n\s*\n/)
      .map((p) => p.replace(/\s+/g, ' ').trim())
      .filter(Boolean),
    by: 'model',
    model: config.model,
  };
}

/** True when `text` names the UTC day of `t`: `2018-09-01`, `1 Sep`, `September 1`, `Sep 1st`, ... */
export function mentionsDay(text: string, t: number): boolean {
  const d = new Date(t);
  const iso = d.toISOString().slice(0, 10);
  if (text.includes(iso)) return true;
  const day = d.getUTCDate();
  const month = MONTHS[d.getUTCMonth()];
  const m = `(?:${month}|${month.slice(0, 3)}\\.?)`;
  const n = `0?${day}(?:st|nd|rd|th)?`;
  return new RegExp(`\\b${n}\\s+(?:of\\s+)?${m}\\b|\\b${m}\\s+${n}\\b`, 'i').test(text);
}
