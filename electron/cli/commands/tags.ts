import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CSV_ENCODING_LABELS, decodeCsvBytes, exportTagsCsv, formatCsvIssue, importTagsCsv, locateIssues } from '../../../shared/mapping/csv.js';
import { expandProject } from '../../../shared/mapping/profiles.js';
import type { DriverRegistry } from '../../core/drivers/registry.js';
import { addressChecker } from '../../core/mapping/handlers.js';
import { validateAndSave } from '../../core/mapping/project-file.js';
import { loadProjectFile } from '../../core/project/validate.js';
import { CommandError, UsageError } from '../args.js';

export const tagsHelp = `Usage: sensorvault tags export --project <file> [--out <file.csv>] [--separator ,|;] [--bom]
       sensorvault tags import --project <file> <file.csv> [--dry-run]

export  every tag of the project (profile tags as expanded) as CSV: a header row, one
        tag a row, every property in its own column (docs/tags-csv.md). stdout by
        default. --separator ; and --bom give what Excel in a decimal-comma locale opens.
import  reads a tags CSV (separator , or ; detected; UTF-8 with or without BOM, else
        Windows-1252, as older Excel saves "CSV"; the first line names what was read),
        checks every row and prints the changes (create/update/delete <tag id>). A tag
        of the project that has no row is deleted; a profile tag's edits become
        overrides of its instance and a deleted profile tag is excluded. Applies all or nothing by rewriting the
        project file (temporary file + rename). --dry-run changes nothing.
        Before applying it prints "DELETE <n> of the project's <total> tags"; when more
        than half of the tags would be deleted, a warning on stderr (still applied).
        Errors: one "row N, column X: message" line each (row 1 is the header), exit 1.`;

export async function tagsCommand(argv: string[], registry: DriverRegistry, out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { project: { type: 'string' }, out: { type: 'string' }, separator: { type: 'string' }, bom: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help === true) {
    out(tagsHelp);
    return 0;
  }
  const [action, ...rest] = positionals;
  if (action !== 'export' && action !== 'import') throw new UsageError(action === undefined ? 'tags needs export or import (sensorvault tags --help)' : `unknown tags action "${action}"; use export or import`);
  if (values.project === undefined) throw new UsageError(`tags ${action} needs --project <file>`);
  const projectFile = path.resolve(values.project);
  const compiled = await loadProjectFile(projectFile, registry);

  if (action === 'export') {
    if (rest.length > 0) throw new UsageError(`tags export takes no file argument ("${rest[0]}"); write to a file with --out <file.csv>`);
    if (values['dry-run'] === true) throw new UsageError('--dry-run belongs to tags import');
    const separator = values.separator ?? ',';
    if (separator !== ',' && separator !== ';') throw new UsageError(`--separator: "${separator}" is not , or ;`);
    const { csv, rows } = exportTagsCsv(compiled.project, { separator, bom: values.bom === true });
    if (values.out === undefined) process.stdout.write(csv);
    else {
      writeFileSync(path.resolve(values.out), csv);
      process.stderr.write(`sensorvault: ${rows} tags written to ${path.resolve(values.out)}\n`);
    }
    return 0;
  }

  if (values.out !== undefined || values.separator !== undefined || values.bom !== undefined) throw new UsageError('--out, --separator and --bom belong to tags export');
  const [csvFile, ...extra] = rest;
  if (csvFile === undefined) throw new UsageError('tags import needs the CSV file: sensorvault tags import --project <file> <file.csv>');
  if (extra.length > 0) throw new UsageError(`unexpected "${extra[0]}"`);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path.resolve(csvFile));
  } catch (error) {
    throw new CommandError(`${path.resolve(csvFile)}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error)}`);
  }
  const { text, encoding } = decodeCsvBytes(bytes);
  const result = await importTagsCsv(compiled.project, text, { checkAddress: addressChecker(compiled.project, registry) });
  out(`read ${csvFile}: ${CSV_ENCODING_LABELS[encoding]}, separator ${result.separator}`);
  for (const id of result.creates) out(`create ${id}`);
  for (const id of result.updates) out(`update ${id}`);
  for (const id of result.deletes) out(`delete ${id}`);
  const summary = `${result.rows} rows: ${result.creates.length} to create, ${result.updates.length} to update, ${result.deletes.length} to delete, ${result.unchanged} unchanged`;
  if (result.errors.length > 0 || result.issues.length > 0 || result.project === undefined) {
    for (const e of result.errors) process.stderr.write(`${formatCsvIssue(e)}\n`);
    for (const i of result.issues) process.stderr.write(`${i.path}: ${i.message}\n`);
    process.stderr.write(`sensorvault: ${csvFile}: ${result.errors.length + result.issues.length} problem(s); nothing was changed. ${summary}\n`);
    return 1;
  }
  const dryRun = values['dry-run'] === true;
  const changes = result.creates.length + result.updates.length + result.deletes.length;
  if (changes === 0) {
    out(`${summary}; nothing to change`);
    return 0;
  }
  // Tags with no row are deleted: say how many before anything is written, and warn when it is most of them.
  const total = expandProject(compiled.project).tags.length;
  if (result.deletes.length > 0) out(`DELETE ${result.deletes.length} of the project's ${total} tags: they have no row in ${csvFile}`);
  if (result.deletes.length * 2 > total) {
    process.stderr.write(
      `sensorvault: warning: this import deletes ${result.deletes.length} of the project's ${total} tags (${Math.round((100 * result.deletes.length) / total)} %), every tag with no row in ${csvFile}; ${dryRun ? 'without --dry-run they are deleted' : 'applying it anyway'}. If the file is a partial export, import a full export instead (sensorvault tags export --project ${values.project}).\n`,
    );
  }
  const saved = validateAndSave(projectFile, result.project, registry, { dryRun });
  if (!saved.ok) {
    // The driver checks of the whole project: each problem under the row and column that made it.
    const located = locateIssues(result.project, result.tagRows, saved.issues);
    for (const e of located.errors.sort((a, b) => a.row - b.row)) process.stderr.write(`${formatCsvIssue(e)}\n`);
    for (const i of located.issues) process.stderr.write(`${i.path}: ${i.message}\n`);
    process.stderr.write(`sensorvault: ${csvFile}: ${saved.issues.length} problem(s); nothing was changed. ${summary}\n`);
    return 1;
  }
  out(`${summary}; ${dryRun ? 'dry run, nothing changed' : `applied to ${projectFile}`}`);
  return 0;
}
