// The Modbus RTU driver as the registry sees it: settings, grammar and endpoint helpers,
// importable without modbus-serial and serialport: they are imported when the first Modbus
// RTU device connects (see common/lazy-driver.ts).
import { lazyDriver } from '../common/lazy-driver.js';
import { modbusDecodeSpec } from '../common/modbus/protocol.js';
import type { DriverDefinition } from '../types.js';
import { formatModbusRtuAddress, modbusRtuAddressSyntax, parseModbusRtuAddress, type ModbusRtuAddress } from './address.js';
import type { BusDriverContext, ModbusRtuDriver } from './driver.js';
import { modbusRtuEndpoint, parseModbusRtuEndpoint } from './endpoint.js';
import { modbusRtuSettingsSchema, type ModbusRtuSettings } from './settings.js';

export type ModbusRtuDriverDefinition = Omit<DriverDefinition<ModbusRtuSettings, ModbusRtuAddress>, 'create'> & {
  create(settings: ModbusRtuSettings, context: BusDriverContext): ModbusRtuDriver;
};

export const modbusRtuDriver: ModbusRtuDriverDefinition = {
  id: 'modbus-rtu',
  title: 'Modbus RTU (serial bus, RTU over TCP, TCP-to-RTU gateway)',
  settingsSchema: modbusRtuSettingsSchema,
  addressSyntax: modbusRtuAddressSyntax,
  capabilities: { browse: false, discover: false, certificates: false, write: true },
  parseAddress: parseModbusRtuAddress,
  formatAddress: formatModbusRtuAddress,
  decodeSpec: modbusDecodeSpec,
  endpoint: modbusRtuEndpoint,
  endpointSchemes: ['modbus-rtu:'],
  settingsFromEndpoint(url: string) {
    const result = parseModbusRtuEndpoint(url);
    if (typeof result === 'string') throw new Error(result);
    return result;
  },
  create: (settings, context) => {
    const parsed = modbusRtuSettingsSchema.parse(settings);
    return lazyDriver<ModbusRtuAddress, ModbusRtuDriver>(async () => (await import('./driver.js')).createModbusRtuDriver(parsed, context), {
      browse: false,
      extra: { busStats: () => undefined },
      deferred: ['writeCoils', 'writeRegisterWords'],
    });
  },
};
