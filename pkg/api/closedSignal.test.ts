import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { closedSignal } from './util';

describe('closedSignal', () => {
  it('aborts when the client goes away before the answer, and not when the answer was sent', async () => {
    const outcomes: boolean[] = [];
    let arrived = () => {};
    const server = http.createServer((_req, res) => {
      const signal = closedSignal(res);
      arrived();
      setTimeout(() => {
        outcomes.push(signal.aborted);
        if (!res.destroyed) res.end('ok');
      }, 300);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const client = new AbortController();
      const reached = new Promise<void>((r) => (arrived = r));
      const cancelled = fetch(url, { signal: client.signal }).catch((e: unknown) => e);
      await reached;
      client.abort();
      expect(((await cancelled) as Error).name).toBe('AbortError');
      expect(await (await fetch(url)).text()).toBe('ok');
      expect(outcomes).toEqual([true, false]);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
