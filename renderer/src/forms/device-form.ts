import type { Device } from '../../../shared/project.js';
import { fieldForPath, type Issue, isValidId } from './project-edits.js';

/*
 * Pure parts of the device form shared by "Add device" and "Edit device": poll-group
 * rows, local checks before the host is asked, and the host's issues mapped onto fields.
 */

export interface PollGroupDraft {
  id: string;
  intervalMs: string;
  /** The group's id in the running project (edit); tags that use it follow a rename. */
  originalId?: string;
}

export function draftsFromGroups(groups: Device['pollGroups']): PollGroupDraft[] {
  return groups.map((g) => ({ id: g.id, intervalMs: String(g.intervalMs), originalId: g.id }));
}

/** Problems the form can see itself, keyed like the fields (`device.name`, `pollGroups[1].intervalMs`). */
export function localDeviceErrors(id: string, name: string, groups: readonly PollGroupDraft[]): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!isValidId(id)) errors['device.id'] = 'use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit';
  if (name.trim() === '') errors['device.name'] = 'required';
  const seen = new Set<string>();
  groups.forEach((g, i) => {
    if (!isValidId(g.id)) errors[`pollGroups[${i}].id`] = 'use letters, digits, ".", "_" or "-"';
    else if (seen.has(g.id)) errors[`pollGroups[${i}].id`] = `another group is already called "${g.id}"`;
    seen.add(g.id);
    const ms = Number(g.intervalMs);
    if (!Number.isInteger(ms) || ms <= 0) errors[`pollGroups[${i}].intervalMs`] = 'enter a whole number of milliseconds';
  });
  return errors;
}

/** The poll groups to save, and the tags with their group renamed where a group was. */
export function applyGroupDrafts(groups: readonly PollGroupDraft[], tags: Device['tags']): { pollGroups: Device['pollGroups']; tags: Device['tags'] } {
  const renamed = new Map(groups.filter((g) => g.originalId !== undefined && g.originalId !== g.id).map((g) => [g.originalId as string, g.id]));
  return {
    pollGroups: groups.map((g) => ({ id: g.id, intervalMs: Number(g.intervalMs) })),
    tags: tags.map((t) => (renamed.has(t.pollGroup) ? { ...t, pollGroup: renamed.get(t.pollGroup) as string } : t)),
  };
}

/** Host issues under one device (paths relative to it) as form field errors; `settings.x` maps to the form key of x. */
export function fieldErrorsFromIssues(matched: readonly Issue[], settingKeys: readonly string[]): Record<string, string> {
  const byField: Record<string, string> = {};
  for (const issue of matched) {
    if (issue.path.startsWith('settings.')) {
      const key = fieldForPath(issue.path.slice('settings.'.length), settingKeys);
      if (key !== undefined) byField[key] = issue.message;
    } else if (issue.path === 'id' || issue.path === 'name') byField[`device.${issue.path}`] = issue.message;
    else if (/^pollGroups\[\d+\]\.(id|intervalMs)$/.test(issue.path)) byField[issue.path] = issue.message;
  }
  return byField;
}

/** Tags per poll group id, so a group in use cannot be removed from under its tags. */
export function tagsPerGroup(tags: Device['tags']): Map<string, number> {
  const counts = new Map<string, number>();
  for (const tag of tags) counts.set(tag.pollGroup, (counts.get(tag.pollGroup) ?? 0) + 1);
  return counts;
}
