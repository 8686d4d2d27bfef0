import { z } from 'zod';
import { hostRefinement } from '../common/host.js';
import { modbusCoalescingSettings } from '../common/modbus/settings.js';

/** Settings of one Modbus TCP device. The UI builds its form from this schema. */
export const modbusTcpSettingsSchema = z
  .object({
    host: z
      .string()
      .max(253, 'must be at most 253 characters')
      .superRefine(hostRefinement('host'))
      .describe('IP address or host name of the Modbus TCP server (device or gateway).'),
    port: z.number().int().min(1).max(65535).default(502).describe('TCP port of the server; 502 is the Modbus standard.'),
    unitId: z
      .number()
      .int()
      .min(0)
      .max(255)
      .default(1)
      .describe('Unit identifier (slave id) sent in every request; gateways route on it, most direct devices accept 1 or 255.'),
    timeoutMs: z
      .number()
      .int()
      .min(10)
      .max(60_000)
      .default(1000)
      .describe('How long to wait for a connection and for each answer before the request counts as "no response" (ms).'),
    interRequestDelayMs: z
      .number()
      .int()
      .min(0)
      .max(10_000)
      .default(0)
      .describe('Pause after each answer before the next request (ms); some gateways need a few ms.'),
    maxOutstanding: z
      .number()
      .int()
      .min(1)
      .max(16)
      .default(1)
      .describe('Requests in flight at once on the connection; many devices handle only 1.'),
    ...modbusCoalescingSettings,
  })
  .strict();

export type ModbusTcpSettings = z.output<typeof modbusTcpSettingsSchema>;
export type ModbusTcpSettingsInput = z.input<typeof modbusTcpSettingsSchema>;
