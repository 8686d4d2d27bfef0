// The register codec is pure and lives in shared/ (the register-map assistant and the
// renderer decode with it too); this path stays for the normalizer and the drivers.
export { decodeRegisters, encodeRegisters, registerCount } from '../../../shared/modbus/registers.js';
export type { DecodedRegisters, RegisterSpec } from '../../../shared/modbus/registers.js';
