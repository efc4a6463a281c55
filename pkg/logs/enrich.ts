/**
 * Enrichment of log lines with what rules and reports ask about a request's client:
 *
 * - user agent: browser, operating system and device type parsed by `ua-parser-js` (v1, MIT), and whether it is a
 *   bot or crawler by `isbot` (its list of known crawler patterns);
 * - country: the client address's ISO country from a GeoIP database (`geoip.ts`), when one is available;
 * - session: requests of one client with one user agent belong to one session until more than `sessionGapMs`
 *   passes without a request (30 minutes by default, the inactivity timeout web analytics use, and the one
 *   Vigil's access-log features use); each line gets the session's id, its request number and the seconds since
 *   the session began.
 *
 * Fields are added under dotted names: `ua.browser`, `ua.os`, `ua.device`, `ua.bot`, `geo.country`, `session.id`,
 * `session.requests`, `session.seconds`. The enricher keeps sessions as it goes, so lines must come in time order.
 */

import { isbot } from 'isbot';
import UAParser from 'ua-parser-js';
import type { GeoIp } from './geoip';
import type { WebFields } from './webFields';

/** Fields enrichment adds to a line. */
export interface Enrichment {
  'ua.browser'?: string;
  'ua.os'?: string;
  'ua.device'?: string;
  'ua.bot'?: boolean;
  'geo.country'?: string;
  'session.id'?: string;
  'session.requests'?: number;
  'session.seconds'?: number;
}

/** Options of the enricher. */
export interface EnrichOptions {
  /** inactivity that ends a session, ms (default 30 minutes) */
  sessionGapMs?: number;
  /** a country lookup (default: none) */
  geoip?: GeoIp | null;
  /** user agents kept parsed (default 10 000) */
  cacheSize?: number;
}

interface Session {
  id: string;
  start: number;
  last: number;
  requests: number;
}

interface ParsedAgent {
  browser?: string;
  os?: string;
  device: string;
  bot: boolean;
}

/** Adds user-agent, country and session fields to request lines, in time order. */
export class Enricher {
  private readonly gap: number;
  private readonly geoip: GeoIp | null;
  private readonly cacheSize: number;
  private readonly agents = new Map<string, ParsedAgent>();
  private readonly sessions = new Map<string, Session>();
  private nextSession = 1;
  private lastPrune = -Infinity;

  constructor(options: EnrichOptions = {}) {
    this.gap = options.sessionGapMs ?? 30 * 60_000;
    this.geoip = options.geoip ?? null;
    this.cacheSize = options.cacheSize ?? 10_000;
  }

  /** Where countries come from, or null. */
  get geoSource(): string | null {
    return this.geoip?.source ?? null;
  }

  /**
   * Enrich one request line.
   *
   * @param time epoch ms of the line (NaN: no session)
   * @param web the line's request fields (`webFields`)
   */
  enrich(time: number, web: WebFields): Enrichment {
    const out: Enrichment = {};
    if (web.agent !== undefined) {
      const a = this.agent(web.agent);
      if (a.browser) out['ua.browser'] = a.browser;
      if (a.os) out['ua.os'] = a.os;
      out['ua.device'] = a.device;
      out['ua.bot'] = a.bot;
    }
    if (web.client !== undefined && this.geoip) {
      const c = this.geoip.country(web.client);
      if (c) out['geo.country'] = c;
    }
    if (web.client !== undefined && Number.isFinite(time)) {
      const key = `${web.client}\u0000${web.agent ?? ''}`;
      let s = this.sessions.get(key);
      if (!s || time - s.last > this.gap) {
        s = { id: `s${this.nextSession++}`, start: time, last: time, requests: 0 };
        this.sessions.set(key, s);
      }
      s.requests++;
      s.last = Math.max(s.last, time);
      out['session.id'] = s.id;
      out['session.requests'] = s.requests;
      out['session.seconds'] = Math.round((time - s.start) / 1000);
      this.prune(time);
    }
    return out;
  }

  /** Parse a user agent (cached). */
  private agent(ua: string): ParsedAgent {
    const hit = this.agents.get(ua);
    if (hit) return hit;
    const r = new UAParser(ua).getResult();
    const bot = isbot(ua);
    const parsed: ParsedAgent = {
      device: bot ? 'bot' : (r.device.type ?? 'desktop'),
      bot,
    };
    if (r.browser.name) parsed.browser = r.browser.major ? `${r.browser.name} ${r.browser.major}` : r.browser.name;
    if (r.os.name) parsed.os = r.os.version ? `${r.os.name} ${r.os.version}` : r.os.name;
    if (this.agents.size >= this.cacheSize) this.agents.delete(this.agents.keys().next().value as string);
    this.agents.set(ua, parsed);
    return parsed;
  }

  /** Forget sessions idle for longer than the gap (at most once per gap). */
  private prune(now: number): void {
    if (now - this.lastPrune < this.gap) return;
    this.lastPrune = now;
    for (const [k, s] of this.sessions) if (now - s.last > this.gap) this.sessions.delete(k);
  }
}
