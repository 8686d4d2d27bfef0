import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { silentLogger } from '../../../electron/core/log.js';
import { Runtime } from '../../../electron/core/runtime.js';
import { type ModbusServer, startModbusServer } from '../../../electron/demo/modbus-server.js';
import { type Gateway, startGateway } from '../../../electron/host/gateway/server.js';
import { compile, modbusProject, tempDir } from '../../support/project.js';

let server: ModbusServer;
let runtime: Runtime;
let gateway: Gateway;
const tmp = tempDir();

beforeAll(async () => {
  server = await startModbusServer();
  server.banks.holdingRegisters[1] = 1234;
  runtime = await Runtime.start({ compiled: compile(modbusProject(server.port, [{ id: 'p', address: 'hr:1', unit: 'bar' }])), dbPath: tmp.file('gw.db'), dataDir: tmp.dir, log: silentLogger, host: 'gateway', version: 'test', liveIntervalMs: 50 });
  writeFileSync(tmp.file('index.html'), '<!doctype html><title>SensorVault</title>');
  gateway = await startGateway({ runtime, log: silentLogger, staticDir: tmp.dir });
});

afterAll(async () => {
  await gateway.close();
  await runtime.stop();
  await server.close();
  tmp.remove();
});

/** Raw HTTP so the test controls every header (fetch forbids setting Host). */
function request(path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: gateway.port, path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const bearer = () => ({ authorization: `Bearer ${gateway.token}` });

describe('gateway: headless host on 127.0.0.1', () => {
  it('binds to loopback and prints a launch URL with the token', () => {
    expect(gateway.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(gateway.launchUrl).toBe(`${gateway.url}?token=${gateway.token}`);
    expect(gateway.token.length).toBeGreaterThanOrEqual(32);
  });

  it('refuses every request without the token', async () => {
    expect((await request('/')).status).toBe(401);
    expect((await request('/index.html')).status).toBe(401);
    expect((await request('/api/devices:list', { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await request('/api/devices:list', { method: 'POST', body: '{}', headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await request('/?token=wrong')).status).toBe(401);
  });

  it('exchanges the launch token for an HttpOnly SameSite cookie, which then authorizes', async () => {
    const first = await request(`/?token=${gateway.token}`);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const cookie = String(first.headers['set-cookie']?.[0]);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await request('/', { headers: { cookie: cookie.split(';')[0] ?? '' } });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(page.body).toMatch(/SensorVault/);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    expect((await request('/', { headers: { ...bearer(), host: 'evil.example:80' } })).status).toBe(403);
  });

  it('answers contract requests with envelopes, validating params first', async () => {
    const ok = JSON.parse((await request('/api/tags:list', { method: 'POST', headers: bearer(), body: '{}' })).body);
    expect(ok).toEqual({ ok: true, result: [expect.objectContaining({ tagId: 'p', unit: 'bar', address: 'hr:1' })] });
    const unknown = JSON.parse((await request('/api/nope:nope', { method: 'POST', headers: bearer(), body: '{}' })).body);
    expect(unknown.error.code).toBe('unknown-request');
    const invalid = JSON.parse((await request('/api/history:query', { method: 'POST', headers: bearer(), body: JSON.stringify({ tagId: 'p', from: 10, to: 5, bogus: 1 }) })).body);
    expect(invalid.error.code).toBe('invalid-params');
    expect(invalid.error.message).toMatch(/bogus: unknown key/);
    const missing = JSON.parse((await request('/api/history:query', { method: 'POST', headers: bearer(), body: JSON.stringify({ tagId: 'zz', from: 0, to: 5 }) })).body);
    expect(missing.error.code).toBe('not-found');
    const notJson = JSON.parse((await request('/api/tags:list', { method: 'POST', headers: bearer(), body: '{' })).body);
    expect(notJson.error.code).toBe('invalid-params');
  });

  it('does not serve files outside the renderer directory', async () => {
    expect((await request('/../../package.json', { headers: bearer() })).status).toBe(404);
    expect((await request('/%2e%2e/%2e%2e/etc/passwd', { headers: bearer() })).status).toBe(404);
  });

  it('streams device status and coalesced live readings over the WebSocket; refuses it without the token', async () => {
    const refused = new WebSocket(`ws://127.0.0.1:${gateway.port}/api/events`);
    const refusal = await new Promise<string>((resolve) => {
      refused.on('error', (e) => resolve(String(e.message)));
      refused.on('open', () => resolve('opened'));
    });
    expect(refusal).toMatch(/401/);

    const ws = new WebSocket(`ws://127.0.0.1:${gateway.port}/api/events`, { headers: bearer() });
    const channels = new Set<string>();
    const live = await new Promise<Array<{ tagId: string; value: unknown; quality: string }>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no live readings within 10 s')), 10_000);
      ws.on('message', (data) => {
        const message = JSON.parse(String(data)) as { channel: string; payload: never };
        channels.add(message.channel);
        if (message.channel === 'live:readings') {
          clearTimeout(timer);
          resolve(message.payload);
        }
      });
    });
    ws.close();
    expect(channels.has('devices:status')).toBe(true);
    expect(live[0]).toMatchObject({ tagId: 'p', value: 1234, quality: 'good' });
  });
});
