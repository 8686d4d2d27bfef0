import { z } from 'zod';
import { hostProblem } from '../common/host.js';
import { modbusCoalescingSettings } from '../common/modbus/settings.js';

/**
 * Settings of one Modbus RTU device: a unit (slave) on a serial bus, or on a gateway that
 * carries the bus over TCP. Several devices naming the same serial path (or gateway) share
 * one bus and its single transaction queue. The UI builds its form from this schema.
 */
export const transports = ['serial', 'rtu-over-tcp', 'tcp-gateway'] as const;
export type ModbusRtuTransport = (typeof transports)[number];
export const parities = ['none', 'even', 'odd', 'mark', 'space'] as const;
export type Parity = (typeof parities)[number];

export const modbusRtuSettingsSchema = z
  .object({
    transport: z
      .enum(transports)
      .default('serial')
      .describe('How the bus is reached: "serial" (a local RS-485/RS-232 port), "rtu-over-tcp" (a transparent serial server carrying RTU frames with CRC over TCP) or "tcp-gateway" (a Modbus TCP gateway that routes to RTU slaves by unit id).'),
    path: z
      .string()
      .max(260, 'must be at most 260 characters')
      .default('')
      .describe('Serial port of the bus, e.g. /dev/ttyUSB0 or COM3 (transport "serial" only; see `sensorvault ports`).'),
    host: z
      .string()
      .max(253, 'must be at most 253 characters')
      .default('')
      .describe('IP address or host name of the serial server or gateway (transports "rtu-over-tcp" and "tcp-gateway").'),
    port: z
      .number()
      .int()
      .min(1)
      .max(65535)
      .default(502)
      .describe('TCP port of the serial server or gateway (many serial servers use 4001 or 8899; gateways 502).'),
    baud: z
      .number()
      .int()
      .min(300)
      .max(921_600)
      .default(9600)
      .describe('Baud rate of the serial line (bits/s). Opens the port with it; behind a gateway it is the gateway\'s serial side, used for the bus-utilization ceiling.'),
    parity: z.enum(parities).default('none').describe('Parity bit of every character: none, even, odd, mark or space (Modbus default: even).'),
    dataBits: z.union([z.literal(7), z.literal(8)]).default(8).describe('Data bits per character; Modbus RTU uses 8.'),
    stopBits: z.union([z.literal(1), z.literal(2)]).default(1).describe('Stop bits per character (Modbus: 2 when parity is none, but most devices accept 1).'),
    unitId: z
      .number()
      .int()
      .min(1)
      .max(247)
      .default(1)
      .describe('Unit id (slave address, 1..247) of the device; tags may name another unit on the same bus with a u<unit>/ prefix.'),
    silentIntervalMs: z
      .number()
      .min(0)
      .max(1000)
      .default(0)
      .describe('Floor for the silent interval between frames (ms). The interval is computed from the baud rate (3.5 character times, fixed 1.75 ms above 19,200 baud) and never drops below this floor; raise it for slow devices.'),
    timeoutMs: z
      .number()
      .int()
      .min(10)
      .max(60_000)
      .default(1000)
      .describe('Response timeout: how long to wait for each answer before the request counts as "no response" (ms).'),
    demoteAfter: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(3)
      .describe('Consecutive timeouts after which a unit is demoted: skipped for the demotion period so one dead slave does not stall the bus.'),
    demotionMs: z
      .number()
      .int()
      .min(100)
      .max(3_600_000)
      .default(30_000)
      .describe('How long a demoted unit is skipped before it is probed again (ms); its tags are bad "demoted" meanwhile.'),
    ...modbusCoalescingSettings,
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.transport === 'serial' && s.path.trim() === '') {
      ctx.addIssue({ code: 'custom', path: ['path'], message: 'a serial bus needs the port path, e.g. /dev/ttyUSB0 or COM3' });
    }
    if (s.transport !== 'serial' && s.host.trim() === '') {
      ctx.addIssue({ code: 'custom', path: ['host'], message: `transport "${s.transport}" needs the host of the serial server or gateway` });
    } else if (s.transport !== 'serial') {
      const problem = hostProblem(s.host);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['host'], message: `host ${problem}` });
    }
  });

export type ModbusRtuSettings = z.output<typeof modbusRtuSettingsSchema>;
export type ModbusRtuSettingsInput = z.input<typeof modbusRtuSettingsSchema>;
