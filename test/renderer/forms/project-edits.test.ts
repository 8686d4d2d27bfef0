import { describe, expect, it } from 'vitest';
import { newTagIdProblem, singleTagIssues } from '../../../renderer/src/forms/project-edits.js';

describe('one-tag edits: the id check and the host issues by field', () => {
  it('says why an id cannot name a new tag', () => {
    const taken = new Set(['flow']);
    expect(newTagIdProblem('temp', taken)).toBeUndefined();
    expect(newTagIdProblem('flow', taken)).toBe('"flow" is already a tag in this project');
    expect(newTagIdProblem('-bad id', taken)).toBe('use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit');
  });

  it('puts the submitted row issues on their fields and keeps the rest apart', () => {
    const issues = [
      { path: 'devices[1].tags[4].address', message: 'unknown table "xx"' },
      { path: 'devices[1].tags[4].scaling.rawHigh', message: 'rawHigh must differ from rawLow' },
      { path: 'devices[0].settings.host', message: 'not a host name' },
    ];
    expect(singleTagIssues(issues, 1, 4, ['address', 'name'])).toEqual({
      byField: { address: 'unknown table "xx"' },
      other: [
        { path: 'devices[0].settings.host', message: 'not a host name' },
        { path: 'scaling.rawHigh', message: 'rawHigh must differ from rawLow' },
      ],
    });
  });
});
