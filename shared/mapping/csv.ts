import Papa from 'papaparse';
import type { CsvIssue } from '../api/types.js';
import type { z } from 'zod';
import { type Project, type Tag, TagSchema, type ValidationIssue, ProjectSchema, formatPath } from '../project.js';
import { type TagOrigin, applyTagChanges, expandProject } from './profiles.js';

/**
 * The tags CSV (docs/tags-csv.md): a header row, one tag a row, every property of a tag in
 * its own column (the quality sentinels as one compact JSON cell). Export and import are
 * lossless: a row that was not edited is "unchanged" and its tag is left exactly as it is.
 * Import is all or nothing: every row is checked, every problem is reported as
 * `row N, column X: message` (the header is row 1), and only a clean file yields a project.
 * A tag of the project that has no row is deleted; a profile tag's edits become overrides
 * of its instance and its deletion an exclusion (shared/mapping/profiles.ts).
 */

/** Every column, in export order. Scaling parameters share columns across kinds (low/high, rawLow/rawHigh). */
export const TAG_CSV_COLUMNS = [
  'device',
  'id',
  'name',
  'assetPath',
  'description',
  'unit',
  'dataType',
  'address',
  'pollGroup',
  'scaling',
  'scaling.factor',
  'scaling.offset',
  'scaling.rawLow',
  'scaling.rawHigh',
  'scaling.low',
  'scaling.high',
  'scaling.raw1',
  'scaling.eng1',
  'scaling.raw2',
  'scaling.eng2',
  'scaling.cutoffPercent',
  'scaling.rawAt4mA',
  'scaling.rawAt20mA',
  'deadband',
  'deadband.value',
  'decimals',
  'timestamp',
  'timestamp.address',
  'timestamp.format',
  'timestamp.timeZone',
  'timestamp.dst',
  'timestamp.pivotYear',
  'quality.range.low',
  'quality.range.high',
  'quality.range.outside',
  'quality.sentinels',
  'classification',
  'classification.leavesSite',
  'profile',
  'instance',
  'point',
  'overridden',
] as const;
export type TagCsvColumn = (typeof TAG_CSV_COLUMNS)[number];

/** Written for information; an import checks the first three against the tag's origin and ignores `overridden`. */
export const READ_ONLY_COLUMNS: ReadonlySet<TagCsvColumn> = new Set(['profile', 'instance', 'point', 'overridden']);

/** The parameter columns each scaling kind uses; the others must be empty. `cutoffPercent` may be empty (0). */
export const SCALING_PARAMETERS = {
  none: [],
  linear: ['factor', 'offset'],
  range: ['rawLow', 'rawHigh', 'low', 'high'],
  'two-point': ['raw1', 'eng1', 'raw2', 'eng2'],
  sqrt: ['rawLow', 'rawHigh', 'low', 'high', 'cutoffPercent'],
  clamp: ['low', 'high'],
  'ma4-20': ['rawAt4mA', 'rawAt20mA', 'low', 'high'],
} as const satisfies Record<Tag['scaling']['kind'], readonly string[]>;
const SCALING_COLUMNS = ['factor', 'offset', 'rawLow', 'rawHigh', 'low', 'high', 'raw1', 'eng1', 'raw2', 'eng2', 'cutoffPercent', 'rawAt4mA', 'rawAt20mA'] as const;
type ScalingParam = (typeof SCALING_COLUMNS)[number];

export interface CsvExportOptions {
  separator?: ',' | ';';
  /** Start with a UTF-8 byte order mark, so Excel reads the file as UTF-8. */
  bom?: boolean;
}

export interface CsvExport {
  csv: string;
  /** Tag rows (the header not counted). */
  rows: number;
}

const num = (n: number | undefined): string => (n === undefined ? '' : String(n));

function tagRow(deviceId: string, tag: Tag, origin: TagOrigin | undefined): string[] {
  const cells: Record<TagCsvColumn, string> = Object.fromEntries(TAG_CSV_COLUMNS.map((c) => [c, ''])) as Record<TagCsvColumn, string>;
  cells.device = deviceId;
  cells.id = tag.id;
  cells.name = tag.name;
  cells.assetPath = tag.assetPath ?? '';
  cells.description = tag.description ?? '';
  cells.unit = tag.unit;
  cells.dataType = tag.dataType ?? '';
  cells.address = tag.address;
  cells.pollGroup = tag.pollGroup;
  cells.scaling = tag.scaling.kind;
  const scaling = tag.scaling as Partial<Record<ScalingParam, number>>;
  for (const p of SCALING_COLUMNS) cells[`scaling.${p}`] = num(scaling[p]);
  if (tag.deadband !== undefined) {
    cells.deadband = tag.deadband.kind;
    cells['deadband.value'] = num(tag.deadband.value);
  }
  cells.decimals = num(tag.decimals);
  cells.timestamp = tag.timestamp.source;
  if (tag.timestamp.source === 'point') {
    cells['timestamp.address'] = tag.timestamp.address;
    cells['timestamp.format'] = tag.timestamp.format;
    cells['timestamp.timeZone'] = tag.timestamp.timeZone ?? '';
    cells['timestamp.dst'] = tag.timestamp.dst;
    cells['timestamp.pivotYear'] = num(tag.timestamp.pivotYear);
  }
  if (tag.quality?.range !== undefined) {
    cells['quality.range.low'] = num(tag.quality.range.low);
    cells['quality.range.high'] = num(tag.quality.range.high);
    cells['quality.range.outside'] = tag.quality.range.outside;
  }
  if (tag.quality?.sentinels !== undefined) cells['quality.sentinels'] = JSON.stringify(tag.quality.sentinels);
  cells.classification = tag.classification.level;
  cells['classification.leavesSite'] = tag.classification.leavesSite ? 'true' : 'false';
  if (origin !== undefined) {
    cells.profile = origin.profile;
    cells.instance = String(origin.instance);
    cells.point = origin.point;
    cells.overridden = origin.overridden.join(' ');
  }
  return TAG_CSV_COLUMNS.map((c) => cells[c]);
}

/** Every tag of the project (profile tags as expanded), one a row, in project order. */
export function exportTagsCsv(project: Project, options: CsvExportOptions = {}): CsvExport {
  const expansion = expandProject(project);
  const data = expansion.tags.map((t) => tagRow(t.deviceId, t.tag, t.origin));
  const csv = Papa.unparse({ fields: [...TAG_CSV_COLUMNS], data }, { delimiter: options.separator ?? ',', newline: '\r\n', quotes: false });
  return { csv: `${options.bom === true ? '\uFEFF' : ''}${csv}\r\n`, rows: data.length };
}

/** What `importTagsCsv` found: the preview, or the errors that stop the import. */
export interface TagsImport {
  rows: number;
  separator: ',' | ';';
  /** Tag ids per kind of change, in row order (deletes in project order). */
  creates: string[];
  updates: string[];
  deletes: string[];
  unchanged: number;
  errors: CsvIssue[];
  /** Project-level problems after the rows were merged; like errors, any of them stops the import. */
  issues: ValidationIssue[];
  /** The project with every change merged: present only when there is no error and no issue. */
  project?: Project;
  /** The CSV row of each tag id the file has, so a later check of the merged project (`locateIssues`) names row and column. */
  tagRows: Map<string, number>;
}

export interface ImportProgress {
  done: number;
  total?: number;
  message?: string;
}

/** The part of AbortSignal the import reads (shared/ has no DOM or Node types). */
export interface AbortLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
}

export interface TagsImportOptions {
  onProgress?: (progress: ImportProgress) => void;
  signal?: AbortLike;
  /**
   * Driver check of one address (the core passes the driver registry's parser): a message
   * when `address` is not valid for the device, reported under the row's address column.
   */
  checkAddress?: (deviceId: string, address: string) => string | undefined;
  /** Rows checked between two yields to the event loop (default 2000). */
  chunkRows?: number;
  /** How to yield between chunks (default: a 0 ms timer). */
  yieldNow?: () => Promise<void>;
}

const timers = globalThis as unknown as { setTimeout?: (fn: () => void, ms: number) => unknown };
const defaultYield = (): Promise<void> => new Promise((resolve) => (timers.setTimeout === undefined ? resolve() : timers.setTimeout(resolve, 0)));

export class ImportCancelledError extends Error {
  override name = 'ImportCancelledError';
}

function checkAborted(signal: AbortLike | undefined): void {
  if (signal?.aborted === true) throw signal.reason instanceof Error ? signal.reason : new ImportCancelledError('the import was cancelled; nothing was changed');
}

/** The part of TextDecoder the import needs: a global in Node and in browsers (shared/ has neither's types). */
interface TextDecoderLike {
  decode(bytes: Uint8Array): string;
}
type TextDecoderConstructor = new (label: string, options?: { fatal?: boolean; ignoreBOM?: boolean }) => TextDecoderLike;
const decoders = globalThis as unknown as { TextDecoder: TextDecoderConstructor };

export type CsvEncoding = 'utf-8' | 'utf-8-bom' | 'windows-1252';

/** How a CSV's encoding is named to people (CLI output, import preview). */
export const CSV_ENCODING_LABELS: Record<CsvEncoding, string> = {
  'utf-8': 'UTF-8',
  'utf-8-bom': 'UTF-8 with BOM',
  'windows-1252': 'Windows-1252 (not valid UTF-8; what older Excel saves as "CSV")',
};

/**
 * The text of a CSV file's bytes: strict UTF-8 (a BOM is dropped and reported), and when the
 * bytes are not valid UTF-8, Windows-1252, which is what Excel's plain "CSV" saves on a
 * Western-European Windows (`°` is the single byte B0). Windows-1252 decodes any bytes, so a
 * file in another encoding still reads, but its header or cells then fail the row checks.
 */
export function decodeCsvBytes(bytes: Uint8Array): { text: string; encoding: CsvEncoding } {
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  try {
    const text = new decoders.TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
    return { text, encoding: bom ? 'utf-8-bom' : 'utf-8' };
  } catch {
    // Node 20's TextDecoder('windows-1252') decodes 80-9F as Latin-1 C1 controls (nodejs/node#56542);
    // the WHATWG table maps them to € ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž ' ' " " • – — ˜ ™ š › œ ž Ÿ.
    const text = new decoders.TextDecoder('windows-1252').decode(body).replace(/[\u0080-\u009f]/g, (c) => WINDOWS_1252_80_9F[c.charCodeAt(0) - 0x80] ?? c);
    return { text, encoding: 'windows-1252' };
  }
}

/** Bytes 80-9F of Windows-1252 (WHATWG Encoding Standard index); 81 8D 8F 90 9D stay as they are. */
const WINDOWS_1252_80_9F = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a,
  0x153, 0x9d, 0x17e, 0x178,
].map((code) => String.fromCharCode(code));

/** `,` or `;`: whichever appears more often outside quotes in the header line (`,` on a tie). */
export function detectSeparator(text: string): ',' | ';' {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && c === ',') commas++;
    else if (!quoted && c === ';') semicolons++;
  }
  return semicolons > commas ? ';' : ',';
}

/** RFC 4180 parse in chunks (pausing the parser between them), so a large file does not block. */
function parseRows(text: string, separator: string, options: TagsImportOptions): Promise<{ rows: string[][]; errors: CsvIssue[] }> {
  const rows: string[][] = [];
  const errors: CsvIssue[] = [];
  const yieldNow = options.yieldNow ?? defaultYield;
  return new Promise((resolve, reject) => {
    Papa.parse<string[]>(text, {
      delimiter: separator,
      quoteChar: '"',
      escapeChar: '"',
      header: false,
      dynamicTyping: false,
      skipEmptyLines: false,
      chunkSize: 1 << 20,
      chunk: (results: Papa.ParseResult<string[]>, parser: Papa.Parser) => {
        const base = rows.length;
        for (const e of results.errors) {
          const row = base + (e.row ?? 0) + 1;
          const message =
            e.code === 'MissingQuotes'
              ? 'a quoted cell is not closed (a " is missing); quote the whole cell and double every " inside it'
              : e.code === 'InvalidQuotes'
                ? 'a quoted cell has text after its closing quote; quote the whole cell and double every " inside it'
                : e.message;
          errors.push({ row, column: '(row)', message });
        }
        for (const r of results.data) rows.push(r);
        parser.pause();
        options.onProgress?.({ done: rows.length, message: `reading: ${rows.length} rows` });
        yieldNow().then(
          () => {
            if (options.signal?.aborted === true) {
              parser.abort();
              try {
                checkAborted(options.signal);
              } catch (error) {
                reject(error instanceof Error ? error : new Error(String(error)));
              }
            } else parser.resume();
          },
          (error: unknown) => reject(error instanceof Error ? error : new Error(String(error))),
        );
      },
      complete: () => {
        if (options.signal?.aborted !== true) resolve({ rows, errors });
      },
      error: (error: Error) => reject(error),
    });
  });
}

type Cells = Record<TagCsvColumn, string>;

class RowErrors {
  constructor(
    readonly row: number,
    readonly sink: CsvIssue[],
  ) {}
  count = 0;
  add(column: string, message: string): void {
    this.count++;
    this.sink.push({ row: this.row, column, message });
  }
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;

function parseNumber(text: string, separator: string): number | undefined | null {
  const t = text.trim();
  if (t === '') return undefined;
  if (NUMBER.test(t)) return Number(t);
  // A spreadsheet in a decimal-comma locale writes 1,5 in a `;` file.
  if (separator === ';' && DECIMAL_COMMA.test(t)) return Number(t.replace(',', '.'));
  return null;
}

const TRUE = new Set(['true', 'yes', '1', 'y']);
const FALSE = new Set(['false', 'no', '0', 'n', '']);

/** Builds the tag object a row describes; cell-level problems go to `errors`. */
function rowTag(cells: Cells, separator: string, errors: RowErrors): unknown {
  const numberCell = (column: TagCsvColumn, what = 'a number'): number | undefined => {
    const value = parseNumber(cells[column], separator);
    if (value === null) {
      errors.add(column, `"${cells[column]}" is not ${what}${separator === ';' ? ' (use . or , as the decimal mark, no thousands separator)' : ' (use . as the decimal mark, no thousands separator)'}`);
      return undefined;
    }
    return value;
  };
  const enumCell = <T extends string>(column: TagCsvColumn, allowed: readonly T[]): T | undefined => {
    const t = cells[column].trim();
    if (t === '') return undefined;
    if ((allowed as readonly string[]).includes(t)) return t as T;
    errors.add(column, `"${t}" is not one of ${allowed.join(', ')}`);
    return undefined;
  };
  const mustBeEmpty = (column: TagCsvColumn, why: string) => {
    if (cells[column].trim() !== '') errors.add(column, `must be empty: ${why}; clear the cell`);
  };

  const tag: Record<string, unknown> = {
    id: cells.id.trim(),
    name: cells.name,
    address: cells.address.trim(),
    pollGroup: cells.pollGroup.trim(),
    unit: cells.unit.trim(),
  };
  if (cells.assetPath !== '') tag.assetPath = cells.assetPath;
  if (cells.description !== '') tag.description = cells.description;
  const dataType = enumCell('dataType', ['number', 'integer', 'boolean', 'string'] as const);
  if (dataType !== undefined) tag.dataType = dataType;

  const kind = enumCell('scaling', Object.keys(SCALING_PARAMETERS) as Array<keyof typeof SCALING_PARAMETERS>) ?? (cells.scaling.trim() === '' ? 'none' : undefined);
  if (kind !== undefined) {
    const uses: readonly string[] = SCALING_PARAMETERS[kind];
    const scaling: Record<string, unknown> = { kind };
    for (const p of SCALING_COLUMNS) {
      const column = `scaling.${p}` as TagCsvColumn;
      if (!uses.includes(p)) {
        mustBeEmpty(column, `scaling kind ${kind} does not use ${p} (it uses ${uses.length === 0 ? 'no parameter' : uses.join(', ')})`);
        continue;
      }
      const value = numberCell(column);
      if (value !== undefined) scaling[p] = value;
      else if (cells[column].trim() === '' && p !== 'cutoffPercent') errors.add(column, `scaling kind ${kind} needs ${p} (it uses ${uses.join(', ')})`);
    }
    tag.scaling = scaling;
  }

  const deadband = enumCell('deadband', ['absolute', 'percent'] as const);
  if (deadband === undefined) {
    if (cells.deadband.trim() === '') mustBeEmpty('deadband.value', 'there is no deadband (set the deadband column to absolute or percent first)');
  } else {
    const value = numberCell('deadband.value');
    if (value === undefined && cells['deadband.value'].trim() === '') errors.add('deadband.value', `a ${deadband} deadband needs a value`);
    tag.deadband = { kind: deadband, value };
  }
  const decimals = numberCell('decimals', 'a whole number');
  if (decimals !== undefined) tag.decimals = decimals;

  const source = enumCell('timestamp', ['receive', 'device', 'point'] as const) ?? (cells.timestamp.trim() === '' ? 'device' : undefined);
  const tsColumns = ['timestamp.address', 'timestamp.format', 'timestamp.timeZone', 'timestamp.dst', 'timestamp.pivotYear'] as const;
  if (source === 'point') {
    const ts: Record<string, unknown> = { source, address: cells['timestamp.address'].trim(), format: cells['timestamp.format'].trim() };
    if (ts.address === '') errors.add('timestamp.address', 'a point timestamp needs the address of the point that holds the time');
    if (ts.format === '') errors.add('timestamp.format', 'a point timestamp needs a format of the timestamp catalogue (sensorvault time formats)');
    if (cells['timestamp.timeZone'].trim() !== '') ts.timeZone = cells['timestamp.timeZone'].trim();
    const dst = enumCell('timestamp.dst', ['earlier', 'later', 'reject'] as const);
    if (dst !== undefined) ts.dst = dst;
    const pivot = numberCell('timestamp.pivotYear', 'a whole number');
    if (pivot !== undefined) ts.pivotYear = pivot;
    tag.timestamp = ts;
  } else if (source !== undefined) {
    for (const c of tsColumns) mustBeEmpty(c, `the timestamp source is ${source}; only a point timestamp uses ${c}`);
    tag.timestamp = { source };
  }

  const quality: Record<string, unknown> = {};
  const low = numberCell('quality.range.low');
  const high = numberCell('quality.range.high');
  const outside = enumCell('quality.range.outside', ['uncertain', 'bad'] as const);
  const rangeGiven = ['quality.range.low', 'quality.range.high', 'quality.range.outside'].some((c) => cells[c as TagCsvColumn].trim() !== '');
  if (rangeGiven) {
    if (cells['quality.range.low'].trim() === '') errors.add('quality.range.low', 'a quality range needs low and high');
    if (cells['quality.range.high'].trim() === '') errors.add('quality.range.high', 'a quality range needs low and high');
    quality.range = { low, high, ...(outside === undefined ? {} : { outside }) };
  }
  const sentinels = cells['quality.sentinels'].trim();
  if (sentinels !== '') {
    try {
      quality.sentinels = JSON.parse(sentinels) as unknown;
    } catch {
      errors.add('quality.sentinels', 'is not valid JSON; write a list such as [{"raw":-32768,"quality":"bad","reason":"open circuit"}]');
    }
  }
  if (Object.keys(quality).length > 0) tag.quality = quality;

  const level = enumCell('classification', ['public', 'internal', 'confidential', 'restricted'] as const);
  const leaves = cells['classification.leavesSite'].trim().toLowerCase();
  let leavesSite = false;
  if (TRUE.has(leaves)) leavesSite = true;
  else if (!FALSE.has(leaves)) errors.add('classification.leavesSite', `"${cells['classification.leavesSite']}" is not true or false`);
  tag.classification = { level: level ?? 'internal', leavesSite };
  return tag;
}

/** Maps a TagSchema issue path onto the column that holds the field. */
function columnOf(path: ReadonlyArray<PropertyKey>): string {
  const [head, second, third] = path.map(String);
  if (head === undefined) return '(row)';
  if (head === 'scaling') return second === undefined || second === 'kind' ? 'scaling' : `scaling.${second}`;
  if (head === 'deadband') return second === 'value' ? 'deadband.value' : 'deadband';
  if (head === 'timestamp') return second === undefined || second === 'source' ? 'timestamp' : `timestamp.${second}`;
  if (head === 'quality') return second === 'sentinels' ? 'quality.sentinels' : second === 'range' && third !== undefined ? `quality.range.${third}` : 'quality.range.low';
  if (head === 'classification') return second === 'leavesSite' ? 'classification.leavesSite' : 'classification';
  return head;
}

/** The comparable form of a tag: defaults filled, an empty description or quality dropped, keys sorted. */
function canonicalTag(tag: Tag): string {
  const t: Record<string, unknown> = { ...tag };
  if (t.description === '') delete t.description;
  const q = tag.quality;
  if (q !== undefined && q.range === undefined && q.sentinels === undefined) delete t.quality;
  return JSON.stringify(sorted(t));
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (typeof value === 'object' && value !== null) {
    const obj = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort()
        .map((k) => [k, sorted(obj[k])]),
    );
  }
  return value;
}

const TAG_FIELDS = ['name', 'description', 'assetPath', 'address', 'pollGroup', 'unit', 'dataType', 'scaling', 'deadband', 'timestamp', 'quality', 'classification', 'decimals'] as const;

function firstDifference(want: Tag, got: Tag): (typeof TAG_FIELDS)[number] | undefined {
  return TAG_FIELDS.find((f) => JSON.stringify(sorted(want[f] ?? null)) !== JSON.stringify(sorted(got[f] ?? null)));
}

const FIELD_COLUMN: Record<(typeof TAG_FIELDS)[number], string> = {
  name: 'name',
  description: 'description',
  assetPath: 'assetPath',
  address: 'address',
  pollGroup: 'pollGroup',
  unit: 'unit',
  dataType: 'dataType',
  scaling: 'scaling',
  deadband: 'deadband',
  timestamp: 'timestamp',
  quality: 'quality.range.low',
  classification: 'classification',
  decimals: 'decimals',
};

interface RowChange {
  row: number;
  deviceId: string;
  tag: Tag;
  kind: 'create' | 'update';
  origin?: TagOrigin;
}

/**
 * Reads a tags CSV against `project` (as stored; profile instances not expanded). Returns
 * the preview and, when nothing is wrong, the merged project; never a half-merged one.
 * Rejects with ImportCancelledError (or the signal's reason) when cancelled.
 */
export async function importTagsCsv(project: Project, csvText: string, options: TagsImportOptions = {}): Promise<TagsImport> {
  const text = csvText.charCodeAt(0) === 0xfeff ? csvText.slice(1) : csvText;
  const separator = detectSeparator(text);
  const report: TagsImport = { rows: 0, separator, creates: [], updates: [], deletes: [], unchanged: 0, errors: [], issues: [], tagRows: new Map() };
  checkAborted(options.signal);
  const parsed = await parseRows(text, separator, options);
  checkAborted(options.signal);
  // A trailing line break (or blank lines a spreadsheet leaves) gives rows with one empty cell.
  const rows = parsed.rows.filter((r, i) => i === 0 || !(r.length === 1 && r[0]?.trim() === ''));
  const rowNumbers: number[] = [];
  parsed.rows.forEach((r, i) => {
    if (i === 0 || !(r.length === 1 && r[0]?.trim() === '')) rowNumbers.push(i + 1);
  });
  report.errors.push(...parsed.errors);
  const header = rows[0];
  if (header === undefined || (header.length === 1 && header[0]?.trim() === '')) {
    report.errors.push({ row: 1, column: '(header)', message: `the file is empty; it needs a header row with the columns ${TAG_CSV_COLUMNS.join(', ')}` });
    return report;
  }
  report.rows = rows.length - 1;

  // Header: every writable column exactly once, in any order; the read-only ones may be left out.
  const index = new Map<TagCsvColumn, number>();
  header.forEach((raw, i) => {
    const name = raw.trim();
    if (!(TAG_CSV_COLUMNS as readonly string[]).includes(name)) {
      report.errors.push({ row: 1, column: name === '' ? `(column ${i + 1})` : name, message: `unknown column; the columns are ${TAG_CSV_COLUMNS.join(', ')} (export a fresh file for the full header)` });
    } else if (index.has(name as TagCsvColumn)) {
      report.errors.push({ row: 1, column: name, message: 'appears twice in the header; delete one of them' });
    } else index.set(name as TagCsvColumn, i);
  });
  for (const column of TAG_CSV_COLUMNS) {
    if (!index.has(column) && !READ_ONLY_COLUMNS.has(column)) report.errors.push({ row: 1, column, message: 'is missing from the header; every column but profile, instance, point and overridden is needed (export a fresh file for the full header)' });
  }
  if (report.errors.some((e) => e.row === 1)) return report;

  const expansion = expandProject(project);
  const current = new Map(expansion.tags.map((t) => [t.tag.id, t]));
  const devices = new Map(project.devices.map((d) => [d.id, d]));
  const seen = report.tagRows;
  const changes: RowChange[] = [];
  const chunk = options.chunkRows ?? 2000;
  const yieldNow = options.yieldNow ?? defaultYield;
  const total = rows.length - 1;

  for (let r = 1; r < rows.length; r++) {
    if (r % chunk === 0) {
      options.onProgress?.({ done: r - 1, total, message: `checking row ${r} of ${total + 1}` });
      await yieldNow();
      checkAborted(options.signal);
    }
    const raw = rows[r] as string[];
    const rowNumber = rowNumbers[r] as number;
    const errors = new RowErrors(rowNumber, report.errors);
    if (raw.length > header.length && raw.slice(header.length).some((c) => c.trim() !== '')) {
      errors.add('(row)', `has ${raw.length} cells, the header has ${header.length}; a cell with a separator or a line break inside must be quoted`);
      continue;
    }
    if (raw.length < header.length) {
      errors.add('(row)', `has ${raw.length} cells, the header has ${header.length}; the row was cut short (or a line break inside a cell is not quoted): restore the missing cells, even empty ones`);
      continue;
    }
    const cells = Object.fromEntries(TAG_CSV_COLUMNS.map((c) => [c, index.has(c) ? (raw[index.get(c) as number] ?? '') : ''])) as Cells;
    const deviceId = cells.device.trim();
    const id = cells.id.trim();
    const device = devices.get(deviceId);
    if (deviceId === '') errors.add('device', 'is empty; give the id of the device the tag is read from');
    else if (device === undefined) errors.add('device', `unknown device "${deviceId}"; the project has ${[...devices.keys()].join(', ') || 'no devices'} (a CSV import does not create devices)`);
    if (id !== '') {
      const first = seen.get(id);
      if (first !== undefined) errors.add('id', `duplicate tag id "${id}" (also on row ${first}); tag ids are unique across the project`);
      else seen.set(id, rowNumber);
    }
    const candidate = rowTag(cells, separator, errors);
    const checked = TagSchema.safeParse(candidate);
    if (!checked.success) {
      const reported = new Set(report.errors.filter((e) => e.row === rowNumber).map((e) => e.column));
      for (const issue of checked.error.issues) {
        const column = columnOf(issue.path);
        if (reported.has(column)) continue;
        errors.add(column, zodWords(issue));
        reported.add(column);
      }
    }
    const existing = current.get(id);
    const origin = existing?.origin;
    // The origin columns are read-only: they must say what the tag is (or be left out/empty for own tags).
    const originCells = { profile: origin?.profile ?? '', instance: origin === undefined ? '' : String(origin.instance), point: origin?.point ?? '' };
    for (const c of ['profile', 'instance', 'point'] as const) {
      const cell = cells[c].trim();
      if (!index.has(c) || cell === originCells[c]) continue;
      if (existing === undefined) errors.add(c, `is read-only and must be empty on a new tag: a CSV row cannot create a profile tag (apply the profile instead: sensorvault profiles apply); clear profile, instance and point`);
      else if (origin === undefined) errors.add(c, `is read-only: tag "${id}" is the device's own tag, not from a profile; clear the cell`);
      else errors.add(c, `is read-only: tag "${id}" comes from profile "${origin.profile}", instance ${origin.instance}, point "${origin.point}"; put back "${originCells[c]}"`);
    }
    if (origin !== undefined && device !== undefined && deviceId !== origin.deviceId) {
      errors.add('device', `tag "${id}" comes from profile "${origin.profile}" on device "${origin.deviceId}" and cannot move to "${deviceId}"; change the device's profile instance instead`);
    }
    if (device !== undefined && checked.success && !device.pollGroups.some((g) => g.id === checked.data.pollGroup)) {
      errors.add('pollGroup', `unknown poll group "${checked.data.pollGroup}"; device "${device.id}" has ${device.pollGroups.map((g) => g.id).join(', ')}`);
    }
    if (device !== undefined && checked.success && options.checkAddress !== undefined) {
      const problem = options.checkAddress(device.id, checked.data.address);
      if (problem !== undefined) errors.add('address', problem);
    }
    if (errors.count > 0 || !checked.success) continue;
    const tag = checked.data;
    if (existing === undefined) changes.push({ row: rowNumber, deviceId, tag, kind: 'create' });
    else if (existing.deviceId !== deviceId || canonicalTag(existing.tag) !== canonicalTag(tag)) changes.push({ row: rowNumber, deviceId, tag, kind: 'update', ...(origin === undefined ? {} : { origin }) });
    else report.unchanged++;
  }
  options.onProgress?.({ done: total, total, message: `checked ${total} rows` });
  const deleted = expansion.tags.filter((t) => !seen.has(t.tag.id));
  if (report.errors.length > 0) {
    fillPreview(report, changes, deleted.map((t) => t.tag.id));
    report.errors.sort((a, b) => a.row - b.row);
    return report;
  }
  await yieldNow();
  checkAborted(options.signal);

  // Profile tags: through applyTagChanges (edits become overrides, deletes exclusions).
  const profileUpserts = changes.filter((c) => c.origin !== undefined).map((c) => ({ deviceId: c.deviceId, tag: c.tag }));
  const profileDeletes = deleted.filter((t) => t.origin !== undefined).map((t) => t.tag.id);
  let merged = project;
  if (profileUpserts.length > 0 || profileDeletes.length > 0) {
    const result = applyTagChanges(project, { upserts: profileUpserts, deletes: profileDeletes });
    if (!result.ok) {
      report.issues.push(...result.issues);
      fillPreview(report, changes, deleted.map((t) => t.tag.id));
      moveLocated(report, project);
      return report;
    }
    merged = result.project;
  }
  // Own tags: replaced in place, moved, appended or removed here in one pass (linear in the tag count).
  const ownChanges = new Map(changes.filter((c) => c.origin === undefined).map((c) => [c.tag.id, c]));
  const ownDeletes = new Set(deleted.filter((t) => t.origin === undefined).map((t) => t.tag.id));
  const appended = new Map<string, Tag[]>();
  for (const c of ownChanges.values()) {
    const from = current.get(c.tag.id);
    if (from === undefined || from.deviceId !== c.deviceId) appended.set(c.deviceId, [...(appended.get(c.deviceId) ?? []), c.tag]);
  }
  merged = {
    ...merged,
    devices: merged.devices.map((d) => {
      const tags: Tag[] = [];
      for (const t of d.tags) {
        if (ownDeletes.has(t.id)) continue;
        const change = ownChanges.get(t.id);
        if (change === undefined) tags.push(t);
        else if (change.deviceId === d.id) tags.push(change.tag);
      }
      tags.push(...(appended.get(d.id) ?? []));
      return { ...d, tags };
    }),
  };

  // The merged project must be a valid project whose expansion gives exactly the rows.
  const schema = ProjectSchema.safeParse(merged);
  if (!schema.success) report.issues.push(...zodIssues(schema.error));
  options.onProgress?.({ done: total, total, message: 'checking the merged project' });
  await yieldNow();
  checkAborted(options.signal);
  const after = expandProject(merged);
  report.issues.push(...after.issues);
  const afterTags = new Map(after.tags.map((t) => [t.tag.id, t]));
  const generatedIds = new Set(after.origins.keys());
  for (const c of changes) {
    const got = afterTags.get(c.tag.id);
    if (c.origin === undefined && generatedIds.has(c.tag.id) && got?.origin !== undefined) {
      report.errors.push({ row: c.row, column: 'id', message: `tag id "${c.tag.id}" is also generated by profile "${got.origin.profile}" on device "${got.origin.deviceId}"; choose another id` });
      continue;
    }
    if (got === undefined || c.origin === undefined) continue;
    const field = firstDifference(c.tag, got.tag);
    if (field !== undefined) {
      report.errors.push({
        row: c.row,
        column: FIELD_COLUMN[field],
        message: `tag "${c.tag.id}" comes from profile "${c.origin.profile}" (point "${c.origin.point}"), which sets ${field}; an instance can override it with another value but not clear it; enter a value, or change the profile`,
      });
    }
  }
  fillPreview(report, changes, deleted.map((t) => t.tag.id));
  moveLocated(report, merged);
  if (report.errors.length === 0 && report.issues.length === 0) report.project = schema.success ? (merged as Project) : undefined;
  return report;
}

/** Project-level issues that belong to a row become that row's errors; errors in row order. */
function moveLocated(report: TagsImport, merged: Project): void {
  if (report.issues.length > 0) {
    const located = locateIssues(merged, report.tagRows, report.issues);
    report.errors.push(...located.errors);
    report.issues = located.issues;
  }
  report.errors.sort((a, b) => a.row - b.row);
}

/**
 * Maps `path: message` issues of the merged project (the import's own checks, the driver
 * validation of the CLI or the host's apply) back to the CSV row and column that produced
 * the tag or field: `devices[6].tags[0].timestamp.format` is the row of that tag, column
 * timestamp.format; `devices[i].profiles[k].points.<point>` / `.overrides.<point>` the row of
 * the tag the instance generates from that point. The path stays in the message. Issues of
 * no row (a device's settings, the site) stay issues.
 */
export function locateIssues(merged: Project, tagRows: ReadonlyMap<string, number>, issues: readonly ValidationIssue[]): { errors: CsvIssue[]; issues: ValidationIssue[] } {
  const errors: CsvIssue[] = [];
  const rest: ValidationIssue[] = [];
  let generated: Map<string, string> | undefined;
  const generatedId = (d: number, instance: number, point: string): string | undefined => {
    if (generated === undefined) {
      generated = new Map();
      const deviceIndex = new Map(merged.devices.map((device, i) => [device.id, i]));
      for (const [tagId, origin] of expandProject(merged).origins) generated.set(`${deviceIndex.get(origin.deviceId)}\u0000${origin.instance}\u0000${origin.point}`, tagId);
    }
    return generated.get(`${d}\u0000${instance}\u0000${point}`);
  };
  for (const issue of issues) {
    let tagId: string | undefined;
    let field: string[] = [];
    const own = /^devices\[(\d+)\]\.tags\[(\d+)\](?:\.(.+))?$/.exec(issue.path);
    const fromProfile = /^devices\[(\d+)\]\.profiles\[(\d+)\]\.(?:points|overrides)\.([^.]+)(?:\.(.+))?$/.exec(issue.path);
    const change = /^(?:changes\[\d+\]|deletes) \(tag "(.+)"\)$/.exec(issue.path);
    if (own !== null) {
      tagId = merged.devices[Number(own[1])]?.tags[Number(own[2])]?.id;
      field = own[3]?.split('.') ?? [];
    } else if (fromProfile !== null) {
      tagId = generatedId(Number(fromProfile[1]), Number(fromProfile[2]), fromProfile[3] as string);
      field = fromProfile[4]?.split('.') ?? [];
    } else if (change !== null) {
      tagId = change[1];
      field = ['device'];
    }
    const row = tagId === undefined ? undefined : tagRows.get(tagId);
    if (row === undefined) {
      rest.push(issue);
      continue;
    }
    errors.push({ row, column: field.length === 0 ? '(row)' : columnOf(field), message: `${issue.message} (in the project: ${issue.path})` });
  }
  return { errors, issues: rest };
}

/** Zod issues as `path: message` in words (the structural check of the merged project). */
function zodIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: zodWords(issue) }));
}

const ZOD_DEFAULT = /^(Too small|Too big|Invalid|Unrecognized key)/;

/** A zod issue in words for people who edit a spreadsheet; a message the schema wrote itself is kept. */
export function zodWords(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field ${issue.keys.join(', ')}`;
  if (!ZOD_DEFAULT.test(issue.message)) return issue.message;
  switch (issue.code) {
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return min <= 1 ? 'must not be empty' : `must have at least ${min} characters`;
      if (issue.origin === 'array' || issue.origin === 'set') return min <= 1 ? 'must not be an empty list' : `needs at least ${min} entries`;
      return issue.inclusive === false ? `must be more than ${min}` : `must be at least ${min}`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return `must have at most ${max} characters; shorten it`;
      if (issue.origin === 'array' || issue.origin === 'set') return `may have at most ${max} entries`;
      return issue.inclusive === false ? `must be less than ${max}` : `must be at most ${max}`;
    }
    case 'invalid_type': {
      if (/received undefined$/.test(issue.message)) return 'is missing; fill in the cell';
      const expected: Record<string, string> = { number: 'a number', int: 'a whole number', string: 'text', boolean: 'true or false', array: 'a list', object: 'an object' };
      return `must be ${expected[issue.expected] ?? issue.expected}`;
    }
    case 'invalid_value':
      return issue.values.length === 1 ? `must be ${String(issue.values[0])}` : `must be one of ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      return 'pattern' in issue && typeof issue.pattern === 'string' ? `is not in the expected form (${issue.pattern})` : `is not a valid ${issue.format}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_union':
      return 'is not one of the allowed forms of this field';
    default:
      return 'is not valid here';
  }
}

function fillPreview(report: TagsImport, changes: RowChange[], deletes: string[]): void {
  report.creates = changes.filter((c) => c.kind === 'create').map((c) => c.tag.id);
  report.updates = changes.filter((c) => c.kind === 'update').map((c) => c.tag.id);
  report.deletes = deletes;
}

/** `row N, column X: message`, one line per error, as the CLI prints them; `row N: message` for the row as a whole. */
export function formatCsvIssue(issue: CsvIssue): string {
  return issue.column === '(row)' ? `row ${issue.row}: ${issue.message}` : `row ${issue.row}, column ${issue.column}: ${issue.message}`;
}
