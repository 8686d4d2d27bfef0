import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TagInfo } from '../../shared/api/types.js';
import { planCapacity, signalClassOf } from '../../shared/capacity/plan.js';
import { BYTES_PER_READING, PAGE_OVERHEAD, ROLLUP_ROW_BYTES } from '../../shared/capacity/ratios.js';
import { formatDays, parseSize } from '../../shared/format/units.js';
import { CapacityPlanSchema } from '../../shared/history/types.js';
import { ProjectSchema, type Project } from '../../shared/project.js';

const demo = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'resources', 'demo', 'plant.project.json'), 'utf8')) as Record<string, unknown>;

/** 800 float tags at 1 Hz on one device, `leaving` of them classified leavesSite. */
function plant(tagCount: number, leaving = 0, retention = { maxAgeDays: 30, maxSizeMiB: 2048 }): { project: Project; tags: TagInfo[] } {
  const document = structuredClone(demo) as { devices: Record<string, unknown>[]; store: unknown };
  const device = document.devices[0]!;
  device.pollGroups = [{ id: 'fast', intervalMs: 1000 }];
  device.tags = Array.from({ length: tagCount }, (_, i) => ({ id: `t${i}`, name: `T ${i}`, address: `hr:${i * 2}:float32`, pollGroup: 'fast', classification: { level: 'internal', leavesSite: i < leaving } }));
  document.store = { commitIntervalMs: 1000, retention };
  const project = ProjectSchema.parse(document);
  const tags = project.devices[0]!.tags.map((t): TagInfo => ({ tagId: t.id, name: t.name, deviceId: project.devices[0]!.id, address: t.address, unit: '', unitCode: '', pollGroup: 'fast', intervalMs: 1000, reportsOnChange: false, writes: 'disabled' }));
  return { project, tags };
}

describe('planCapacity', () => {
  it('800 float tags at 1 Hz: 69,120,000 readings a day, disk from the analog ratio with page overhead and rollups', () => {
    const { project, tags } = plant(800);
    const plan = CapacityPlanSchema.parse(planCapacity({ project, tags }));
    expect(plan.readingsPerDay).toBe(69_120_000);
    const raw = 69_120_000 * BYTES_PER_READING.analog.bytesPerReading * (1 + PAGE_OVERHEAD);
    expect(plan.rollupBytesPerDay).toBe(800 * 1464 * ROLLUP_ROW_BYTES);
    expect(plan.bytesPerDay).toBeCloseTo(raw + plan.rollupBytesPerDay, 3);
    expect(plan.bytesPerReading).toBeCloseTo(BYTES_PER_READING.analog.bytesPerReading * 1.1, 6);
    expect(plan.budgetBytes).toBe(2048 * 1024 * 1024);
    expect(plan.devices).toEqual([{ deviceId: 'demo-plc', name: project.devices[0]!.name, tags: 800, readingsPerDay: 69_120_000, bytesPerDay: plan.bytesPerDay }]);
    // Deterministic: the same input gives the same plan.
    expect(planCapacity({ project, tags })).toEqual(plan);
  });

  it('a budget too small for the age limit says how many days it holds and when prune starts', () => {
    const { project, tags } = plant(800, 0, { maxAgeDays: 30, maxSizeMiB: 2048 });
    const plan = planCapacity({ project, tags, budgetBytes: 10e9 });
    const raw = plan.bytesPerDay - plan.rollupBytesPerDay;
    // Rollups for 365 days (42.7 GB) do not fit 10 GB: both share the budget.
    expect(plan.horizonDays).toBeCloseTo((10e9 - plan.hotBytes) / plan.bytesPerDay, 6);
    expect(plan.assumptions.join('\n')).toMatch(/Warning: the 30-day age limit needs [\d.]+ GB \(with 365 days of rollups\); the 10 GB budget holds [\d.]+ days of raw history: prune will start at day \d+\./);
    expect(plan.assumptions.join('\n')).toContain('the budget prunes rollups too, oldest first');
    const big = planCapacity({ project, tags, budgetBytes: 2e12 });
    expect(big.horizonDays).toBeCloseTo((2e12 - big.hotBytes - big.rollupBytesPerDay * 365) / raw, 6);
    expect(big.assumptions.join('\n')).toContain('age limit fits the budget');
  });

  it('reads rollupMaxAgeDays from the project when it is there', () => {
    const { project, tags } = plant(10);
    (project.store.retention as Record<string, number>).rollupMaxAgeDays = 400;
    const plan = planCapacity({ project, tags, budgetBytes: 1e12 });
    expect(plan.horizonDays).toBeCloseTo((1e12 - plan.hotBytes - plan.rollupBytesPerDay * 400) / (plan.bytesPerDay - plan.rollupBytesPerDay), 6);
    expect(plan.assumptions.join('\n')).not.toContain('the project sets no rollup retention');
  });

  it('egress: leavesSite tags as Sparkplug B, one message per device per commit interval', () => {
    const { project, tags } = plant(100, 40);
    const plan = planCapacity({ project, tags });
    expect(plan.egress.tags).toBe(40);
    expect(plan.egress.readingsPerDay).toBe(40 * 86_400);
    expect(plan.egress.bytesPerDay).toBe(40 * 86_400 * 16 + 86_400 * 150);
    expect(plan.egress.bitsPerSecond).toBeCloseTo((plan.egress.bytesPerDay * 8) / 86_400, 6);
    expect(plan.assumptions.join('\n')).toContain('Sparkplug B');
  });

  it('on-change tags are counted at their interval and said so', () => {
    const { project, tags } = plant(4);
    const onChange = tags.map((t, i) => ({ ...t, reportsOnChange: i < 2 }));
    const plan = planCapacity({ project, tags: onChange });
    expect(plan.readingsPerDay).toBe(4 * 86_400);
    expect(plan.assumptions.join('\n')).toMatch(/2 tag\(s\) report on change/);
  });

  it('maps data types to signal classes', () => {
    const t = (address: string, dataType?: 'boolean' | 'integer' | 'number' | 'string', scaled = false) => signalClassOf({ address, ...(dataType === undefined ? {} : { dataType }), scaling: scaled ? { kind: 'linear', factor: 0.1, offset: 0 } : { kind: 'none' } });
    expect(t('coil:0')).toBe('boolean');
    expect(t('di:3')).toBe('boolean');
    expect(t('hr:0.2')).toBe('boolean');
    expect(t('hr:1:int16')).toBe('counter');
    expect(t('hr:1:int16', undefined, true)).toBe('scaled');
    expect(t('hr:2:float32')).toBe('analog');
    expect(t('hr:20:string:16')).toBe('text');
    expect(t('ns=2;s=Temp')).toBe('analog');
    expect(t('ns=2;s=Run', 'boolean')).toBe('boolean');
  });
});

describe('formatDays', () => {
  it('writes days, and hours, minutes or seconds under a day', () => {
    expect(formatDays(8.14)).toBe('8.1 days');
    expect(formatDays(1)).toBe('1 day');
    expect(formatDays(1207.4)).toBe('1,207 days');
    expect(formatDays(0.25)).toBe('6 h');
    expect(formatDays(0.0001)).toBe('8.6 s');
  });
});

describe('parseSize', () => {
  it('reads decimal and binary units and refuses the rest in words', () => {
    expect(parseSize('20GB')).toEqual({ ok: true, bytes: 20e9 });
    expect(parseSize('500MiB')).toEqual({ ok: true, bytes: 500 * 1024 ** 2 });
    expect(parseSize('2 TB')).toEqual({ ok: true, bytes: 2e12 });
    expect(parseSize('1.5GiB')).toEqual({ ok: true, bytes: 1.5 * 1024 ** 3 });
    expect(parseSize('20')).toMatchObject({ ok: false, message: expect.stringContaining('no unit') });
    expect(parseSize('20 parsecs')).toMatchObject({ ok: false, message: expect.stringContaining('unknown unit') });
  });
});
