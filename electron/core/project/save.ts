import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Project } from '../../../shared/project.js';
import { compactProject } from '../../../shared/project-compact.js';

/**
 * The one way a project file is written, by the hosts and the CLI alike: without the fields
 * that only repeat their default, to a temporary file next to the target, then renamed over
 * it, so a reader sees the old file or the new one, never half of one.
 */
export function writeProjectAtomically(file: string, project: Project): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(compactProject(project), null, 2)}\n`);
  renameSync(temporary, file);
}
