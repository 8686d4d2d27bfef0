import { TIME_FORMATS } from './decode.js';
import { GPS_LEAP_SECONDS } from './leap.js';

/** docs/timestamp-formats.md, generated from the catalogue (`sensorvault time formats --markdown`). */
export function catalogueMarkdown(): string {
  const lines: string[] = [
    '# Timestamp formats',
    '',
    '<!-- Generated from shared/time/formats.ts: `node bin/sensorvault.js time formats --markdown > docs/timestamp-formats.md`. A test checks this file matches. -->',
    '',
    `SensorVault decodes device time in ${TIME_FORMATS.length} named formats. A tag's timestamp rule`,
    '(`timestamp: { source: "point", address, format }`) names one of them; on the command line:',
    '',
    '```',
    'sensorvault time formats',
    'sensorvault time decode --format <name> [--tz <IANA>] [--dst earlier|later|reject] [--pivot YY] <value>',
    'sensorvault time guess <sample> <sample>...   # ranks the formats that fit a few samples',
    '```',
    '',
    '- **Input**: `number` (integer or decimal; integers beyond 2^53 as text), `string`, or `bytes`:',
    '  the bytes in wire order as hex (`0x2603290230000001`), e.g. registers read high byte first.',
    '- **Output**: UTC ISO 8601 with as many fraction digits as the format resolves (ns formats: 9).',
    '  Digits beyond the resolution are cut. Decimal inputs are rounded to the resolution (halves away from zero).',
    '- **Local** formats carry no zone: they are read in the site\'s IANA zone (`--tz`, default UTC).',
    '  A DST gap (time that does not exist) or overlap (time that happens twice) follows the policy:',
    '  `earlier`, `later` or `reject` (the default of the CLI). In a gap, earlier moves the time back',
    '  by the gap length, later moves it forward (02:30 in a 02:00->03:00 gap becomes 01:30 or 03:30).',
    '- **Two-digit years** use the pivot (default 70: 70..99 -> 1970..1999, 00..69 -> 2000..2069),',
    '  except S7 DATE_AND_TIME (fixed 90) and RFC 2822 (fixed 50), which define their own.',
    '- **Time-of-day and duration** formats have no date: they decode to that time on 1970-01-01.',
    '- Test vectors: `test/fixtures/time/vectors.json`, computed by `scripts/time-vectors.py` from',
    '  each format\'s published definition with Python\'s standard library, independently of the decoders.',
    '',
    '## Leap seconds (GPS)',
    '',
    'GPS time does not insert leap seconds. GPS-UTC grew by one second at each UTC leap second:',
    '',
    '| from (UTC) | GPS-UTC |',
    '|---|---|',
    ...GPS_LEAP_SECONDS.map((l) => `| ${l.utc} | ${l.gpsMinusUtc} s |`),
    '',
    '## Formats',
    '',
    '| name | family | input | local | resolution |',
    '|---|---|---|---|---|',
    ...TIME_FORMATS.map((f) => `| [\`${f.name}\`](#${f.name}) | ${f.family} | ${f.input}${f.byteLength === undefined ? '' : ` (${f.byteLength} bytes)`} | ${f.local ? 'yes' : 'no'} | ${f.resolution.unit} |`),
    '',
  ];
  for (const f of TIME_FORMATS) {
    lines.push(
      `### ${f.name}`,
      '',
      `- **Family**: ${f.family} (${f.kind})`,
      `- **Input**: ${f.input}${f.byteLength === undefined ? '' : `, ${f.byteLength} bytes`}`,
      `- **Layout**: ${f.layout}`,
      `- **Epoch**: ${f.epoch}`,
      `- **Resolution**: ${f.resolution.unit}; prints ${f.resolution.variable === true ? `the fraction digits given (up to ${f.resolution.digits})` : `${f.resolution.digits} fraction digits`}`,
      `- **Local time**: ${f.local ? 'yes, read in the site zone with the DST policy' : 'no'}`,
      `- **Produced by**: ${f.producers.join('; ')}`,
      `- **Example**: \`sensorvault time decode --format ${f.name} ${f.example.value.includes(' ') || f.example.value.includes('#') ? `'${f.example.value}'` : f.example.value}\` -> \`${f.example.iso}\``,
      ...(f.notes === undefined ? [] : [`- **Notes**: ${f.notes}`]),
      '',
    );
  }
  return lines.join('\n');
}
