import { z } from 'zod';

/** Settings of one Modbus TCP device. The UI builds its form from this schema. */
export const modbusTcpSettingsSchema = z
  .object({
    host: z
      .string()
      .min(1, 'must not be empty')
      .max(253, 'must be at most 253 characters')
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
    maxRegisterGap: z
      .number()
      .int()
      .min(0)
      .max(124)
      .default(10)
      .describe('Unused registers allowed between two points read in one request.'),
    maxBitGap: z
      .number()
      .int()
      .min(0)
      .max(1999)
      .default(64)
      .describe('Unused coils or discrete inputs allowed between two points read in one request.'),
    maxRegistersPerRequest: z
      .number()
      .int()
      .min(1)
      .max(125)
      .default(125)
      .describe('Largest register block per read request (the protocol allows 125). A point is never split across requests.'),
    maxBitsPerRequest: z
      .number()
      .int()
      .min(1)
      .max(2000)
      .default(2000)
      .describe('Largest coil or discrete-input block per read request (the protocol allows 2000).'),
    writes: z
      .enum(['disabled', 'enabled'])
      .default('disabled')
      .describe('Whether SensorVault may write to this device (FC 5, 6, 15, 16). Read-only unless an engineer enables it.'),
  })
  .strict();

export type ModbusTcpSettings = z.output<typeof modbusTcpSettingsSchema>;
export type ModbusTcpSettingsInput = z.input<typeof modbusTcpSettingsSchema>;
