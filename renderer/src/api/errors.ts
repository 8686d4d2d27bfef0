import type { ApiError, ErrorCode } from '../../../shared/api/contract.js';

/** What an engineer should do next, per stable error code. */
const advice: Record<ErrorCode, string> = {
  unavailable:
    'The SensorVault host is not answering. Check that `sensorvault gateway` (or the desktop app) is still running; this page retries on its own.',
  unauthorized:
    'This browser has no valid access token. Open the URL with ?token=… that `sensorvault gateway` printed on the first line of its output.',
  'invalid-params': 'The host rejected a request from this page. Reload the page; if it happens again, report the message above.',
  'unknown-request': 'The host does not know this request: the UI and the host are different versions. Reload the page or update SensorVault.',
  'not-found': 'The item is no longer in the running project. Reload the page to refresh the lists.',
  'project-invalid': 'The project file has errors. Fix the fields named above in the project file, then restart the host.',
  unsupported: 'This driver cannot do that. Use the other way the screen offers (for example, type point addresses instead of browsing).',
  'writes-disabled': 'Writes are disabled for this device. Enable them in its settings (writes: enabled).',
  'untrusted-certificate':
    'The server presented a certificate SensorVault does not trust yet. Open Certificates, compare the thumbprint with the one on the server, then trust it.',
  internal: 'The host hit an internal error. Check its log (stderr of the host process) and report the message above.',
};

export function adviceFor(error: ApiError): string {
  return advice[error.code];
}

/**
 * Advice for a failed register scan (modbus:scan). The host answers 'unavailable' both when
 * the device refused the block and when the device cannot be reached; neither means the
 * SensorVault host is down, so the generic words would send the engineer the wrong way.
 */
export function scanAdvice(error: ApiError): string {
  if (error.code !== 'unavailable') return adviceFor(error);
  const message = error.message.toLowerCase();
  if (/illegal data address|illegal data value|illegal function|server device failure|exception|registers unreadable|scan a block the device maps/.test(message))
    return 'The device answered and refused this block. Check the start register and count against the device’s register map: the table (holding hr: or input ir:), a 0- or 1-based offset (40001 is hr:0), and whether the block runs past the last mapped register; then read a block the map lists.';
  if (message.includes('disabled in the project')) return 'Enable the device in its settings (Devices & tags), wait until it shows connected, then read again.';
  if (/not connected|cannot connect|no answer within|connection was lost|timed out|timeout/.test(message))
    return 'The device did not answer. Check that it is powered and on the network, and its host, port and unit id in the device settings; read again once the device shows connected.';
  return adviceFor(error);
}
