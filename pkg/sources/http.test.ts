/**
 * The HTTP plumbing against real local servers: https with a private CA (certificates made here with openssl),
 * basic auth, a server that never answers (timeout) and one that answers garbage.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { SourceError } from '../core/errors';
import { HttpEndpoint, authorizationHeader, redact } from './http';
import { PrometheusHttpClient } from './prometheus';

const OK_BODY = JSON.stringify({ status: 'success', data: { resultType: 'scalar', result: [1, '42'] } });

function makeCerts(dir: string): { ca: string; key: string; cert: string } {
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=vigil-test-ca',
  ]);
  run([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
    '-subj',
    '/CN=127.0.0.1',
  ]);
  fs.writeFileSync(path.join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run([
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '2',
    '-extfile',
    'ext.cnf',
  ]);
  const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
  return { ca: read('ca.pem'), key: read('server.key'), cert: read('server.pem') };
}

function listen(server: http.Server | https.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

describe('HTTP sources against local servers', () => {
  let dir: string;
  let certs: { ca: string; key: string; cert: string };
  let tlsServer: https.Server;
  let tlsPort: number;
  let plain: http.Server;
  let plainPort: number;
  const seenAuth: (string | undefined)[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-tls-'));
    certs = makeCerts(dir);
    tlsServer = https.createServer({ key: certs.key, cert: certs.cert }, (req, res) => {
      seenAuth.push(req.headers.authorization);
      if (
        req.headers.authorization !== authorizationHeader('t', { type: 'basic', username: 'vigil', password: 's3cret' })
      ) {
        res.writeHead(401, { 'content-type': 'text/plain' }).end('Unauthorized');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(OK_BODY);
    });
    tlsPort = await listen(tlsServer);
    plain = http.createServer((req, res) => {
      if (req.url?.startsWith('/slow')) return; // never answers
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>It works!</body></html>');
    });
    plainPort = await listen(plain);
  });

  afterAll(async () => {
    plain.closeAllConnections();
    tlsServer.closeAllConnections();
    await new Promise((r) => plain.close(r));
    await new Promise((r) => tlsServer.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('trusts a private CA given as caCert and sends basic auth', async () => {
    const prom = new PrometheusHttpClient({
      url: `https://127.0.0.1:${tlsPort}`,
      caCert: certs.ca,
      auth: { type: 'basic', username: 'vigil', password: 's3cret' },
    });
    const [s] = await prom.query('vector(42)');
    expect(s.values[0]).toBe(42);
    await prom.close();
  });

  it('refuses the same server without the CA, saying it is a certificate problem', async () => {
    const prom = new PrometheusHttpClient({
      url: `https://127.0.0.1:${tlsPort}`,
      auth: { type: 'basic', username: 'vigil', password: 's3cret' },
    });
    await expect(prom.query('up')).rejects.toThrow(SourceError);
    await expect(prom.query('up')).rejects.toThrow(
      /failed: TLS certificate not accepted \((SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE).*give its PEM as caCert/
    );
  });

  it('reports wrong credentials as 401 unauthorized', async () => {
    const prom = new PrometheusHttpClient({
      url: `https://127.0.0.1:${tlsPort}`,
      caCert: certs.ca,
      auth: { type: 'basic', username: 'vigil', password: 'wrong' },
    });
    await expect(prom.query('up')).rejects.toThrow('prometheus: query: HTTP 401 unauthorized (check the credentials)');
    await prom.close();
  });

  it('times out on a server that never answers', async () => {
    const ep = new HttpEndpoint('prometheus', { url: `http://127.0.0.1:${plainPort}`, timeoutMs: 200 });
    const t0 = Date.now();
    await expect(ep.request('GET', '/slow')).rejects.toThrow(
      `prometheus: GET http://127.0.0.1:${plainPort}/slow timed out after 200 ms`
    );
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('names a non-JSON answer (a web server that is not Prometheus)', async () => {
    const prom = new PrometheusHttpClient({ url: `http://127.0.0.1:${plainPort}` });
    await expect(prom.query('up')).rejects.toThrow(
      'prometheus: query: answer is not JSON (HTTP 200, body starts "<html><body>It works!</body></html>")'
    );
  });

  it('redacts credentials in URLs', () => {
    expect(redact('https://user:pw@host:9200/x')).toBe('https://***@host:9200/x');
    expect(redact('http://host:9090')).toBe('http://host:9090');
  });
});
