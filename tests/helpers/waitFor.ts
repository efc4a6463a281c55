import type { ChildProcess } from 'node:child_process';

/**
 * Poll `fn` every `everyMs` until it returns a value, `proc` (a `vigil serve` process) exits, or `timeoutMs`
 * passes. Errors thrown by `fn` count as "not yet"; the last one is quoted when time runs out.
 * @throws Error naming `what` when the process exited or the time ran out
 */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs: number,
  proc?: ChildProcess,
  everyMs = 500
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    if (proc && proc.exitCode !== null) throw new Error(`${what}: vigil serve exited with code ${proc.exitCode}`);
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`${what}: not ready after ${timeoutMs} ms${last ? ` (${(last as Error).message})` : ''}`);
}
