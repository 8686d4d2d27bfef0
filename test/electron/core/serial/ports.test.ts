import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findOnPath, listFromSysfs, listSerialPorts } from '../../../../electron/core/serial/ports.js';
import { tempDir } from '../../../support/project.js';

// A copy of the kernel's sysfs layout for a USB adapter, an on-board UART, a legacy ttyS
// placeholder and a virtual tty: this machine has no USB serial adapter to list.
const tmp = tempDir('sensorvault-sysfs-');
const sys = tmp.file('sys');
const dev = tmp.file('dev');

function fakeDevice(rel: string, subsystem: string, attributes: Record<string, string> = {}): string {
  const dir = path.join(sys, 'devices', rel);
  mkdirSync(dir, { recursive: true });
  mkdirSync(path.join(sys, 'bus', subsystem), { recursive: true });
  symlinkSync(path.join(sys, 'bus', subsystem), path.join(dir, 'subsystem'));
  for (const [name, value] of Object.entries(attributes)) writeFileSync(path.join(dir, name), `${value}\n`);
  return dir;
}

function fakeTty(name: string, device?: string): void {
  const dir = path.join(sys, 'class', 'tty', name);
  mkdirSync(dir, { recursive: true });
  if (device !== undefined) symlinkSync(device, path.join(dir, 'device'));
}

fakeDevice('pci0000:00/usb1/1-1', 'usb', { idVendor: '0403', idProduct: '6001', manufacturer: 'FTDI', serial: 'A10K' });
fakeTty('ttyUSB0', fakeDevice('pci0000:00/usb1/1-1/1-1:1.0/ttyUSB0', 'usb-serial'));
fakeTty('ttyS0', fakeDevice('pnp0/00:01', 'pnp'));
fakeTty('ttyS5', fakeDevice('platform/serial8250', 'platform'));
fakeTty('tty1');
fakeTty('ttyACM9'); // no device link: not a port
mkdirSync(path.join(dev, 'serial', 'by-id'), { recursive: true });
symlinkSync('../../ttyUSB0', path.join(dev, 'serial', 'by-id', 'usb-FTDI_FT232R_A10K-if00-port0'));
const emptyPath = tmp.file('bin');
mkdirSync(emptyPath);

afterAll(() => tmp.remove());

describe('serial port listing from sysfs', () => {
  it('lists ttys with a device, skips platform placeholders and virtual ttys, reads USB ids and the by-id name', () => {
    expect(listFromSysfs(sys, dev)).toEqual([
      { path: path.join(dev, 'ttyS0') },
      { path: path.join(dev, 'ttyUSB0'), vendorId: '0403', productId: '6001', manufacturer: 'FTDI', serialNumber: 'A10K', pnpId: 'usb-FTDI_FT232R_A10K-if00-port0' },
    ]);
  });

  it('an absent sysfs gives an empty list, not an error', () => {
    expect(listFromSysfs(tmp.file('nothing'), tmp.file('nothing'))).toEqual([]);
  });
});

describe('choosing the source', () => {
  const udevList = async () => [{ path: '/dev/ttyUDEV' }];

  it('uses sysfs and says so when udevadm is not on PATH; never calls the udev lister', async () => {
    let called = false;
    const listing = await listSerialPorts({ platform: 'linux', searchPath: emptyPath, sysRoot: sys, devRoot: dev, udevList: async () => ((called = true), []) });
    expect(listing.source).toBe('sysfs');
    expect(listing.note).toBe('udevadm not found on PATH');
    expect(listing.ports.map((p) => path.basename(p.path))).toEqual(['ttyS0', 'ttyUSB0']);
    expect(called).toBe(false);
  });

  it('uses udev when udevadm is on PATH, and falls back to sysfs with the reason when it fails', async () => {
    const bin = tmp.file('udev-bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'udevadm'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    expect(findOnPath('udevadm', `${emptyPath}${path.delimiter}${bin}`)).toBe(path.join(bin, 'udevadm'));
    expect(await listSerialPorts({ platform: 'linux', searchPath: bin, sysRoot: sys, devRoot: dev, udevList })).toEqual({ ports: [{ path: '/dev/ttyUDEV' }], source: 'udev' });
    const failed = await listSerialPorts({
      platform: 'linux',
      searchPath: bin,
      sysRoot: sys,
      devRoot: dev,
      udevList: () => Promise.reject(new Error('Error listing ports udevadm exited with error code: 1')),
    });
    expect(failed.source).toBe('sysfs');
    expect(failed.note).toMatch(/^udevadm failed \(.*error code: 1\)$/);
    expect(failed.ports).toHaveLength(2);
  });

  it('a non-executable udevadm does not count', () => {
    const bin = tmp.file('noexec-bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'udevadm'), '', { mode: 0o644 });
    expect(findOnPath('udevadm', bin)).toBeUndefined();
  });

  it('other platforms use the library list as is', async () => {
    expect(await listSerialPorts({ platform: 'win32', searchPath: emptyPath, udevList })).toEqual({ ports: [{ path: '/dev/ttyUDEV' }], source: 'system' });
  });
});
