/**
 * The Modbus request handling behind every simulated device: one register bank set,
 * FC 1, 2, 3, 4, 5, 6, 15, 16 with the exceptions of the Modbus Application Protocol
 * v1.1b3 (§6, §7): 1 illegal function, 2 illegal data address, 3 illegal data value.
 * PDU in, PDU out: the MBAP framing (modbus-server.ts, the demo plant) and the RTU framing
 * (test/support/rtu-slave.ts) wrap it.
 *
 * A register map makes it answer like a real PLC: a request that reaches outside the
 * mapped addresses (even partly) gets exception 2, so a mistyped address reads bad
 * "illegal data address" instead of 0. Without a map every address exists.
 */

export interface ModbusRequestInfo {
  unitId: number;
  functionCode: number;
  /** Start address of the request (0-based). */
  address: number;
  /** Coils, inputs or registers addressed (1 for FC5/FC6). */
  quantity: number;
}

/** Returns an exception code to answer with, or undefined to serve the request. */
export type ExceptionInjector = (request: ModbusRequestInfo) => number | undefined;

export interface ModbusBanks {
  coils: Uint8Array;
  discreteInputs: Uint8Array;
  holdingRegisters: Uint16Array;
  inputRegisters: Uint16Array;
}

export type BankName = keyof ModbusBanks;

/** Addresses that exist, as [first, last] ranges (0-based, inclusive). */
export type AddressRanges = ReadonlyArray<readonly [first: number, last: number]>;

/**
 * Which addresses each bank has. A bank left out answers every address; a bank given an
 * empty list has none (every request to it gets exception 2).
 */
export type RegisterMap = Partial<Record<BankName, AddressRanges>>;

export function createBanks(): ModbusBanks {
  return { coils: new Uint8Array(65536), discreteInputs: new Uint8Array(65536), holdingRegisters: new Uint16Array(65536), inputRegisters: new Uint16Array(65536) };
}

const BANK_OF_FUNCTION: Readonly<Record<number, BankName>> = {
  1: 'coils',
  2: 'discreteInputs',
  3: 'holdingRegisters',
  4: 'inputRegisters',
  5: 'coils',
  6: 'holdingRegisters',
  15: 'coils',
  16: 'holdingRegisters',
};

/** Sorted, merged ranges: adjacent ranges join, so a request may span them. */
function normalize(ranges: AddressRanges): Array<[number, number]> {
  const sorted = [...ranges].map(([a, b]): [number, number] => [a, b]).sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const range of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && range[0] <= last[1] + 1) last[1] = Math.max(last[1], range[1]);
    else out.push(range);
  }
  return out;
}

export const exceptionPdu = (functionCode: number, code: number): Buffer => Buffer.from([(functionCode | 0x80) & 0xff, code]);

export class ModbusPduHandler {
  private injectors: ExceptionInjector[] = [];
  private map: Partial<Record<BankName, Array<[number, number]>>> = {};
  /** Called after every served write (FC5/6/15/16), e.g. for the plant to react. */
  onWrite: ((request: ModbusRequestInfo) => void) | undefined;

  constructor(
    readonly banks: ModbusBanks = createBanks(),
    map?: RegisterMap,
  ) {
    if (map !== undefined) this.setRegisterMap(map);
  }

  /** Replaces the register map; `{}` makes every address exist again. */
  setRegisterMap(map: RegisterMap): void {
    const next: Partial<Record<BankName, Array<[number, number]>>> = {};
    for (const [bank, ranges] of Object.entries(map) as Array<[BankName, AddressRanges | undefined]>) {
      if (ranges !== undefined) next[bank] = normalize(ranges);
    }
    this.map = next;
  }

  /** True when every address of [address, address + quantity) exists in the bank. */
  isMapped(bank: BankName, address: number, quantity: number): boolean {
    if (address + quantity > 65536) return false;
    const ranges = this.map[bank];
    if (ranges === undefined) return true;
    const last = address + quantity - 1;
    for (const [first, end] of ranges) if (address >= first && last <= end) return true;
    return false;
  }

  /** Adds an exception rule; returns its remover. Rules run in the order added. */
  injectException(injector: ExceptionInjector): () => void {
    this.injectors = [...this.injectors, injector];
    return () => {
      this.injectors = this.injectors.filter((i) => i !== injector);
    };
  }

  clearExceptions(): void {
    this.injectors = [];
  }

  /** Answers one request PDU with a response PDU (an exception PDU on failure). */
  handle(unitId: number, pdu: Buffer): Buffer {
    const fc = pdu[0] as number;
    const result = this.serve(unitId, pdu, fc);
    return typeof result === 'number' ? exceptionPdu(fc, result) : result;
  }

  private serve(unitId: number, pdu: Buffer, fc: number): Buffer | number {
    const bank = BANK_OF_FUNCTION[fc];
    if (bank === undefined) return 1;
    if (pdu.length < 5) return 3;
    const address = pdu.readUInt16BE(1);
    const quantity = fc === 5 || fc === 6 ? 1 : pdu.readUInt16BE(3);
    const info: ModbusRequestInfo = { unitId, functionCode: fc, address, quantity };
    for (const injector of this.injectors) {
      const code = injector(info);
      if (code !== undefined) return code;
    }
    const banks = this.banks;
    switch (fc) {
      case 1:
      case 2: {
        if (pdu.length !== 5 || quantity < 1 || quantity > 2000) return 3;
        if (!this.isMapped(bank, address, quantity)) return 2;
        const bits = fc === 1 ? banks.coils : banks.discreteInputs;
        const byteCount = Math.ceil(quantity / 8);
        const out = Buffer.alloc(2 + byteCount);
        out[0] = fc;
        out[1] = byteCount;
        for (let i = 0; i < quantity; i++) {
          if (bits[address + i]) out[2 + (i >> 3)] = (out[2 + (i >> 3)] as number) | (1 << (i & 7));
        }
        return out;
      }
      case 3:
      case 4: {
        if (pdu.length !== 5 || quantity < 1 || quantity > 125) return 3;
        if (!this.isMapped(bank, address, quantity)) return 2;
        const words = fc === 3 ? banks.holdingRegisters : banks.inputRegisters;
        const out = Buffer.allocUnsafe(2 + quantity * 2);
        out[0] = fc;
        out[1] = quantity * 2;
        for (let i = 0; i < quantity; i++) out.writeUInt16BE(words[address + i] as number, 2 + i * 2);
        return out;
      }
      case 5: {
        const value = pdu.readUInt16BE(3);
        if (pdu.length !== 5 || (value !== 0x0000 && value !== 0xff00)) return 3;
        if (!this.isMapped(bank, address, 1)) return 2;
        banks.coils[address] = value === 0xff00 ? 1 : 0;
        break;
      }
      case 6: {
        if (pdu.length !== 5) return 3;
        if (!this.isMapped(bank, address, 1)) return 2;
        banks.holdingRegisters[address] = pdu.readUInt16BE(3);
        break;
      }
      case 15: {
        const byteCount = pdu[5];
        if (quantity < 1 || quantity > 0x7b0 || byteCount !== Math.ceil(quantity / 8) || pdu.length !== 6 + byteCount) return 3;
        if (!this.isMapped(bank, address, quantity)) return 2;
        for (let i = 0; i < quantity; i++) banks.coils[address + i] = ((pdu[6 + (i >> 3)] as number) >> (i & 7)) & 1;
        break;
      }
      case 16: {
        const byteCount = pdu[5];
        if (quantity < 1 || quantity > 0x7b || byteCount !== quantity * 2 || pdu.length !== 6 + byteCount) return 3;
        if (!this.isMapped(bank, address, quantity)) return 2;
        for (let i = 0; i < quantity; i++) banks.holdingRegisters[address + i] = pdu.readUInt16BE(6 + i * 2);
        break;
      }
    }
    this.onWrite?.(info);
    return Buffer.from(pdu.subarray(0, 5));
  }
}
