import { z } from 'zod';

/**
 * Settings every Modbus transport shares (TCP, RTU, RTU over TCP): how points are
 * coalesced into requests, and whether writes are allowed. Spread into each driver's
 * own strict schema so the UI forms and the limits stay identical.
 */
export const modbusCoalescingSettings = {
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
};
