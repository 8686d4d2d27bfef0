import path from 'node:path';
import { parseArgs } from 'node:util';
import { planCapacity } from '../../../shared/capacity/plan.js';
import { SIZE_FORMS, formatBitRate, formatCount, formatDays, formatSize, parseSize } from '../../../shared/format/units.js';
import type { CapacityPlan } from '../../../shared/history/types.js';
import type { DriverRegistry } from '../../core/drivers/registry.js';
import { loadProjectFile } from '../../core/project/validate.js';
import { tagInfosOf } from '../../core/project/tag-info.js';
import { UsageError } from '../args.js';

export const capacityHelp = `Usage: sensorvault capacity --project <file> [--budget <size>] [--json]

The capacity planner: from the project's tags (rates and types) and the measured
compression ratios, the readings and disk per day, the days of raw history a disk
budget holds, and the upstream bandwidth of tags classified leavesSite. No device is
contacted. The model and its assumptions: docs/capacity.md.

  --project <file>  the project file
  --budget <size>   disk budget, e.g. ${SIZE_FORMS};
                    default: the project's store.retention.maxSizeMiB
  --json            print the plan as one JSON object on one line`;

export async function capacityCommand(argv: string[], registry: DriverRegistry, out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { project: { type: 'string' }, budget: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help === true) {
    out(capacityHelp);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`capacity takes no argument ("${positionals[0]}"); use --project <file>`);
  if (values.project === undefined) throw new UsageError('capacity needs --project <file> (sensorvault capacity --help)');
  let budgetBytes: number | undefined;
  if (values.budget !== undefined) {
    const size = parseSize(values.budget);
    if (!size.ok) throw new UsageError(`--budget: ${size.message}`);
    budgetBytes = size.bytes;
  }
  const compiled = await loadProjectFile(path.resolve(values.project), registry);
  const plan = planCapacity({ project: compiled.project, tags: tagInfosOf(compiled), ...(budgetBytes === undefined ? {} : { budgetBytes }) });
  if (values.json === true) out(JSON.stringify(plan));
  else for (const line of formatPlan(plan, compiled.project.name, compiled.project.store.retention.maxAgeDays)) out(line);
  return 0;
}

/** The printable plan: one figure a line with its unit, one line per device, then the assumptions. */
export function formatPlan(plan: CapacityPlan, projectName: string, maxAgeDays: number): string[] {
  const rows: [string, string][] = [
    ['Tags', formatCount(plan.tags)],
    ['Readings per day', formatCount(plan.readingsPerDay)],
    ['Disk per day', `${formatSize(plan.bytesPerDay)} (of which rollups ${formatSize(plan.rollupBytesPerDay)})`],
    ['Bytes per reading', `${plan.bytesPerReading.toFixed(2)} B (compacted, with page overhead)`],
    ['Hot table', `${formatSize(plan.hotBytes)} before compaction`],
  ];
  if (plan.budgetBytes !== undefined) rows.push(['Disk budget', formatSize(plan.budgetBytes)]);
  if (plan.horizonDays !== undefined) {
    const kept = maxAgeDays <= plan.horizonDays ? `${formatDays(maxAgeDays)} kept (the age limit prunes first)` : `${formatDays(maxAgeDays)} age limit (the budget prunes first)`;
    rows.push(['Raw history', `${formatDays(plan.horizonDays)} fit the budget; ${kept}`]);
  }
  rows.push(['Egress', plan.egress.tags === 0 ? 'none (no tag leaves the site)' : `${formatCount(plan.egress.tags)} tags, ${formatCount(plan.egress.readingsPerDay)} readings/day, ${formatSize(plan.egress.bytesPerDay)}/day, ${formatBitRate(plan.egress.bitsPerSecond)} average`]);
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = [`Capacity plan: ${projectName}`, ''];
  for (const [label, value] of rows) lines.push(`${label.padEnd(width)}  ${value}`);
  lines.push('');
  const table = [['device', 'tags', 'readings/day', 'disk/day'], ...plan.devices.map((d) => [`${d.name} (${d.deviceId})`, formatCount(d.tags), formatCount(d.readingsPerDay), formatSize(d.bytesPerDay)])];
  const widths = table[0]!.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
  for (const row of table) lines.push(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd());
  lines.push('', 'Assumptions:');
  for (const a of plan.assumptions) lines.push(`- ${a}`);
  return lines;
}
