// Request coalescing is shared by every Modbus driver; it lives in common/modbus.
export * from '../common/modbus/plan.js';
