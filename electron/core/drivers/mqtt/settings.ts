import { z } from 'zod';
import { urlHostRefinement } from '../common/host.js';

/** `mqtt://host[:port]` or `mqtts://host[:port]`: no path, query or credentials. */
const URL_PATTERN = /^mqtts?:\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)(:\d{1,5})?\/?$/;

export const topicFilterSchema = z
  .object({
    filter: z
      .string()
      .min(1, 'must not be empty')
      .max(1024)
      .refine(isValidFilter, 'not a valid MQTT topic filter: "+" and "#" must fill a whole level, and "#" must be the last level')
      .describe('MQTT topic filter, e.g. "plant/#", "plant/+/temperature" or "spBv1.0/Plant1/#".'),
    qos: z
      .union([z.literal(0), z.literal(1), z.literal(2)])
      .default(1)
      .describe('Highest QoS the broker may use to deliver matching messages (0, 1 or 2).'),
  })
  .strict();

export const mqttTlsSchema = z
  .object({
    caFile: z
      .string()
      .min(1)
      .optional()
      .describe('PEM file of the CA that signed the broker certificate (pinned: only it is trusted). Without it the system CAs are used.'),
    certFile: z.string().min(1).optional().describe('PEM client certificate for mutual TLS (mTLS); needs keyFile.'),
    keyFile: z.string().min(1).optional().describe('PEM private key of the client certificate (unencrypted); needs certFile.'),
  })
  .strict()
  .refine((t) => (t.certFile === undefined) === (t.keyFile === undefined), { message: 'certFile and keyFile go together (both for mTLS, or neither)', path: ['keyFile'] });

/** Settings of one MQTT broker connection. The UI builds its form from this schema. */
export const mqttSettingsSchema = z
  .object({
    url: z
      .string()
      .regex(URL_PATTERN, 'must be mqtt://host[:port] or mqtts://host[:port] (no path, no user or password)')
      .refine((u) => portOf(u) === undefined || (portOf(u) as number) >= 1 && (portOf(u) as number) <= 65535, 'port must be 1..65535')
      .superRefine(urlHostRefinement('url'))
      .describe('Broker address: mqtt://host:port (plain TCP, default port 1883) or mqtts://host:port (TLS, default port 8883).'),
    protocolVersion: z
      .union([z.literal(4), z.literal(5)])
      .default(4)
      .describe('MQTT protocol version: 4 = MQTT 3.1.1, 5 = MQTT 5.0.'),
    clientId: z
      .string()
      .max(128)
      .regex(/^[\x21-\x7e]*$/, 'printable ASCII without spaces')
      .default('')
      .describe('Client identifier; empty = a random "sensorvault-…" id per connection. A persistent session needs a fixed id.'),
    username: z.string().max(256).optional().describe('User name for broker authentication (optional).'),
    passwordEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'an environment variable name (letters, digits, "_")')
      .optional()
      .describe('NAME of the environment variable that holds the password; the password itself never goes in the project file.'),
    tls: mqttTlsSchema.optional().describe('TLS options for mqtts:// (pinned CA, client certificate). The broker certificate is always verified.'),
    session: z
      .enum(['clean', 'persistent'])
      .default('clean')
      .describe('clean: start fresh on every connect. persistent: the broker keeps subscriptions and queued QoS 1/2 messages while disconnected (needs a fixed clientId).'),
    sessionExpiryS: z
      .number()
      .int()
      .min(0)
      .max(4_294_967_295)
      .default(3600)
      .describe('MQTT 5 persistent sessions only: how long the broker keeps the session after a disconnect (s).'),
    keepaliveS: z.number().int().min(0).max(65535).default(30).describe('Keepalive interval (s); the connection counts as lost after 1.5× this without traffic. 0 = off.'),
    timeoutMs: z.number().int().min(100).max(120_000).default(5000).describe('How long to wait for the TCP/TLS connection and the broker\'s CONNACK and SUBACK (ms).'),
    subscriptions: z
      .array(topicFilterSchema)
      .max(1000)
      .default([])
      .describe('Topic filters to subscribe to; every topic seen through them fills the topic tree. Tag topics are subscribed automatically.'),
    rebirth: z
      .enum(['request', 'never'])
      .default('request')
      .describe('Sparkplug B: publish a rebirth request (NCMD "Node Control/Rebirth") when data arrives before its birth or with an unknown alias. It is the only message published when writes are disabled.'),
    maxTopics: z
      .number()
      .int()
      .min(100)
      .max(1_000_000)
      .default(100_000)
      .describe('Most topics the topic tree tracks; beyond it new topics are counted but not listed.'),
    writes: z
      .enum(['disabled', 'enabled'])
      .default('disabled')
      .describe('Whether SensorVault may publish values back to tag topics (writes). Read-only unless an engineer enables it.'),
    writeQos: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(1).describe('QoS of published writes.'),
    writeRetain: z.boolean().default(false).describe('Publish writes with the retain flag.'),
  })
  .strict()
  .refine((s) => s.session === 'clean' || s.clientId !== '', { message: 'a persistent session needs a fixed clientId', path: ['clientId'] })
  .refine((s) => s.tls === undefined || s.url.startsWith('mqtts:'), { message: 'tls settings need an mqtts:// url', path: ['tls'] });

export type MqttSettings = z.output<typeof mqttSettingsSchema>;
export type MqttSettingsInput = z.input<typeof mqttSettingsSchema>;
export type TopicFilter = z.output<typeof topicFilterSchema>;

function portOf(url: string): number | undefined {
  const m = /:(\d{1,5})\/?$/.exec(url.replace(/^mqtts?:\/\//, '').replace(/^\[[^\]]*\]/, ''));
  return m === null ? undefined : Number(m[1]);
}

/** Host, port and TLS flag of a validated url. */
export function brokerOf(url: string): { tls: boolean; host: string; port: number } {
  const tls = url.startsWith('mqtts:');
  const rest = url.replace(/^mqtts?:\/\//, '').replace(/\/$/, '');
  const bracket = /^\[([^\]]*)\](?::(\d+))?$/.exec(rest);
  if (bracket !== null) return { tls, host: bracket[1] as string, port: bracket[2] === undefined ? (tls ? 8883 : 1883) : Number(bracket[2]) };
  const [host, port] = rest.split(':');
  return { tls, host: host as string, port: port === undefined ? (tls ? 8883 : 1883) : Number(port) };
}

export function isValidFilter(filter: string): boolean {
  if (filter.includes('\u0000')) return false;
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i] as string;
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) return false;
    if (level.includes('+') && level !== '+') return false;
  }
  return true;
}

/** Does `topic` match the MQTT filter (wildcards + and #; `$` topics only match filters that name them)? */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  if (topic.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    if (level === '#') return true;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}
