import { describe, expect, it } from 'vitest';
import { encodedSize, knownValueSize, packBatches, splitBatch, type ObjectRead } from '../../../../../electron/core/drivers/bacnet/index.js';

const analog = (n: number): ObjectRead[] => Array.from({ length: n }, (_, i) => ({ objectType: 0, instance: i + 1, properties: [{ id: 85 }, { id: 111 }] }));

describe('ReadPropertyMultiple packing', () => {
  it.each([1476, 1024, 480, 206])('fills %i-octet answers with whole objects and never exceeds them', (maxApdu) => {
    const limits = { maxRequest: maxApdu, maxResponse: maxApdu, variableValueBound: 64 };
    const batches = packBatches(analog(1000), limits);
    const perObject = 23; // object id 5 + tags 2 + PV (2+1+5+1) + flags (2+1+3+1)
    const allowed = Math.floor((maxApdu - 3) / perObject);
    for (const b of batches.slice(0, -1)) {
      expect(b.responseSize).toBeLessThanOrEqual(maxApdu);
      expect(b.requestSize).toBeLessThanOrEqual(maxApdu);
      expect(b.objects).toHaveLength(allowed);
      expect(b.responseSize).toBe(3 + allowed * perObject);
    }
    expect(batches.reduce((n, b) => n + b.objects.length, 0)).toBe(1000);
  });

  it('spreads one object with many properties (object-list by index) over several requests', () => {
    const list: ObjectRead[] = [{ objectType: 8, instance: 1, properties: Array.from({ length: 1000 }, (_, i) => ({ id: 76, index: i + 1 })) }];
    const batches = packBatches(list, { maxRequest: 480, maxResponse: 480, variableValueBound: 64 });
    expect(batches.length).toBeGreaterThan(20);
    expect(batches.every((b) => b.responseSize <= 480 && b.requestSize <= 480)).toBe(true);
    expect(batches.flatMap((b) => b.objects.flatMap((o) => o.properties.map((p) => p.index)))).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
  });

  it('budgets unknown-size values with the variable bound and splits a batch in halves', () => {
    const objects: ObjectRead[] = Array.from({ length: 10 }, (_, i) => ({ objectType: 0, instance: i, properties: [{ id: 77 }, { id: 28 }] }));
    const limits = { maxRequest: 1476, maxResponse: 1476, variableValueBound: 64 };
    const [batch] = packBatches(objects, limits);
    expect(batch?.objects).toHaveLength(10);
    const halves = splitBatch(batch!, limits)!;
    expect(halves.map((h) => h.objects.length)).toEqual([5, 5]);
    const single = splitBatch(packBatches([objects[0]!], limits)[0]!, limits)!;
    expect(single.map((h) => h.objects[0]?.properties.length)).toEqual([1, 1]);
    expect(splitBatch(packBatches([{ objectType: 0, instance: 1, properties: [{ id: 85 }] }], limits)[0]!, limits)).toBeUndefined();
  });

  it('measures decoded values as they were encoded, and packs tighter with learned bounds', () => {
    expect(encodedSize([{ type: 7, value: 'AI-1' }])).toBe(7); // 0x75 0x05 0x00 'AI-1'
    expect(encodedSize([{ type: 4, value: 1.5 }, { type: 0, value: null }])).toBe(6);
    expect(encodedSize([{ type: 8, value: { bitsUsed: 4, value: [1] } }])).toBe(3);
    const objects: ObjectRead[] = Array.from({ length: 100 }, (_, i) => ({ objectType: 0, instance: i, properties: [{ id: 77 }] }));
    const loose = packBatches(objects, { maxRequest: 480, maxResponse: 480, variableValueBound: 64 });
    const tight = packBatches(objects, { maxRequest: 480, maxResponse: 480, variableValueBound: 64, valueBounds: new Map([[77, 12]]) });
    expect(tight.length).toBeLessThan(loose.length / 2);
  });

  it('knows the sizes of the common properties', () => {
    expect(knownValueSize(0, { id: 85 })).toBe(5);
    expect(knownValueSize(3, { id: 85 })).toBe(2);
    expect(knownValueSize(19, { id: 85 })).toBe(2);
    expect(knownValueSize(0, { id: 111 })).toBe(3);
    expect(knownValueSize(0, { id: 77 })).toBeUndefined();
  });
});
