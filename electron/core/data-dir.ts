import os from 'node:os';
import path from 'node:path';

/**
 * Where SensorVault keeps per-installation state that is not a project or a database:
 * the OPC UA application certificate and trust store, for example. SENSORVAULT_HOME
 * wins (tests and portable installs set it); else the XDG data directory on Linux,
 * %APPDATA% on Windows, ~/Library/Application Support on macOS. The Electron host
 * passes its userData path instead.
 */
export function resolveDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SENSORVAULT_HOME !== undefined && env.SENSORVAULT_HOME !== '') return path.resolve(env.SENSORVAULT_HOME);
  if (process.platform === 'win32' && env.APPDATA !== undefined) return path.join(env.APPDATA, 'SensorVault');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'SensorVault');
  const base = env.XDG_DATA_HOME !== undefined && env.XDG_DATA_HOME !== '' ? env.XDG_DATA_HOME : path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'sensorvault');
}
