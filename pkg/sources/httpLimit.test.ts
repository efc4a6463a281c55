/**
 * The answer size limit against a real local server: a declared Content-Length over the limit is refused before
 * the body is read, a chunked answer as soon as it passes the limit (the rest is never read), and an answer within
 * the limit is read whole.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SourceError } from '../core/errors';
import { ANSWER_TOO_LARGE, DEFAULT_MAX_ANSWER_BYTES, HttpEndpoint } from './http';

const MiB = 1024 * 1024;
let server: http.Server;
let url: string;
/** bytes the chunked route managed to write before the client went away */
let written = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/declared') {
      const body = Buffer.alloc(3 * MiB, 'a');
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
    } else if (req.url === '/chunked') {
      // 200 MiB in 64 KiB chunks without a length, stopping when the client closes the connection
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 'b');
      written = 0;
      const pump = () => {
        while (written < 200 * MiB && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => undefined);
      pump();
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: 'é'.repeat(1000) }));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('HttpEndpoint answer size limit', () => {
  it('defaults to 32 MiB', () => {
    expect(new HttpEndpoint('prometheus', { url }).maxAnswerBytes).toBe(DEFAULT_MAX_ANSWER_BYTES);
    expect(DEFAULT_MAX_ANSWER_BYTES).toBe(32 * MiB);
    expect(() => new HttpEndpoint('prometheus', { url, maxAnswerBytes: 0 })).toThrow(
      /maxAnswerBytes must be a positive/
    );
  });

  it('refuses a declared length over the limit, naming the source, the size and the limit', async () => {
    const e = new HttpEndpoint('prometheus', { url, maxAnswerBytes: 1 * MiB });
    const err = (await e.request('GET', '/declared').catch((x: unknown) => x)) as SourceError;
    expect(err).toBeInstanceOf(SourceError);
    expect(err.status).toBe(ANSWER_TOO_LARGE);
    expect(err.message).toMatch(
      /^prometheus: GET http:\/\/127\.0\.0\.1:\d+\/declared answered 3\.0 MiB, more than the limit of 1\.0 MiB/
    );
  });

  it('stops reading a chunked answer once it passes the limit', async () => {
    const e = new HttpEndpoint('prometheus', { url, maxAnswerBytes: 2 * MiB });
    const before = process.memoryUsage().rss;
    const err = (await e.request('GET', '/chunked').catch((x: unknown) => x)) as SourceError;
    expect(err.status).toBe(ANSWER_TOO_LARGE);
    expect(err.message).toMatch(/answered over 2\.0 MiB, more than the limit of 2\.0 MiB/);
    await new Promise((r) => setTimeout(r, 200));
    // the server was cut off far before its 200 MiB (socket buffers hold a few MiB at most)
    expect(written).toBeLessThan(50 * MiB);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * MiB);
  });

  it('reads an answer within the limit whole (multi-byte characters across chunks intact)', async () => {
    const e = new HttpEndpoint('prometheus', { url, maxAnswerBytes: 1 * MiB });
    const a = await e.request('GET', '/small');
    expect(a.status).toBe(200);
    expect(JSON.parse(a.text).ok).toBe('é'.repeat(1000));
  });
});
