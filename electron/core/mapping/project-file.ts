import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Project, ValidationIssue } from '../../../shared/project.js';
import { compactProject } from '../../../shared/project-compact.js';
import type { DriverRegistry } from '../drivers/registry.js';
import { validateProject } from '../project/validate.js';

/**
 * The CLI's write path for project edits (tags import, profiles apply/import): the whole
 * document is validated like the hosts do, then written to a temporary file next to the
 * target and renamed over it, so a reader sees the old file or the new one, never half.
 */
export type SaveResult = { ok: true; project: Project } | { ok: false; issues: ValidationIssue[] };

export function writeProjectAtomically(file: string, project: Project): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(compactProject(project), null, 2)}\n`);
  renameSync(temporary, file);
}

/** Validates `document` (driver settings and addresses included); writes it only when it has no issue. */
export function validateAndSave(file: string, document: unknown, registry: DriverRegistry, options: { dryRun?: boolean } = {}): SaveResult {
  const result = validateProject(document, registry);
  if (!result.ok) return { ok: false, issues: result.issues };
  if (options.dryRun !== true) writeProjectAtomically(file, result.compiled.project);
  return { ok: true, project: result.compiled.project };
}
