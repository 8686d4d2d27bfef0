export { modbusTcpDriver, modbusTcpEndpoint, parseModbusTcpEndpoint, statusForError, modbusExceptionNames, WRITES_DISABLED_MESSAGE } from './driver.js';
export type { ModbusTcpDriver, ModbusTcpDriverDefinition, EndpointParse } from './driver.js';
export { parseModbusAddress, formatModbusAddress, addressCount } from './address.js';
export type { ModbusAddress, ModbusTable } from './address.js';
export { modbusTcpSettingsSchema } from './settings.js';
export type { ModbusTcpSettings, ModbusTcpSettingsInput } from './settings.js';
