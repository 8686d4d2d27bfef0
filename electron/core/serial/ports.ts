import { accessSync, constants, readFileSync, readdirSync, readlinkSync, realpathSync, existsSync } from 'node:fs';
import path from 'node:path';

/** One serial port as `sensorvault ports` and the UI show it. */
export interface PortEntry {
  path: string;
  manufacturer?: string;
  serialNumber?: string;
  vendorId?: string;
  productId?: string;
  pnpId?: string;
}

/** Where the list came from: udev (through `udevadm`, as the serialport library does) or the kernel's sysfs. */
export type PortSource = 'udev' | 'sysfs' | 'system';

export interface PortListing {
  ports: PortEntry[];
  source: PortSource;
  /** Why the preferred source was not used (e.g. "udevadm not found on PATH"), in words. */
  note?: string;
}

export interface PortListOptions {
  /** PATH to look for `udevadm` in; default process.env.PATH. */
  searchPath?: string;
  /** Roots of sysfs and /dev; tests point them at a copy of the kernel's layout. */
  sysRoot?: string;
  devRoot?: string;
  platform?: NodeJS.Platform;
  /** The udev lister (serialport's `SerialPort.list`); default loads serialport on first use. */
  udevList?: () => Promise<PortEntry[]>;
}

/** The same device names serialport's udev lister keeps. */
const SERIAL_NAME = /^(tty(S|WCH|ACM|USB|AMA|MFD|O|XRUSB)|rfcomm)/;

/** The first executable `name` on `searchPath`, if any. */
export function findOnPath(name: string, searchPath: string | undefined): string | undefined {
  for (const dir of (searchPath ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next directory
    }
  }
  return undefined;
}

const serialportList = async (): Promise<PortEntry[]> => {
  const { SerialPort } = await import('serialport');
  return SerialPort.list();
};

/**
 * Lists serial ports. On Linux the udev database is used when `udevadm` is on PATH and
 * answers; otherwise (containers, minimal installs) what the kernel shows in sysfs. It
 * never fails because a helper program is missing.
 */
export async function listSerialPorts(options: PortListOptions = {}): Promise<PortListing> {
  const platform = options.platform ?? process.platform;
  const udevList = options.udevList ?? serialportList;
  if (platform !== 'linux') return { ports: await udevList(), source: 'system' };
  const sysRoot = options.sysRoot ?? '/sys';
  const devRoot = options.devRoot ?? '/dev';
  if (findOnPath('udevadm', options.searchPath ?? process.env.PATH) === undefined) {
    return { ports: listFromSysfs(sysRoot, devRoot), source: 'sysfs', note: 'udevadm not found on PATH' };
  }
  try {
    return { ports: await udevList(), source: 'udev' };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ports: listFromSysfs(sysRoot, devRoot), source: 'sysfs', note: `udevadm failed (${reason})` };
  }
}

/** Human name of a source, for the `ports` output. */
export function describeSource(listing: PortListing): string {
  const name = listing.source === 'udev' ? 'udev (udevadm)' : listing.source === 'sysfs' ? 'kernel (/sys/class/tty, /dev/serial/by-id)' : 'the system port list';
  return listing.note === undefined ? name : `${name}; ${listing.note}`;
}

function readAttribute(dir: string, name: string): string | undefined {
  try {
    const value = readFileSync(path.join(dir, name), 'utf8').trim();
    return value === '' ? undefined : value;
  } catch {
    return undefined;
  }
}

/** `/dev/ttyUSB0` -> `usb-FTDI_FT232R_A10K-if00-port0` from /dev/serial/by-id. */
function byIdNames(devRoot: string): Map<string, string> {
  const names = new Map<string, string>();
  const dir = path.join(devRoot, 'serial', 'by-id');
  let links: string[];
  try {
    links = readdirSync(dir);
  } catch {
    return names;
  }
  for (const link of links) {
    try {
      const target = path.resolve(dir, readlinkSync(path.join(dir, link)));
      names.set(path.basename(target), link);
    } catch {
      // a dangling or unreadable link says nothing about a port
    }
  }
  return names;
}

/**
 * Ports from sysfs, like pyserial's Linux lister: every tty with a `device` link, except
 * the platform placeholders (the 32 legacy ttyS slots with no UART behind them). USB
 * details come from the nearest ancestor with idVendor/idProduct.
 */
export function listFromSysfs(sysRoot: string, devRoot: string): PortEntry[] {
  const classDir = path.join(sysRoot, 'class', 'tty');
  let names: string[];
  try {
    names = readdirSync(classDir);
  } catch {
    return [];
  }
  const byId = byIdNames(devRoot);
  const ports: PortEntry[] = [];
  for (const name of names.filter((n) => SERIAL_NAME.test(n)).sort()) {
    const deviceLink = path.join(classDir, name, 'device');
    let device: string;
    try {
      device = realpathSync(deviceLink);
    } catch {
      continue; // virtual tty: no device behind it
    }
    const subsystem = subsystemOf(device);
    if (subsystem === 'platform') continue;
    const entry: PortEntry = { path: path.join(devRoot, name) };
    const usb = usbDeviceDir(device, sysRoot);
    if (usb !== undefined) {
      const vendorId = readAttribute(usb, 'idVendor');
      const productId = readAttribute(usb, 'idProduct');
      const manufacturer = readAttribute(usb, 'manufacturer');
      const serialNumber = readAttribute(usb, 'serial');
      if (vendorId !== undefined) entry.vendorId = vendorId;
      if (productId !== undefined) entry.productId = productId;
      if (manufacturer !== undefined) entry.manufacturer = manufacturer;
      if (serialNumber !== undefined) entry.serialNumber = serialNumber;
    }
    const pnpId = byId.get(name);
    if (pnpId !== undefined) entry.pnpId = pnpId;
    ports.push(entry);
  }
  return ports;
}

function subsystemOf(device: string): string | undefined {
  try {
    return path.basename(realpathSync(path.join(device, 'subsystem')));
  } catch {
    return undefined;
  }
}

function usbDeviceDir(device: string, sysRoot: string): string | undefined {
  const stop = path.resolve(sysRoot);
  for (let dir = device; dir.startsWith(stop) && dir !== stop; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'idVendor'))) return dir;
  }
  return undefined;
}
