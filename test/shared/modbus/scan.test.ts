import { describe, expect, it } from 'vitest';
import { ModbusScanSchema } from '../../../shared/api/types.js';
import { decodeAll, orderLabel, scanBlock, scanTagAddress, significantDigits } from '../../../shared/modbus/scan.js';
import { encodeRegisters, type RegisterType, type WordOrder } from '../../../shared/modbus/registers.js';
import { parseModbusAddress } from '../../../electron/core/drivers/common/modbus/address.js';

function block(length: number, fill = 0): number[] {
  return new Array<number>(length).fill(fill);
}

function put(words: number[], at: number, value: number, type: RegisterType, order: WordOrder): void {
  encodeRegisters(value, { kind: 'registers', type, order }).forEach((w, i) => (words[at + i] = w));
}

describe('decodeAll', () => {
  it('decodes every numeric type in every order that fits, with the normalizer decoder', () => {
    const words = block(4);
    put(words, 0, 3.14159, 'float32', 'cdab');
    const all = decodeAll(words, 0);
    // 2 sixteen-bit types x 2 orders + 3 thirty-two-bit x 4 + 3 sixty-four-bit x 4
    expect(all).toHaveLength(4 + 12 + 12);
    expect(all.find((d) => d.type === 'float32' && d.order === 'cdab')?.value).toBe(3.14159);
    // Near the end of the block only what fits: registers 3 holds just one word.
    expect(decodeAll(words, 3).map((d) => d.type)).toEqual(['uint16', 'uint16', 'int16', 'int16']);
  });

  it('names orders as byte layouts and addresses in the grammar', () => {
    expect(orderLabel(1, 'badc')).toBe('ba');
    expect(orderLabel(2, 'cdab')).toBe('cdab');
    expect(orderLabel(4, 'cdab')).toBe('ghefcdab');
    expect(orderLabel(4, 'dcba')).toBe('hgfedcba');
    expect(scanTagAddress('hr', 8, 'uint16', 'abcd')).toBe('hr:8');
    expect(scanTagAddress('ir', 2, 'int16', 'badc')).toBe('ir:2:int16:badc');
    expect(scanTagAddress('hr', 8, 'float64', 'cdab')).toBe('hr:8:float64:cdab');
    // Every address the scan proposes parses in the driver grammar.
    for (const d of decodeAll(block(4, 0x1234), 0)) {
      const text = scanTagAddress('hr', 100, d.type, d.order);
      expect(parseModbusAddress(text).ok, text).toBe(true);
    }
  });

  it('counts significant digits of the shortest decimal', () => {
    expect(significantDigits(3.14159)).toBe(6);
    expect(significantDigits(1500)).toBe(2);
    expect(significantDigits(-0.0025)).toBe(2);
  });
});

describe('scanBlock', () => {
  it('keeps one of intN and uintN when they read the same, the unsigned one for a counter', () => {
    const words = [0x8000, 100];
    const starts = scanBlock({ table: 'hr', start: 0, words });
    // 0x8000: different as int16 (-32768) and uint16 (32768): both stay.
    expect(starts[0]?.candidates.filter((c) => c.order === 'ab').map((c) => c.type).sort()).toEqual(['int16', 'uint16']);
    expect(starts[1]?.candidates.filter((c) => c.order === 'ab').map((c) => c.type)).toEqual(['int16']);
    const counted = scanBlock({ table: 'hr', start: 0, words, later: [0x8000, 101] });
    expect(counted[1]?.candidates[0]).toMatchObject({ type: 'uint16', value: 100 });
    expect(counted[1]?.candidates.some((c) => c.type === 'int16' && c.order === 'ab')).toBe(false);
  });

  it('ranks the right order first for each 32-bit float order, the float64 and the counter', () => {
    const words = block(40, 0);
    put(words, 0, 21.5, 'float32', 'abcd');
    put(words, 4, 3.14159, 'float32', 'cdab');
    put(words, 8, 1013.25, 'float32', 'badc');
    put(words, 12, -40.125, 'float32', 'dcba');
    put(words, 16, 230.456789, 'float64', 'abcd');
    put(words, 24, 70000, 'uint32', 'abcd');
    const later = [...words];
    put(later, 24, 70003, 'uint32', 'abcd');
    const starts = scanBlock({ table: 'hr', start: 100, words, later });
    expect(starts).toHaveLength(40);
    const top = (offset: number) => starts[offset]?.candidates[0];
    expect(top(0)).toMatchObject({ type: 'float32', order: 'abcd', value: 21.5, tagAddress: 'hr:100:float32' });
    expect(top(4)).toMatchObject({ type: 'float32', order: 'cdab', value: 3.14159, tagAddress: 'hr:104:float32:cdab' });
    expect(top(8)).toMatchObject({ type: 'float32', order: 'badc', value: 1013.25, tagAddress: 'hr:108:float32:badc' });
    expect(top(12)).toMatchObject({ type: 'float32', order: 'dcba', value: -40.125, tagAddress: 'hr:112:float32:dcba' });
    expect(top(16)).toMatchObject({ type: 'float64', order: 'abcdefgh', value: 230.456789, tagAddress: 'hr:116:float64' });
    expect(top(24)).toMatchObject({ type: 'uint32', order: 'abcd', value: 70000, tagAddress: 'hr:124:uint32' });
    expect(top(24)?.hints[0]).toBe('counts up between reads (+3)');
    expect(starts[0]?.address).toBe('hr:100');
    // The result is what the API declares.
    expect(() => ModbusScanSchema.parse({ deviceId: 'd', from: 'hr:100', count: 40, words, readAt: 0, starts })).not.toThrow();
  });

  it('without a second read the counter is a plausible integer, but not called a counter nor ranked first', () => {
    const words = block(4);
    put(words, 0, 70000, 'uint32', 'abcd');
    const candidates = scanBlock({ table: 'hr', start: 0, words })[0]?.candidates ?? [];
    // Without a count the signed reading stands for both (it reads the same).
    const counter = candidates.find((c) => c.type === 'int32' && c.order === 'abcd');
    expect(counter?.value).toBe(70000);
    expect(counter?.hints).toContain('reads the same as uint32');
    expect(counter?.hints.some((h) => h.includes('counts up'))).toBe(false);
    // The high word alone (1) is the simpler reading until a second read shows the count.
    expect(candidates[0]).toMatchObject({ type: 'int16', value: 1 });
  });

  it('a value that goes down or jumps far is no counter', () => {
    const words = block(2);
    put(words, 0, 70000, 'uint32', 'abcd');
    const down = block(2);
    put(down, 0, 69000, 'uint32', 'abcd');
    const jump = block(2);
    put(jump, 0, 170000, 'uint32', 'abcd');
    for (const later of [down, jump]) {
      const c = scanBlock({ table: 'hr', start: 0, words, later })[0]?.candidates.find((x) => x.type.endsWith('int32') && x.order === 'abcd');
      expect(c?.value).toBe(70000);
      expect(c?.hints.some((h) => h.includes('counts up'))).toBe(false);
    }
  });

  it('leaves out NaN, infinities, denormals and absurd magnitudes', () => {
    const words = block(2);
    put(words, 0, Number.NaN, 'float32', 'abcd');
    expect(scanBlock({ table: 'hr', start: 0, words })[0]?.candidates.some((c) => c.type === 'float32' && c.order === 'abcd')).toBe(false);
    put(words, 0, Number.POSITIVE_INFINITY, 'float32', 'abcd');
    expect(scanBlock({ table: 'hr', start: 0, words })[0]?.candidates.some((c) => c.type === 'float32' && c.order === 'abcd')).toBe(false);
    put(words, 0, 3e12, 'float32', 'abcd');
    expect(scanBlock({ table: 'hr', start: 0, words })[0]?.candidates.some((c) => c.type === 'float32' && c.order === 'abcd')).toBe(false);
    // Two small integers side by side make a denormal float32: left out, the integers stay.
    const small = [5, 7];
    const candidates = scanBlock({ table: 'hr', start: 0, words: small })[0]?.candidates ?? [];
    expect(candidates.some((c) => c.type === 'float32')).toBe(false);
    expect(candidates[0]).toMatchObject({ type: 'int16', value: 5 });
  });

  it('prefers small round integers to large ones', () => {
    const starts = scanBlock({ table: 'ir', start: 0, words: [1500, 0x00ff] });
    const first = starts[0]?.candidates[0];
    expect(first).toMatchObject({ type: 'int16', order: 'ab', value: 1500, tagAddress: 'ir:0:int16' });
    expect(first?.hints).toContain('round');
    // 0x00ff swapped is 65280: plausible but less so than 255.
    const second = starts[1]?.candidates ?? [];
    expect(second[0]).toMatchObject({ value: 255, order: 'ab' });
    const swapped = second.find((c) => c.order === 'ba' && c.type === 'uint16');
    expect(swapped?.value).toBe(65280);
    expect(swapped?.score).toBeLessThan(second[0]?.score ?? 0);
  });

  it('says all-zero registers once, as uint16 0', () => {
    const starts = scanBlock({ table: 'hr', start: 0, words: block(4) });
    expect(starts[0]?.candidates).toEqual([expect.objectContaining({ type: 'uint16', order: 'ab', value: 0 })]);
  });

  it('gives the offset hint when the best float also decodes one register off', () => {
    // float32 21.5 (0x41AC 0x0000) at hr:9 in abcd, zeros around it: hr:8 in cdab reads 21.5 too.
    const words = block(12);
    words[0] = 5;
    put(words, 9, 21.5, 'float32', 'abcd');
    const starts = scanBlock({ table: 'hr', start: 0, words });
    expect(starts[8]?.candidates[0]).toMatchObject({ type: 'float32', order: 'cdab', value: 21.5 });
    expect(starts[8]?.offsetHint).toMatch(/^the same value appears at hr:9 \(float32 abcd\): the map may be 1-based/);
    expect(starts[9]?.offsetHint).toMatch(/^the same value appears at hr:8 \(float32 cdab\)/);
    // No hint where nothing repeats.
    const plain = block(6, 0x1111);
    put(plain, 2, 3.14159, 'float32', 'abcd');
    expect(scanBlock({ table: 'hr', start: 0, words: plain })[2]?.offsetHint).toBeUndefined();
  });

  it('scores stay within 0..1 and candidates are sorted', () => {
    const words = Array.from({ length: 64 }, (_, i) => (i * 7919 + 13) & 0xffff);
    const later = words.map((w) => (w + 1) & 0xffff);
    for (const start of scanBlock({ table: 'hr', start: 0, words, later })) {
      const scores = start.candidates.map((c) => c.score);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
      for (const s of scores) expect(s >= 0.1 && s <= 1).toBe(true);
    }
  });

  it('of two live orders of the same registers whose high word stood still, ranks the one nearer 1 first', () => {
    // Feed flow 12.53 -> 12.51 m³/h as float32 badc: read as abcd it is 198046 -> 198027, also live.
    const [first] = scanBlock({ table: 'hr', start: 0, words: [0x4841, 0x6787], later: [0x4841, 0x62ec] });
    expect(first?.candidates[0]).toMatchObject({ type: 'float32', order: 'badc' });
    expect(first?.candidates[0]?.hints).toContain('nearest 1 of the live orders of these registers');
    expect(first?.candidates[1]).toMatchObject({ type: 'float32', order: 'abcd' });
  });

  it('takes a float32 whose two words both move as live, weakly, when its lowest byte stood still by chance', () => {
    // 0.2704 -> 0.0894 as float32 badc: the low word 0x7216 -> 0x1416 keeps its low byte.
    const [first] = scanBlock({ table: 'hr', start: 0, words: [0x8a3e, 0x1672], later: [0xb73d, 0x1614] });
    expect(first?.candidates[0]).toMatchObject({ type: 'float32', order: 'badc', score: 0.5 });
    expect(first?.candidates[0]?.hints[0]).toBe('both words move between reads (its lowest byte stood still)');
    // With the high word standing still it is a neighbour's moving byte: no sign of life.
    const [still] = scanBlock({ table: 'hr', start: 0, words: [0x8a3e, 0x1672], later: [0x8a3e, 0x1614] });
    const badc = still?.candidates.find((c) => c.type === 'float32' && c.order === 'badc');
    expect(badc?.hints.some((h) => h.startsWith('both words move'))).not.toBe(true);
  });
});
