/**
 * A source answering 400 MB (`npm run bench:service -- --only answer`): a local HTTP server plays a Prometheus whose
 * `query_range` streams 400 MiB; `vigil serve` (default configuration) is pointed at it and asked three times
 * `POST /api/detect` on that source. Prints each answer's status and code, the time taken, and the engine's resident
 * memory before, at the peak of the first answer and at the peak of the three (`process_resident_memory_bytes` from
 * /metrics, read every 100 ms).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawnEngine } from './engine';

/** Run the measure and print its row. */
export async function benchBigAnswer(o: { repo: string; port: number; token: string; mib?: number }): Promise<void> {
  const total = o.mib ?? 400;
  const chunk = Buffer.alloc(1 << 20, 'x');
  const srv = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    if (!req.url?.startsWith('/api/v1/query_range')) {
      res.end('{"status":"success","data":{"resultType":"scalar","result":[0,"1"]}}');
      return;
    }
    let sent = 0;
    const pump = () => {
      while (sent < total && !res.destroyed) {
        sent++;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const promUrl = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-answer-'));
  const engine = await spawnEngine({
    ...o,
    dir,
    config: `host: 127.0.0.1\nlogLevel: error\nsources:\n  - type: prometheus\n    url: ${promUrl}\n`,
  }).catch((e: unknown) => {
    srv.close();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  });
  const { url, headers } = engine;
  const rss = async () => {
    const text = await (await fetch(`${url}/metrics`, { headers })).text();
    return Number(/^process_resident_memory_bytes (\S+)$/m.exec(text)?.[1] ?? NaN) / 2 ** 20;
  };
  try {
    const before = await rss();
    let peak = before;
    const poll = setInterval(() => {
      rss().then(
        (m) => (peak = Math.max(peak, m)),
        () => undefined
      );
    }, 100);
    const t0 = performance.now();
    const answers: string[] = [];
    let afterOne = NaN;
    for (let k = 0; k < 3; k++) {
      if (k === 1) afterOne = peak = Math.max(peak, await rss());
      const res = await fetch(`${url}/api/detect`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          source: { type: 'prometheus', query: 'up' },
          from: Date.now() - 3_600_000 - k * 60_000,
          to: Date.now(),
          interval: '1m',
        }),
      });
      const body = (await res.json()) as { error?: { code: string } };
      answers.push(`${res.status} ${body.error?.code ?? 'ok'}`);
    }
    clearInterval(poll);
    peak = Math.max(peak, await rss());
    process.stdout.write(
      `\nA source answering ${total} MiB, three POST /api/detect on it (vigil serve, default limits):\n` +
        `  answers: ${answers.join(', ')} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n` +
        `  engine RSS: ${before.toFixed(0)} MiB before, ${afterOne.toFixed(0)} MiB at the peak of the first answer, ` +
        `${peak.toFixed(0)} MiB at the peak of the three\n`
    );
  } finally {
    await engine.stop();
    srv.closeAllConnections();
    await new Promise((r) => srv.close(r));
    rmSync(dir, { recursive: true, force: true });
  }
}
