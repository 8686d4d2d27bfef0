import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A real Debian mosquitto on 127.0.0.1 for tests, on a port chosen at run time, with its
 * config in a temp dir. Variants: plain, username/password, TLS (generated CA + server
 * certificate) and mTLS (client certificate required). Started as root, mosquitto drops to
 * user "mosquitto": the temp dir and its files are made readable by that user.
 */
export const MOSQUITTO = '/usr/sbin/mosquitto';

export interface MosquittoOptions {
  /** Require this user (anonymous access off). */
  auth?: { username: string; password: string };
  /** TLS listener with generated certificates; `clientCerts` requires a client certificate (mTLS). */
  tls?: { clientCerts?: boolean };
  /** More mosquitto.conf lines (e.g. a larger `max_queued_messages` for benches). */
  extraConfig?: string[];
}

export interface Pki {
  dir: string;
  caFile: string;
  /** A CA that did not sign anything the broker uses. */
  wrongCaFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  /** A client certificate signed by the wrong CA. */
  strangerCertFile: string;
  strangerKeyFile: string;
}

export interface Mosquitto {
  host: string;
  port: number;
  url: string;
  pid(): number | undefined;
  pki?: Pki;
  /** Everything mosquitto logged (stderr). */
  log(): string;
  /** Kills and starts it again on the same port (sessions are not persisted). */
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** Stops it without removing the temp dir (for restart-later tests). */
  kill(): Promise<void>;
  start(): Promise<void>;
}

export function hasMosquitto(): boolean {
  return fs.existsSync(MOSQUITTO);
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

function mosquittoIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    return { uid: Number(execFileSync('id', ['-u', 'mosquitto']).toString().trim()), gid: Number(execFileSync('id', ['-g', 'mosquitto']).toString().trim()) };
  } catch {
    return undefined;
  }
}

function chownTree(dir: string): void {
  const ids = mosquittoIds();
  fs.chmodSync(dir, 0o755);
  if (ids === undefined) return;
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    fs.chownSync(file, 0, ids.gid);
    fs.chmodSync(file, 0o640);
  }
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** CA, server and client certificates (EC P-256: fast to generate), all in `dir`. */
export function generatePki(dir: string): Pki {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const ca = (name: string) => openssl(['req', '-x509', ...ec, '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2', '-subj', `/CN=SensorVault test ${name}`], dir);
  ca('ca');
  ca('wrong-ca');
  const leaf = (name: string, signer: string, cn: string, ext: string) => {
    fs.writeFileSync(path.join(dir, `${name}.ext`), ext);
    openssl(['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`], dir);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${signer}.crt`, '-CAkey', `${signer}.key`, '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`], dir);
  };
  leaf('server', 'ca', 'localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  leaf('client', 'ca', 'sensorvault-client', 'extendedKeyUsage=clientAuth\n');
  leaf('stranger', 'wrong-ca', 'stranger', 'extendedKeyUsage=clientAuth\n');
  const f = (name: string) => path.join(dir, name);
  return {
    dir,
    caFile: f('ca.crt'),
    wrongCaFile: f('wrong-ca.crt'),
    serverCertFile: f('server.crt'),
    serverKeyFile: f('server.key'),
    clientCertFile: f('client.crt'),
    clientKeyFile: f('client.key'),
    strangerCertFile: f('stranger.crt'),
    strangerKeyFile: f('stranger.key'),
  };
}

async function waitForPort(port: number, child: ChildProcess, log: () => string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`mosquitto exited with ${child.exitCode}: ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`mosquitto did not listen on ${port} in time: ${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startMosquitto(options: MosquittoOptions = {}): Promise<Mosquitto> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sv-mosquitto-'));
  const port = await freePort();
  const lines = [`listener ${port} 127.0.0.1`, 'persistence false', 'log_dest stderr', 'log_type error', 'log_type warning', 'log_type notice', 'log_type information', 'max_queued_messages 100000', 'max_inflight_messages 0'];
  let pki: Pki | undefined;
  if (options.auth !== undefined) {
    const passwd = path.join(dir, 'passwd');
    execFileSync('mosquitto_passwd', ['-b', '-c', passwd, options.auth.username, options.auth.password], { stdio: 'ignore' });
    lines.push('allow_anonymous false', `password_file ${passwd}`);
  } else {
    lines.push('allow_anonymous true');
  }
  if (options.tls !== undefined) {
    pki = generatePki(dir);
    lines.push(`cafile ${pki.caFile}`, `certfile ${pki.serverCertFile}`, `keyfile ${pki.serverKeyFile}`, 'tls_version tlsv1.2');
    if (options.tls.clientCerts === true) lines.push('require_certificate true');
  }
  lines.push(...(options.extraConfig ?? []));
  const config = path.join(dir, 'mosquitto.conf');
  fs.writeFileSync(config, `${lines.join('\n')}\n`);
  chownTree(dir);

  let child: ChildProcess | undefined;
  let output = '';
  const log = () => output;
  const start = async () => {
    const c = spawn(MOSQUITTO, ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    c.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.length > 200_000) output = output.slice(-100_000);
    });
    child = c;
    await waitForPort(port, c, log);
  };
  const kill = async () => {
    const c = child;
    child = undefined;
    if (c === undefined || c.exitCode !== null || c.pid === undefined) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        if (c.exitCode === null) process.kill(c.pid as number, 'SIGKILL');
      }, 3000);
      c.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      process.kill(c.pid as number, 'SIGTERM');
    });
  };
  await start();
  const broker: Mosquitto = {
    host: '127.0.0.1',
    port,
    url: `${options.tls === undefined ? 'mqtt' : 'mqtts'}://127.0.0.1:${port}`,
    pid: () => child?.pid,
    log,
    restart: async () => {
      await kill();
      await start();
    },
    kill,
    start,
    stop: async () => {
      await kill();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  if (pki !== undefined) broker.pki = pki;
  return broker;
}
