import { z } from 'zod';
import { hostRefinement } from '../common/host.js';


/** Settings of one BACnet/IP device. The UI builds its form from this schema. */
export const bacnetSettingsSchema = z
  .object({
    host: z
      .string()
      .superRefine(hostRefinement('host', 'ipv4'))
      .describe('IPv4 address of the BACnet/IP device, or of the BACnet router in front of it.'),
    port: z.number().int().min(1).max(65535).default(47808).describe('UDP port of the device; 47808 (0xBAC0) is the BACnet/IP standard.'),
    deviceInstance: z
      .number()
      .int()
      .min(0)
      .max(4_194_302)
      .describe('Device object instance number (0..4194302), as shown by discovery (I-Am).'),
    network: z
      .number()
      .int()
      .min(1)
      .max(65534)
      .optional()
      .describe('Routed devices only: the remote BACnet network number (DNET) behind the router at host:port.'),
    mac: z
      .string()
      .regex(/^([0-9a-fA-F]{2}){1,7}$/, 'must be 1..7 bytes in hex, e.g. 0a or c0a8010abac0')
      .optional()
      .describe('Routed devices only: the device MAC address on that network (DADR), in hex (MS/TP: one byte, e.g. 0a).'),
    bindAddress: z
      .string()
      .superRefine(hostRefinement('bindAddress (0.0.0.0 = every interface)', 'ipv4'))
      .default('0.0.0.0')
      .describe('Local IPv4 address to send from and listen on; 0.0.0.0 = every interface. On loopback use 127.0.0.x.'),
    bindPort: z
      .number()
      .int()
      .min(0)
      .max(65535)
      .default(47809)
      .describe(
        'Local UDP port. 47809 by default so SensorVault can run next to other BACnet software on 47808; 0 = any free port. ' +
          'Each BACnet device in a project needs its own bind address:port.',
      ),
    timeoutMs: z
      .number()
      .int()
      .min(100)
      .max(60_000)
      .default(3000)
      .describe('How long to wait for each answer (APDU timeout) before retrying (ms).'),
    retries: z.number().int().min(0).max(10).default(2).describe('Retries of a confirmed request that got no answer, before it counts as "no response".'),
    maxApdu: z
      .number()
      .int()
      .min(50)
      .max(1476)
      .optional()
      .describe('Override of the largest APDU the device accepts (bytes); by default the value the device reports (1476 on most BACnet/IP devices).'),
    segmentation: z
      .enum(['auto', 'none'])
      .default('auto')
      .describe('"auto" uses segmented answers when the device supports them (object list read whole); "none" reads everything in single APDUs.'),
    bbmd: z
      .object({
        host: z.string().superRefine(hostRefinement('bbmd host', 'ipv4')).describe('IPv4 address of the BBMD on the device\'s subnet.'),
        port: z.number().int().min(1).max(65535).default(47808).describe('UDP port of the BBMD.'),
        ttlS: z
          .number()
          .int()
          .min(30)
          .max(65535)
          .default(300)
          .describe('Time-to-live of the foreign-device registration (s); renewed before it ends.'),
      })
      .strict()
      .optional()
      .describe('Register as a foreign device with this BBMD (device on another subnet behind a BBMD).'),
    cov: z
      .enum(['auto', 'off'])
      .default('auto')
      .describe('"auto" subscribes to change-of-value for present-value points and polls when the device refuses; "off" always polls.'),
    covLifetimeS: z
      .number()
      .int()
      .min(10)
      .max(86_400)
      .default(600)
      .describe('Lifetime requested for each COV subscription (s); renewed at about two thirds of it.'),
    covConfirmed: z
      .enum(['unconfirmed', 'confirmed'])
      .default('unconfirmed')
      .describe('Whether the device sends COV notifications as confirmed (acknowledged) or unconfirmed messages.'),
    writes: z
      .enum(['disabled', 'enabled'])
      .default('disabled')
      .describe('Whether SensorVault may write to this device (WriteProperty). Read-only unless an engineer enables it.'),
    writePriority: z
      .number()
      .int()
      .min(1)
      .max(16)
      .default(16)
      .describe('Command priority of writes to commandable objects (1 = highest, 16 = lowest; 8 is manual operator).'),
  })
  .strict()
  .superRefine((s, ctx) => {
    if ((s.network === undefined) !== (s.mac === undefined)) {
      ctx.addIssue({ code: 'custom', path: [s.network === undefined ? 'network' : 'mac'], message: 'a routed device needs both network and mac' });
    }
  });

export type BacnetSettings = z.output<typeof bacnetSettingsSchema>;
export type BacnetSettingsInput = z.input<typeof bacnetSettingsSchema>;
