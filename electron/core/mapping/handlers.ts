import type { ApiHandlers } from '../../../shared/api/router.js';
import type { ApplyResult, TagsImportReport } from '../../../shared/api/types.js';
import { exportTagsCsv, importTagsCsv, locateIssues } from '../../../shared/mapping/csv.js';
import { checkProfile, upsertProfile } from '../../../shared/mapping/profile-io.js';
import type { Profile, Project } from '../../../shared/project.js';
import type { DriverRegistry } from '../drivers/registry.js';
import type { LongOperationOptions } from '../drivers/types.js';
import type { Operations } from '../operations.js';
import { loadProfileLibrary } from './library.js';
import { addProfileInstance, profileEntries } from './profiles.js';

/** What the mapping handlers need from the host: the stored project and its one apply path. */
export interface MappingContext {
  project(): Project;
  apply(document: unknown): Promise<ApplyResult>;
  operations: Operations;
  registry: DriverRegistry;
  /** The shipped library (default: resources/profiles, read on each request so an added file shows). */
  library?: () => Profile[];
}

type MappingHandlers = Pick<ApiHandlers, 'exportTagsCsv' | 'startTagsImport' | 'listProfiles' | 'applyProfile' | 'saveProfile'>;

/** The driver's own address check for each device, so a bad address is a `row N, column address` error. */
export function addressChecker(project: Project, registry: DriverRegistry): (deviceId: string, address: string) => string | undefined {
  const drivers = new Map(project.devices.map((d) => [d.id, registry.get(d.driver)]));
  return (deviceId, address) => {
    const driver = drivers.get(deviceId);
    if (driver === undefined) return undefined;
    const parsed = driver.parseAddress(address);
    return parsed.ok ? undefined : `${parsed.message} (syntax: ${driver.addressSyntax})`;
  };
}

/** Runs a CSV import as the body of a long operation; applies through `apply` only when nothing is wrong. */
export async function runTagsImport(context: Pick<MappingContext, 'project' | 'apply' | 'registry'>, csv: string, apply: boolean, options: LongOperationOptions): Promise<TagsImportReport> {
  const project = context.project();
  const result = await importTagsCsv(project, csv, { signal: options.signal, ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }), checkAddress: addressChecker(project, context.registry) });
  const report: TagsImportReport = {
    rows: result.rows,
    creates: result.creates,
    updates: result.updates,
    deletes: result.deletes,
    unchanged: result.unchanged,
    errors: result.errors,
    issues: result.issues,
    applied: false,
    savedTo: null,
  };
  if (!apply || result.project === undefined) return report;
  if (report.creates.length + report.updates.length + report.deletes.length === 0) return report;
  options.signal.throwIfAborted();
  const applied = await context.apply(result.project);
  // The host's validation (driver addresses, time formats) names project paths: back to rows and columns.
  const located = locateIssues(result.project, result.tagRows, applied.issues);
  return { ...report, errors: [...report.errors, ...located.errors].sort((a, b) => a.row - b.row), issues: [...report.issues, ...located.issues], applied: applied.applied, savedTo: applied.savedTo };
}

export function createMappingHandlers(context: MappingContext): MappingHandlers {
  const library = context.library ?? (() => loadProfileLibrary());
  return {
    exportTagsCsv: async ({ separator, bom }) => exportTagsCsv(context.project(), { separator, bom }),
    startTagsImport: async ({ csv, apply }) =>
      context.operations.start('tags-import', `Import tags CSV (${apply ? 'apply' : 'preview'})`, async (options) => ({ kind: 'tags-import', report: await runTagsImport(context, csv, apply, options) })),
    listProfiles: async () => profileEntries(context.project(), library()),
    applyProfile: async ({ deviceId, profileId, prefix, assetPath, params }) => {
      const change = addProfileInstance(context.project(), library(), { deviceId, profileId, params, ...(prefix === undefined ? {} : { prefix }), ...(assetPath === undefined ? {} : { assetPath }) });
      if (!change.ok) return { issues: change.issues, applied: false, savedTo: null };
      return context.apply(change.project);
    },
    saveProfile: async ({ profile }) => {
      const checked = checkProfile(profile);
      if (!checked.ok) return { issues: checked.issues.map((i) => ({ path: `profile.${i.path}`, message: i.message })), applied: false, savedTo: null };
      return context.apply(upsertProfile(context.project(), checked.profile));
    },
  };
}
