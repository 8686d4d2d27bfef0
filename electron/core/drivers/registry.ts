import { z } from 'zod';
import type { DriverInfo } from '../../../shared/api/types.js';
import { modbusTcpDriver } from './modbus-tcp/definition.js';
import { bacnetDriver } from './bacnet/definition.js';
import { modbusRtuDriver } from './modbus-rtu/definition.js';
import { mqttDriver } from './mqtt/definition.js';
import { opcuaDriver } from './opcua/definition.js';
import type { AnyDriverDefinition } from './types.js';

/**
 * Every driver registers here, one line each. The structure test checks that each
 * registered driver folder is complete (settings schema, grammar, README, sample, tests).
 */
const definitions: ReadonlyArray<AnyDriverDefinition> = [modbusTcpDriver, modbusRtuDriver, opcuaDriver, bacnetDriver, mqttDriver];

export interface DriverRegistry {
  get(id: string): AnyDriverDefinition | undefined;
  ids(): string[];
  list(): DriverInfo[];
}

export function createDriverRegistry(extra: ReadonlyArray<AnyDriverDefinition> = []): DriverRegistry {
  const byId = new Map<string, AnyDriverDefinition>();
  for (const definition of [...definitions, ...extra]) {
    // Tests may pass a built-in definition again; the same object twice is harmless.
    if (byId.get(definition.id) === definition) continue;
    if (byId.has(definition.id)) throw new Error(`driver id "${definition.id}" registered twice`);
    byId.set(definition.id, definition);
  }
  return {
    get: (id) => byId.get(id),
    ids: () => [...byId.keys()],
    list: () =>
      [...byId.values()].map((d) => ({
        id: d.id,
        title: d.title,
        settingsSchema: z.toJSONSchema(d.settingsSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
        addressSyntax: d.addressSyntax,
        capabilities: { ...d.capabilities },
      })),
  };
}
