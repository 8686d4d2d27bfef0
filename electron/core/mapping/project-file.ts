import type { Project, ValidationIssue } from '../../../shared/project.js';
import type { DriverRegistry } from '../drivers/registry.js';
import { writeProjectAtomically } from '../project/save.js';
import { validateProject } from '../project/validate.js';

/**
 * The CLI's write path for project edits (tags import, profiles apply/import): the whole
 * document is validated like the hosts do, then written with writeProjectAtomically.
 */
export type SaveResult = { ok: true; project: Project } | { ok: false; issues: ValidationIssue[] };

/** Validates `document` (driver settings and addresses included); writes it only when it has no issue. */
export function validateAndSave(file: string, document: unknown, registry: DriverRegistry, options: { dryRun?: boolean } = {}): SaveResult {
  const result = validateProject(document, registry);
  if (!result.ok) return { ok: false, issues: result.issues };
  if (options.dryRun !== true) writeProjectAtomically(file, result.compiled.project);
  return { ok: true, project: result.compiled.project };
}
