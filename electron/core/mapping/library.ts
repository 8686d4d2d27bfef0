import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Profile, ValidationIssue } from '../../../shared/project.js';
import { parseProfileJson } from '../../../shared/mapping/profile-io.js';

/**
 * The shipped profile library: one JSON file a profile in resources/profiles. Every file
 * is checked with ProfileSchema; a bad file is reported by its name with every issue, so
 * a broken library never loads half.
 */
export class ProfileLibraryError extends Error {
  constructor(readonly problems: ReadonlyArray<{ file: string; issues: ValidationIssue[] }>) {
    super(
      `the profile library has ${problems.length} bad file(s):\n${problems.map((p) => `  ${p.file}:\n${p.issues.map((i) => `    ${i.path}: ${i.message}`).join('\n')}`).join('\n')}\nFix or remove the file(s) named above.`,
    );
    this.name = 'ProfileLibraryError';
  }
}

/** resources/profiles of the installed package (works from electron/ sources and from dist/). */
export function defaultLibraryDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'sensorvault') return path.join(dir, 'resources', 'profiles');
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the sensorvault package root (for resources/profiles)');
    dir = parent;
  }
}

/** Every profile of `dir` in file-name order; throws ProfileLibraryError naming each bad file. */
export function loadProfileLibrary(dir = defaultLibraryDir()): Profile[] {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  const profiles: Profile[] = [];
  const problems: Array<{ file: string; issues: ValidationIssue[] }> = [];
  const byId = new Map<string, string>();
  for (const file of files) {
    const result = parseProfileJson(readFileSync(path.join(dir, file), 'utf8'));
    if (!result.ok) {
      problems.push({ file: path.join(dir, file), issues: result.issues });
      continue;
    }
    const other = byId.get(result.profile.id);
    if (other !== undefined) {
      problems.push({ file: path.join(dir, file), issues: [{ path: 'id', message: `profile id "${result.profile.id}" is also used by ${other}` }] });
      continue;
    }
    byId.set(result.profile.id, file);
    profiles.push(result.profile);
  }
  if (problems.length > 0) throw new ProfileLibraryError(problems);
  return profiles;
}
