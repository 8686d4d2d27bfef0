import type { BrowseNode } from '../../../shared/api/types.js';

/*
 * Pure helpers for project edits: safe ids, mapping the host's issue paths
 * (`devices[3].settings.port`) back onto form fields, certificate thumbprints.
 */

export interface Issue {
  path: string;
  message: string;
}

/** Project ids: 1-64 of `[A-Za-z0-9._-]`, starting with a letter or digit (shared/project.ts). */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const MAX_ID = 64;

export function isValidId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/**
 * An id derived from a display name: unsafe characters become `_`, and a `-2`, `-3`…
 * suffix keeps it unique against `taken` (which the caller extends with the result).
 */
export function deriveId(name: string, taken: ReadonlySet<string>, fallback = 'tag', style: 'keep' | 'kebab' = 'keep'): string {
  const source = style === 'kebab' ? name.trim().toLowerCase().replace(/[\s_]+/g, '-') : name;
  let stem = source
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/_{2,}/g, '_')
    .replace(/^[^A-Za-z0-9]+/, '')
    .replace(/[._-]+$/, '');
  if (stem === '') stem = fallback;
  stem = stem.slice(0, MAX_ID);
  if (!taken.has(stem)) return stem;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = `${stem.slice(0, MAX_ID - suffix.length)}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/**
 * Splits issues into those under `prefix` (returned relative to it, e.g. `settings.port`
 * for prefix `devices[3]`) and the rest.
 */
export function issuesUnder(issues: readonly Issue[], prefix: string): { matched: Issue[]; other: Issue[] } {
  const matched: Issue[] = [];
  const other: Issue[] = [];
  for (const issue of issues) {
    if (issue.path === prefix) matched.push({ path: '', message: issue.message });
    else if (issue.path.startsWith(`${prefix}.`) || issue.path.startsWith(`${prefix}[`)) {
      matched.push({ path: issue.path.slice(prefix.length).replace(/^\./, ''), message: issue.message });
    } else other.push(issue);
  }
  return { matched, other };
}

/**
 * The form key an issue path belongs to: the longest known key that the path starts with
 * (`settings.servers[1]` → `settings.servers`), or undefined.
 */
export function fieldForPath(path: string, keys: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const key of keys) {
    if (path === key || path.startsWith(`${key}.`) || path.startsWith(`${key}[`)) {
      if (best === undefined || key.length > best.length) best = key;
    }
  }
  return best;
}

/** Issues of an `addTags` call, per row of the submitted list: `devices[d].tags[base + i].field` (or `tags[i].field`). */
export function issuesByTagRow(issues: readonly Issue[], deviceIndex: number, baseIndex: number): { rows: Map<number, Issue[]>; other: Issue[] } {
  const rows = new Map<number, Issue[]>();
  const other: Issue[] = [];
  const pattern = new RegExp(`^devices\\[${deviceIndex}\\]\\.tags\\[(\\d+)\\](?:\\.(.*))?$`);
  // The contract documents paths relative to the submitted list (`tags[i].address`); the host sends project paths. Both are read.
  const relative = /^tags\[(\d+)\](?:\.(.*))?$/;
  for (const issue of issues) {
    const projectMatch = pattern.exec(issue.path);
    const relativeMatch = projectMatch === null ? relative.exec(issue.path) : null;
    const match = projectMatch ?? relativeMatch;
    const index = match === null ? -1 : Number(match[1]) - (projectMatch === null ? 0 : baseIndex);
    if (match === null || index < 0) {
      other.push(issue);
      continue;
    }
    const list = rows.get(index) ?? [];
    list.push({ path: match[2] ?? '', message: issue.message });
    rows.set(index, list);
  }
  return { rows, other };
}

/** Why `id` cannot name a new tag of a project whose tag ids are `taken`; undefined when it can. */
export function newTagIdProblem(id: string, taken: ReadonlySet<string>): string | undefined {
  if (!isValidId(id)) return 'use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit';
  if (taken.has(id)) return `"${id}" is already a tag in this project`;
  return undefined;
}

/** Issues of a one-tag `addTags` call: those naming one of `fields` by field, everything else apart. */
export function singleTagIssues<F extends string>(issues: readonly Issue[], deviceIndex: number, baseIndex: number, fields: readonly F[]): { byField: Partial<Record<F, string>>; other: Issue[] } {
  const { rows, other } = issuesByTagRow(issues, deviceIndex, baseIndex);
  const byField: Partial<Record<F, string>> = {};
  const unmatched = [...other];
  for (const issue of rows.get(0) ?? []) {
    const field = issue.path.split(/[.[]/)[0] as F;
    if (fields.includes(field)) byField[field] = issue.message;
    else unmatched.push(issue);
  }
  return { byField, other: unmatched };
}

/** A thumbprint as hex in groups of four, upper case: `3A7F 91C2 …`, easy to compare aloud. */
export function groupThumbprint(thumbprint: string): string {
  const hex = thumbprint.replace(/[^0-9a-f]/gi, '').toUpperCase();
  return (hex.match(/.{1,4}/g) ?? [thumbprint]).join(' ');
}

/** True when a device error says its server certificate is not trusted yet. */
export function mentionsUntrustedCertificate(text: string | undefined): boolean {
  if (text === undefined) return false;
  return /certificate/i.test(text) && /untrusted|not trusted|rejected|trust/i.test(text);
}

export interface TagDraft {
  id: string;
  name: string;
  unit: string;
  address: string;
  pollGroup: string;
  description: string;
  /** Ref of the browse node it came from, when it came from a browse. */
  ref?: string;
  /** Range the device advertises, shown for reference. */
  range?: string;
}

/** Review rows for browse nodes that carry an address; ids unique against `taken` and each other. */
export function draftsFromNodes(nodes: readonly BrowseNode[], taken: ReadonlySet<string>, pollGroup: string): TagDraft[] {
  const used = new Set(taken);
  const drafts: TagDraft[] = [];
  for (const node of nodes) {
    if (node.address === undefined) continue;
    const name = node.suggestion?.name ?? node.name;
    const id = deriveId(name, used);
    used.add(id);
    const low = node.suggestion?.low;
    const high = node.suggestion?.high;
    drafts.push({
      id,
      name,
      unit: node.suggestion?.unit ?? '',
      address: node.address,
      pollGroup,
      description: node.suggestion?.description ?? '',
      ref: node.ref,
      ...(low !== undefined || high !== undefined ? { range: `${low ?? '…'} … ${high ?? '…'}${(node.suggestion?.unit ?? '') === '' ? '' : ` ${node.suggestion?.unit ?? ''}`}` } : {}),
    });
  }
  return drafts;
}

/** The project tag block for a draft (empty description left out). */
export function tagBlock(draft: TagDraft): Record<string, unknown> {
  return {
    id: draft.id.trim(),
    name: draft.name.trim(),
    address: draft.address.trim(),
    pollGroup: draft.pollGroup,
    unit: draft.unit.trim(),
    ...(draft.description.trim() === '' ? {} : { description: draft.description.trim() }),
  };
}
