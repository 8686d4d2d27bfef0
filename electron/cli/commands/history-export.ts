import { type WriteStream, createWriteStream, existsSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Logger } from '../../core/log.js';
import { CommandError, UsageError, attachSignedValues, parseTimeArg, timeForms } from '../args.js';
import { formatBytes, formatCount, formatDuration } from '../../../shared/format/units.js';
import { csvField, historyCsv, openReadOnly } from './history.js';

export const historyExportHelp = `Usage: sensorvault history export --db <file> --from <time> --to <time> --out <file.csv> [--tags <pattern>] [--force]

Writes every reading of the matching tags in [--from, --to] to one CSV file, streamed
(memory stays flat however long the range): header tag,ts,value,quality,status,receive_ts,
tags in id order, readings oldest first, fields as 'sensorvault history' prints them.
Progress goes to stderr. The file is written as <file.csv>.partial and renamed when
complete, so Ctrl-C (or a failure) leaves nothing under the final name; Ctrl-C exits 130.
Opens the database read-only, so it works while run, gateway or demo is writing it.

  --tags <pattern>   tag ids to export: a glob (* any run of characters, ? one
                     character), or several separated by commas, e.g. 'line1.*,pump-?';
                     default: every tag
  --force            overwrite --out if it exists

Times for --from and --to:
${timeForms}`;

const PAGE = 50_000;
const PROGRESS_EVERY_MS = 500;

/** `*` any run, `?` one character, everything else literal; comma-separated alternatives. */
export function tagGlob(pattern: string): (tagId: string) => boolean {
  const parts = pattern.split(',').map((p) => p.trim());
  if (parts.some((p) => p === '')) throw new UsageError(`--tags: "${pattern}" has an empty pattern between commas; e.g. --tags 'line1.*,pump-?'`);
  const source = parts.map((p) => [...p].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('')).join('|');
  const re = new RegExp(`^(?:${source})$`, 'u');
  return (tagId) => re.test(tagId);
}

export async function historyExportCommand(argv: string[], log: Logger, out: (line: string) => void): Promise<number> {
  const { values } = parseArgs({
    args: attachSignedValues(argv, ['--from', '--to']),
    options: {
      db: { type: 'string' },
      tags: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      out: { type: 'string' },
      force: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    out(historyExportHelp);
    return 0;
  }
  if (values.db === undefined) throw new UsageError('history export needs --db <file>');
  if (values.from === undefined || values.to === undefined) throw new UsageError('history export needs --from <time> and --to <time> (e.g. --from yesterday --to today)');
  if (values.out === undefined) throw new UsageError('history export needs --out <file.csv>');
  const now = Date.now();
  const from = parseTimeArg(values.from, '--from', now);
  const to = parseTimeArg(values.to, '--to', now);
  if (to < from) throw new UsageError(`--to (${new Date(to).toISOString()}) is before --from (${new Date(from).toISOString()}); swap them`);
  const matches = values.tags === undefined ? () => true : tagGlob(values.tags);
  const outPath = path.resolve(values.out);
  if (existsSync(outPath) && values.force !== true) throw new CommandError(`${outPath} exists; pass --force to overwrite it, or choose another --out`);
  if (!existsSync(path.dirname(outPath))) throw new CommandError(`${path.dirname(outPath)}: no such folder for --out; create it first or choose another path`);

  const { store, dbPath } = await openReadOnly(values.db, log);
  const partial = `${outPath}.partial`;
  let stream: WriteStream | undefined;
  // Ctrl-C stops at once, even while a write waits for a slow disk: every wait races it.
  let cancelled = false;
  let resolveCancel = () => {};
  const cancel = new Promise<void>((resolve) => (resolveCancel = resolve));
  const onSigint = () => {
    cancelled = true;
    resolveCancel();
  };
  process.on('SIGINT', onSigint);
  try {
    const known = await store.listTagIds();
    const tags = known.filter(matches).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (tags.length === 0) {
      const pattern = values.tags ?? '*';
      throw new CommandError(`no tag in ${dbPath} matches --tags "${pattern}"; known tags: ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', ...' : ''}`);
    }
    const started = Date.now();
    const file = createWriteStream(partial, { flags: 'w' });
    stream = file;
    const failed = new Promise<never>((_, reject) =>
      file.once('error', (err) => reject(new CommandError(`cannot write ${partial}: ${err.message}; check that the disk has room and the folder is writable`))),
    );
    failed.catch(() => undefined);
    const write = async (text: string): Promise<void> => {
      if (!file.write(text)) await Promise.race([new Promise<void>((resolve) => file.once('drain', resolve)), failed, cancel]);
    };
    let readings = 0;
    let bytes = 0;
    let lastProgress = started;
    const progress = (done: number) => `${formatCount(done)}/${formatCount(tags.length)} tags, ${formatCount(readings)} readings, ${formatBytes(bytes)}`;

    const header = 'tag,ts,value,quality,status,receive_ts\n';
    bytes += Buffer.byteLength(header);
    await write(header);
    for (const [index, tag] of tags.entries()) {
      const prefix = `${csvField(tag)},`;
      let pageFrom = from;
      for (;;) {
        if (cancelled) break;
        const series = await Promise.race([store.queryHistory(tag, pageFrom, to, PAGE, 'oldest'), cancel]);
        if (series === undefined) break;
        let chunk = '';
        for (let i = 0; i < series.points.length; i++) chunk += `${prefix}${historyCsv(series, i)}\n`;
        readings += series.points.length;
        bytes += Buffer.byteLength(chunk);
        if (chunk !== '') await write(chunk);
        const last = series.points.at(-1)?.[0];
        if (Date.now() - lastProgress >= PROGRESS_EVERY_MS) {
          lastProgress = Date.now();
          process.stderr.write(`export: ${progress(index)}\n`);
        }
        if (!series.truncated || last === undefined || last >= to) break;
        pageFrom = last + 1;
      }
      if (cancelled) break;
    }
    if (cancelled) {
      file.destroy();
      stream = undefined;
      rmSync(partial, { force: true });
      process.stderr.write(`export cancelled (Ctrl-C) after ${formatCount(readings)} readings; nothing written to ${outPath}\n`);
      return 130;
    }
    await Promise.race([new Promise<void>((resolve) => file.end(resolve)), failed]);
    stream = undefined;
    renameSync(partial, outPath);
    process.stderr.write(`export: ${progress(tags.length)} to ${outPath} in ${formatDuration(Date.now() - started)}\n`);
    return 0;
  } catch (error) {
    stream?.destroy();
    rmSync(partial, { force: true });
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
    await store.close();
  }
}
