import { describe, expect, it } from 'vitest';
import { applyGroupDrafts, draftsFromGroups, fieldErrorsFromIssues, localDeviceErrors, tagsPerGroup } from '../../../renderer/src/forms/device-form.js';
import { type Device, TagSchema } from '../../../shared/project.js';

const tags: Device['tags'] = [
  TagSchema.parse({ id: 't1', name: 'T1', address: 'hr:0', pollGroup: 'fast', unit: '', scaling: { kind: 'none' } }),
  TagSchema.parse({ id: 't2', name: 'T2', address: 'hr:1', pollGroup: 'slow', unit: '', scaling: { kind: 'none' } }),
  TagSchema.parse({ id: 't3', name: 'T3', address: 'hr:2', pollGroup: 'fast', unit: '', scaling: { kind: 'none' } }),
];

describe('device form helpers', () => {
  it('moves the tags of a renamed poll group with it, and leaves the others', () => {
    const drafts = draftsFromGroups([
      { id: 'fast', intervalMs: 500 },
      { id: 'slow', intervalMs: 2000 },
    ]);
    drafts[0] = { ...drafts[0]!, id: 'quick', intervalMs: '250' };
    drafts.push({ id: 'hourly', intervalMs: '3600000' });
    const { pollGroups, tags: next } = applyGroupDrafts(drafts, tags);
    expect(pollGroups).toEqual([
      { id: 'quick', intervalMs: 250 },
      { id: 'slow', intervalMs: 2000 },
      { id: 'hourly', intervalMs: 3_600_000 },
    ]);
    expect(next.map((t) => t.pollGroup)).toEqual(['quick', 'slow', 'quick']);
  });

  it('counts tags per group so a used group cannot be removed', () => {
    expect(tagsPerGroup(tags)).toEqual(new Map([['fast', 2], ['slow', 1]]));
  });

  it('finds bad ids, duplicate groups and intervals before the host is asked', () => {
    const errors = localDeviceErrors('bad id', ' ', [
      { id: 'fast', intervalMs: '1000' },
      { id: 'fast', intervalMs: '1.5' },
    ]);
    expect(Object.keys(errors).sort()).toEqual(['device.id', 'device.name', 'pollGroups[1].id', 'pollGroups[1].intervalMs']);
    expect(localDeviceErrors('plc-1', 'PLC', [{ id: 'fast', intervalMs: '1000' }])).toEqual({});
  });

  it('puts the host issues on the fields they name', () => {
    const errors = fieldErrorsFromIssues(
      [
        { path: 'settings.port', message: 'Too big' },
        { path: 'settings.security.mode', message: 'bad mode' },
        { path: 'name', message: 'required' },
        { path: 'pollGroups[0].intervalMs', message: 'must be at least 10 ms' },
        { path: 'tags[2].pollGroup', message: 'unknown poll group' },
      ],
      ['port', 'security.mode'],
    );
    expect(errors).toEqual({ port: 'Too big', 'security.mode': 'bad mode', 'device.name': 'required', 'pollGroups[0].intervalMs': 'must be at least 10 ms' });
  });
});
