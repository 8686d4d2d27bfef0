import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import { eventNames, events } from '../../../shared/api/contract.js';
import { createRouter } from '../../../shared/api/router.js';
import type { Logger } from '../../core/log.js';
import type { Runtime } from '../../core/runtime.js';

/**
 * The headless host: serves the built renderer and the API contract on one port.
 *
 * - `POST /api/<channel>` with JSON params answers a JSON envelope.
 * - `GET /api/events` upgrades to a WebSocket that streams `{channel, payload}` events.
 * - Every request needs the per-launch token: `?token=` once (the answer sets an
 *   HttpOnly, SameSite=Strict cookie and redirects), then the cookie, or an
 *   `Authorization: Bearer` header for scripts. Without it: 401, nothing else.
 * - Loopback by default; another address only when the caller passes it explicitly.
 *   On loopback the Host header must name loopback too (defeats DNS rebinding).
 */
export interface GatewayOptions {
  runtime: Runtime;
  log: Logger;
  /** Directory of the built renderer (dist/renderer). */
  staticDir: string;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Fixed token for tests; a random one per launch otherwise. */
  token?: string;
}

export interface Gateway {
  url: string;
  /** The URL with the token, printed on the first stdout line. */
  launchUrl: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const COOKIE = 'sv_token';
const MAX_BODY = 1024 * 1024;
const mime: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};
const csp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('base64url');
  const router = createRouter(options.runtime.handlers, (channel, error) => options.log.error('request failed', { channel, error: String(error) }));
  const staticDir = path.resolve(options.staticDir);
  const loopback = isLoopback(host);
  let port = 0;

  const authorized = (req: IncomingMessage): boolean => {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const cookie = parseCookies(req.headers.cookie)[COOKIE];
    return safeEqual(bearer, token) || safeEqual(cookie, token);
  };

  const hostAllowed = (req: IncomingMessage): boolean => {
    if (!loopback) return true;
    const name = (req.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
    return name === 'localhost' || isLoopback(name);
  };

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      options.log.error('http handler failed', { error: String(error) });
      if (!res.headersSent) send(res, 500, 'text/plain', 'internal error');
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!hostAllowed(req)) return send(res, 403, 'text/plain', 'forbidden host');
    const queryToken = url.searchParams.get('token');
    if (queryToken !== null && req.method === 'GET') {
      if (!safeEqual(queryToken, token)) return send(res, 401, 'text/plain', 'wrong token: use the URL printed when sensorvault started');
      url.searchParams.delete('token');
      res.writeHead(303, {
        'set-cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        location: url.pathname + url.search,
        'cache-control': 'no-store',
      });
      res.end();
      return;
    }
    if (!authorized(req)) return send(res, 401, 'text/plain', 'unauthorized: open the URL printed by sensorvault (it carries a per-launch token)');
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return send(res, 405, 'text/plain', 'use POST');
      const channel = decodeURIComponent(url.pathname.slice('/api/'.length));
      let params: unknown;
      try {
        const body = await readBody(req);
        params = body.length === 0 ? {} : JSON.parse(body);
      } catch (error) {
        return sendJson(res, 400, { ok: false, error: { code: 'invalid-params', message: `request body is not JSON: ${String(error)}` } });
      }
      return sendJson(res, 200, await router(channel, params));
    }
    return serveStatic(url.pathname, res);
  }

  async function serveStatic(pathname: string, res: ServerResponse): Promise<void> {
    const relative = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
    const file = path.resolve(staticDir, relative);
    if (!file.startsWith(staticDir + path.sep)) return send(res, 404, 'text/plain', 'not found');
    try {
      const info = await stat(file);
      if (!info.isFile()) return send(res, 404, 'text/plain', 'not found');
    } catch {
      if (relative === 'index.html') return send(res, 500, 'text/plain', `renderer not built: ${staticDir} has no index.html; run \`npm run build\``);
      return send(res, 404, 'text/plain', 'not found');
    }
    res.writeHead(200, {
      'content-type': mime[path.extname(file)] ?? 'application/octet-stream',
      'content-security-policy': csp,
      'x-content-type-options': 'nosniff',
      'cache-control': relative === 'index.html' ? 'no-store' : 'max-age=3600',
    });
    createReadStream(file).pipe(res);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const origin = req.headers.origin;
    const originOk = origin === undefined || origin === `http://${req.headers.host ?? ''}`;
    if (url.pathname !== '/api/events' || !hostAllowed(req) || !authorized(req) || !originOk) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const disposers = eventNames.map((name) =>
    options.runtime.on(name, (payload: unknown) => {
      if (wss.clients.size === 0) return;
      const message = JSON.stringify({ channel: events[name].channel, payload });
      for (const client of wss.clients) {
        // A client that cannot keep up gets skipped batches, not an unbounded queue.
        if (client.readyState === WebSocket.OPEN && client.bufferedAmount < 8 * 1024 * 1024) client.send(message);
      }
    }),
  );
  wss.on('connection', (ws) => {
    ws.on('error', () => ws.terminate());
    // The renderer sends nothing on this socket; anything it sends is ignored.
    for (const status of options.runtime.deviceStatuses()) ws.send(JSON.stringify({ channel: events.onDeviceStatus.channel, payload: status }));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const base = `http://${urlHost}:${port}/`;

  return {
    url: base,
    launchUrl: `${base}?token=${token}`,
    token,
    port,
    close: async () => {
      for (const dispose of disposers) dispose();
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('body larger than 1 MiB'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

function safeEqual(candidate: string | undefined, token: string): boolean {
  if (candidate === undefined) return false;
  const a = Buffer.from(candidate);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function isLoopback(host: string): boolean {
  return host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
