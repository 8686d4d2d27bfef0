import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDriverRegistry } from '../../../../electron/core/drivers/registry.js';
import { describeNetworkError, describeNoAnswer, NETWORK_NEXT_STEP } from '../../../../electron/core/drivers/common/network-errors.js';
import { root } from '../../../support/cli.js';

// Issue 8: each driver README describes the error texts (network failures in words with the
// code in brackets, the "check the address …" hint only for them) and the host rules. The
// examples are compared with what the code says today, so a README cannot drift from it.
const registry = createDriverRegistry();
const readme = (id: string) => readFileSync(path.join(root, 'electron', 'core', 'drivers', id, 'README.md'), 'utf8').replace(/\s+/g, ' ');
const section = (text: string, heading: string) => {
  const start = text.indexOf(`## ${heading} `);
  if (start < 0) return '';
  const next = text.indexOf(' ## ', start + 3);
  return text.slice(start, next < 0 ? undefined : next);
};

/** The settings error the schema gives for a bad host, without the field path. */
function hostError(id: string, settings: Record<string, unknown>, pick: RegExp): string {
  const result = registry.get(id)!.settingsSchema.safeParse(settings);
  expect(result.success).toBe(false);
  const message = (result.error?.issues ?? []).map((i) => i.message).find((m) => pick.test(m));
  expect(message, JSON.stringify(result.error?.issues)).toBeDefined();
  return message!;
}

/** Per driver: the documented no-answer example and bad-host examples. */
const cases: Record<string, { noAnswer?: [string, number]; refused?: string; hosts: Array<[Record<string, unknown>, RegExp]>; ipv6: boolean }> = {
  'modbus-tcp': { noAnswer: ['10.0.0.5:502', 1000], refused: '10.0.0.5:502', hosts: [[{ host: 'plc 01;drop' }, /plc 01/], [{ host: '[::1]' }, /brackets/], [{ host: '10.0.0.256' }, /IPv4/]], ipv6: true },
  'modbus-rtu': { noAnswer: ['10.0.0.5:502', 1000], refused: '10.0.0.5:502', hosts: [[{ transport: 'rtu-over-tcp', host: 'plc 01;drop' }, /plc 01/]], ipv6: true },
  opcua: { noAnswer: ['opc.tcp://10.0.0.5:4840', 5000], refused: 'opc.tcp://10.0.0.5:4840', hosts: [[{ endpointUrl: 'opc.tcp://plc 01:4840' }, /plc 01/], [{ endpointUrl: 'opc.tcp://::1:4840' }, /brackets/]], ipv6: true },
  mqtt: { noAnswer: ['10.0.0.5:1883', 5000], refused: '10.0.0.5:1883', hosts: [[{ url: 'mqtt://plc_01:1883', subscriptions: [{ filter: '#' }] }, /plc_01/], [{ url: 'mqtt://::1:1883', subscriptions: [{ filter: '#' }] }, /brackets/]], ipv6: true },
  bacnet: { hosts: [[{ host: 'ahu-1', deviceInstance: 1 }, /ahu-1/]], ipv6: false },
};

describe.each(registry.ids())('README of driver %s', (id) => {
  const text = readme(id);
  const spec = cases[id];

  it('is covered by this test', () => {
    expect(spec, `add ${id} to the cases of readme-errors.test.ts`).toBeDefined();
  });

  it('describes network errors in words with the code in brackets, and the hint', () => {
    const errors = section(text, 'Connect errors');
    expect(errors.length).toBeGreaterThan(200);
    expect(errors).toContain(NETWORK_NEXT_STEP);
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET']) {
      // "(connection refused, ECONNREFUSED)": the words exactly as the code says them.
      const words = /\(([^()]+, [A-Z]+)\):/.exec(describeNetworkError({ code }, 'x') ?? '')?.[1];
      expect(errors, code).toContain(`(${words})`);
    }
    if (spec?.refused !== undefined) expect(errors).toContain(describeNetworkError({ code: 'ECONNREFUSED' }, spec.refused));
    if (spec?.noAnswer !== undefined) expect(errors).toContain(describeNoAnswer(...spec.noAnswer));
    // The hint is for network failures only: the README says so.
    expect(errors).toMatch(/only (they|for)|not network failures|not about the network|never end with the network hint|without the network hint/);
  });

  it('states the host rules, with the errors the settings schema gives', () => {
    const hosts = section(text, 'Host validation');
    expect(hosts).toMatch(/IPv4/);
    expect(hosts).toMatch(/IPv6/);
    expect(hosts).toMatch(/RFC 1123/);
    if (spec?.ipv6 === false) expect(hosts).toMatch(/IPv6[^.]*(not supported|refused)/);
    for (const [settings, pick] of spec?.hosts ?? []) expect(hosts).toContain(hostError(id, settings, pick).replace(/\s+/g, ' '));
  });
});
