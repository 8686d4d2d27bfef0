import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { exportProfileJson, parseProfileJson, upsertProfile } from '../../../shared/mapping/profile-io.js';
import { expandProject } from '../../../shared/mapping/profiles.js';
import type { Profile, Project } from '../../../shared/project.js';
import type { DriverRegistry } from '../../core/drivers/registry.js';
import { ProfileLibraryError, loadProfileLibrary } from '../../core/mapping/library.js';
import { validateAndSave } from '../../core/mapping/project-file.js';
import { addProfileInstance, profileEntries } from '../../core/mapping/profiles.js';
import { loadProjectFile } from '../../core/project/validate.js';
import { CommandError, UsageError } from '../args.js';

export const profilesHelp = `Usage: sensorvault profiles list [--project <file>] [--json]
       sensorvault profiles apply --project <file> --profile <id> --device <id> [--set NAME=VALUE ...]
       sensorvault profiles export --project <file> --profile <id> [--out <file.json>]
       sensorvault profiles import --project <file> <profile.json>

list    the profile library: the shipped profiles (resources/profiles) and, with
        --project, the project's own (the project's copy wins over a shipped one of the
        same id), with the devices using each. --json: one JSON object a line.
apply   instantiates a profile on a device: a shipped profile is copied into the
        project, an instance is added to the device. --set gives a parameter
        (NAME=VALUE, repeatable); NAME may also be prefix (tag ids <prefix>.<point>,
        default the device id) or assetPath (the ISA-95 path the points hang below).
export  one profile (the project's, else the shipped one) as JSON, stdout by default.
import  creates or replaces (by id) a profile in the project from a JSON file; every
        instance of it follows, overrides kept.
Edits are validated whole and written atomically (temporary file + rename); on a
problem nothing changes and each is printed as "path: message" (exit 1).`;

function fail(issues: ReadonlyArray<{ path: string; message: string }>, what: string): number {
  for (const i of issues) process.stderr.write(`${i.path}: ${i.message}\n`);
  process.stderr.write(`sensorvault: ${what}; nothing was changed\n`);
  return 1;
}

function parseSet(values: readonly string[]): { params: Record<string, string | number>; prefix?: string; assetPath?: string } {
  const params: Record<string, string | number> = {};
  let prefix: string | undefined;
  let assetPath: string | undefined;
  for (const item of values) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set: "${item}" is not NAME=VALUE`);
    const name = item.slice(0, eq);
    const value = item.slice(eq + 1);
    if (name === 'prefix') prefix = value;
    else if (name === 'assetPath') assetPath = value;
    else params[name] = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  return { params, ...(prefix === undefined ? {} : { prefix }), ...(assetPath === undefined ? {} : { assetPath }) };
}

export async function profilesCommand(argv: string[], registry: DriverRegistry, out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      project: { type: 'string' },
      profile: { type: 'string' },
      device: { type: 'string' },
      set: { type: 'string', multiple: true },
      out: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    out(profilesHelp);
    return 0;
  }
  const [action, ...rest] = positionals;
  const actions = ['list', 'apply', 'export', 'import'];
  if (action === undefined || !actions.includes(action)) throw new UsageError(action === undefined ? 'profiles needs list, apply, export or import (sensorvault profiles --help)' : `unknown profiles action "${action}"; use ${actions.join(', ')}`);
  if (action !== 'import' && rest.length > 0) throw new UsageError(`unexpected "${rest[0]}"`);
  let library: Profile[];
  try {
    library = loadProfileLibrary();
  } catch (error) {
    if (error instanceof ProfileLibraryError) throw new CommandError(error.message);
    throw error;
  }
  const projectFile = values.project === undefined ? undefined : path.resolve(values.project);
  const project: Project | undefined = projectFile === undefined ? undefined : (await loadProjectFile(projectFile, registry)).project;
  const needProject = (): { file: string; project: Project } => {
    if (projectFile === undefined || project === undefined) throw new UsageError(`profiles ${action} needs --project <file>`);
    return { file: projectFile, project };
  };

  switch (action) {
    case 'list': {
      for (const entry of profileEntries(project, library)) {
        const p = entry.profile;
        if (values.json === true) {
          out(JSON.stringify({ id: p.id, name: p.name, vendor: p.vendor, model: p.model, source: entry.source, instances: entry.instances, points: p.points.length, drivers: p.drivers, version: p.version, parameters: p.parameters.map((x) => x.name), document: p.source }));
        } else {
          out(`${p.id.padEnd(24)} ${entry.source.padEnd(7)} ${`${p.points.length} points`.padEnd(10)} ${`${entry.instances} device(s)`.padEnd(12)} ${p.vendor} ${p.model} (${p.drivers.join(', ')}) - ${p.source.document}${p.source.revision === undefined ? '' : `, ${p.source.revision}`}`);
        }
      }
      return 0;
    }
    case 'apply': {
      const { file, project: current } = needProject();
      if (values.profile === undefined) throw new UsageError('profiles apply needs --profile <id> (sensorvault profiles list)');
      if (values.device === undefined) throw new UsageError('profiles apply needs --device <id>');
      const set = parseSet(values.set ?? []);
      const change = addProfileInstance(current, library, { deviceId: values.device, profileId: values.profile, ...set });
      if (!change.ok) return fail(change.issues, `profile ${values.profile} was not applied`);
      const saved = validateAndSave(file, change.project, registry);
      if (!saved.ok) return fail(saved.issues, `profile ${values.profile} was not applied`);
      const device = saved.project.devices.find((d) => d.id === values.device);
      const instance = (device?.profiles.length ?? 1) - 1;
      const tags = [...expandProject(saved.project).origins.entries()].filter(([, o]) => o.deviceId === values.device && o.instance === instance).map(([id]) => id);
      out(`applied profile ${values.profile} to device ${values.device}${change.copied ? ' (copied from the library into the project)' : ''}: ${tags.length} tags`);
      for (const id of tags) out(`  ${id}`);
      out(`saved ${file}`);
      return 0;
    }
    case 'export': {
      if (values.profile === undefined) throw new UsageError('profiles export needs --profile <id>');
      const entry = profileEntries(project, library).find((e) => e.profile.id === values.profile);
      if (entry === undefined) throw new CommandError(`no profile "${values.profile}"; known: ${profileEntries(project, library).map((e) => e.profile.id).join(', ')}`);
      const json = exportProfileJson(entry.profile);
      if (values.out === undefined) process.stdout.write(json);
      else {
        writeFileSync(path.resolve(values.out), json);
        process.stderr.write(`sensorvault: profile ${entry.profile.id} (${entry.source}) written to ${path.resolve(values.out)}\n`);
      }
      return 0;
    }
    default: {
      const { file, project: current } = needProject();
      const [profileFile, ...extra] = rest;
      if (profileFile === undefined) throw new UsageError('profiles import needs the profile file: sensorvault profiles import --project <file> <profile.json>');
      if (extra.length > 0) throw new UsageError(`unexpected "${extra[0]}"`);
      let text: string;
      try {
        text = readFileSync(path.resolve(profileFile), 'utf8');
      } catch (error) {
        throw new CommandError(`${path.resolve(profileFile)}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error)}`);
      }
      const parsed = parseProfileJson(text);
      if (!parsed.ok) return fail(parsed.issues.map((i) => ({ path: `${profileFile}: ${i.path}`, message: i.message })), 'the profile file is not valid');
      const replaced = current.profiles.some((p) => p.id === parsed.profile.id);
      const saved = validateAndSave(file, upsertProfile(current, parsed.profile), registry);
      if (!saved.ok) return fail(saved.issues, `profile ${parsed.profile.id} was not imported`);
      const instances = saved.project.devices.reduce((n, d) => n + d.profiles.filter((i) => i.profile === parsed.profile.id).length, 0);
      out(`${replaced ? 'replaced' : 'added'} profile ${parsed.profile.id} (version ${parsed.profile.version}) in ${file}; ${instances} instance(s) follow it`);
      return 0;
    }
  }
}
