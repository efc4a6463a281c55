import type { FastifyServerOptions } from 'fastify';
import { scrubSecrets } from '../core/scrub';

/** A value with every string in it scrubbed (plain objects and arrays, 6 levels deep; Errors by their fields). */
export function scrubValue(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return scrubSecrets(v);
  if (v === null || typeof v !== 'object' || depth > 6) return v;
  if (v instanceof Error) {
    return {
      type: v.name,
      message: scrubSecrets(v.message),
      ...(v.stack ? { stack: scrubSecrets(v.stack) } : {}),
    };
  }
  if (Array.isArray(v)) return v.map((x) => scrubValue(x, depth + 1));
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = scrubValue(x, depth + 1);
  return out;
}

/**
 * The engine's logger options (pino through fastify): JSON lines at `level`, with every credential and token
 * masked (`scrubSecrets`) in messages, logged objects, errors and request URLs (query-string tokens included).
 * The `Authorization` header is never logged (fastify's request serializer leaves headers out).
 */
export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    serializers: {
      req: (req: {
        method?: string;
        url?: string;
        hostname?: string;
        ip?: string;
        socket?: { remotePort?: number };
      }) => ({
        method: req.method,
        url: scrubSecrets(req.url ?? ''),
        host: req.hostname,
        remoteAddress: req.ip,
        remotePort: req.socket?.remotePort,
      }),
      // `err` is an Error, or a message already made (a string: logged as it is, not spread into characters)
      err: (err: Error) => {
        if (!((err as unknown) instanceof Error))
          return scrubValue(err) as { type: string; message: string; stack: string };
        const e = scrubValue(err) as { type?: string; message?: string; stack?: string };
        return { ...e, type: e.type ?? 'Error', message: e.message ?? '', stack: e.stack ?? '' };
      },
    },
    hooks: {
      logMethod(args: unknown[], method: (...a: unknown[]) => void) {
        method.apply(
          this,
          args.map((a) => scrubValue(a))
        );
      },
    },
  };
}
