import path from 'node:path';

// Where the OPC UA driver keeps its state, importable without node-opcua (the lazy
// definition needs it to tell whether a trust store exists before loading the library).
export const TRUST_STORE_ID = 'opcua';

export function opcuaStateDir(dataDir: string): string {
  return path.join(dataDir, 'opcua');
}
