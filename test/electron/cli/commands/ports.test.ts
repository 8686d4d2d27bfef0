import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portsCommand } from '../../../../electron/cli/commands/ports.js';
import { UsageError } from '../../../../electron/cli/args.js';
import { assertBuilt, runCli } from '../../../support/cli.js';
import { tempDir } from '../../../support/project.js';
import { socatAvailable, startPtyPair } from '../../../support/serial.js';

// The real `sensorvault ports` with a PATH that has no udevadm (as in containers), and with
// a stand-in udevadm that prints what `udevadm info -e` prints for a USB adapter (this
// machine has neither udev nor an adapter). A failing udevadm is covered in
// test/electron/core/serial/ports.test.ts.
const tmp = tempDir('sensorvault-ports-');
const noUdev = tmp.file('no-udev');
const fakeUdev = tmp.file('fake-udev');

beforeAll(() => {
  assertBuilt();
  for (const dir of [noUdev, fakeUdev]) mkdirSync(dir);
  const entry = [
    'P: /devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.0/ttyUSB7/tty/ttyUSB7',
    'N: ttyUSB7',
    'E: DEVNAME=/dev/ttyUSB7',
    'E: ID_VENDOR_ENC=FTDI',
    'E: ID_SERIAL_SHORT=A10K',
    'E: ID_VENDOR_ID=0403',
    'E: ID_MODEL_ID=6001',
    'E: DEVLINKS=/dev/serial/by-id/usb-FTDI_FT232R_A10K-if00-port0',
    '',
  ].join('\n');
  // printf is a shell builtin: the PATH of this test has no cat.
  writeFileSync(path.join(fakeUdev, 'udevadm'), `#!/bin/sh\nprintf '%s' '${entry}'\n`, { mode: 0o755 });
});

afterAll(() => tmp.remove());

const jsonLines = (text: string) => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

describe('sensorvault ports', () => {
  it('works without udevadm: lists what the kernel shows and names the source', async () => {
    const text = await runCli(['ports'], { env: { PATH: noUdev } });
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout.trim().split('\n').at(-1)).toBe('source: kernel (/sys/class/tty, /dev/serial/by-id); udevadm not found on PATH');
    const json = await runCli(['ports', '--json'], { env: { PATH: noUdev } });
    expect(json.code).toBe(0);
    for (const entry of jsonLines(json.stdout)) {
      expect(Object.keys(entry).sort()).toEqual(['manufacturer', 'path', 'pnpId', 'productId', 'serialNumber', 'source', 'vendorId']);
      expect(entry.source).toBe('sysfs');
    }
    // One line per port (or the "none" line), then the source.
    const ports = jsonLines(json.stdout).map((e) => e.path);
    const lines = text.stdout.trim().split('\n').slice(0, -1);
    if (ports.length === 0) expect(lines).toEqual([expect.stringMatching(/no serial ports found/)]);
    else expect(lines.map((l) => l.split('  ')[0])).toEqual(ports);
  });

  it('uses udevadm when it is on PATH', async () => {
    const json = await runCli(['ports', '--json'], { env: { PATH: fakeUdev } });
    expect(json.code).toBe(0);
    expect(jsonLines(json.stdout)).toEqual([
      { path: '/dev/ttyUSB7', manufacturer: 'FTDI', serialNumber: 'A10K', vendorId: '0403', productId: '6001', pnpId: 'usb-FTDI_FT232R_A10K-if00-port0', source: 'udev' },
    ]);
    const text = await runCli(['ports'], { env: { PATH: fakeUdev } });
    expect(text.stdout).toBe('/dev/ttyUSB7  manufacturer=FTDI serial=A10K vid:pid=0403:6001\nsource: udev (udevadm)\n');
  });

  it('does not list socat ptys; the help says so and names the sources', async () => {
    const help: string[] = [];
    await portsCommand(['--help'], (l) => help.push(l));
    expect(help.join('\n')).toMatch(/ptys/);
    expect(help.join('\n')).toMatch(/\/sys\/class\/tty/);
    if (!socatAvailable) return;
    const pty = await startPtyPair();
    try {
      const json: string[] = [];
      await portsCommand(['--json'], (l) => json.push(l));
      expect(json.map((l) => (JSON.parse(l) as { path: string }).path)).not.toContain(pty.a);
    } finally {
      await pty.close();
    }
  });

  it('formats entries with missing fields and rejects arguments', async () => {
    const lines: string[] = [];
    const list = async () => ({
      ports: [{ path: '/dev/ttyUSB1', manufacturer: 'FTDI', serialNumber: 'A10K', vendorId: '0403', productId: '6001' }, { path: '/dev/ttyS0' }],
      source: 'udev' as const,
    });
    await portsCommand([], (l) => lines.push(l), list);
    expect(lines).toEqual(['/dev/ttyS0  manufacturer=- serial=- vid:pid=-', '/dev/ttyUSB1  manufacturer=FTDI serial=A10K vid:pid=0403:6001', 'source: udev (udevadm)']);
    await expect(portsCommand(['extra'], () => undefined)).rejects.toBeInstanceOf(UsageError);
  });
});
