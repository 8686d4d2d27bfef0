// The grammar is shared by every Modbus driver; it lives in common/modbus.
export * from '../common/modbus/address.js';
