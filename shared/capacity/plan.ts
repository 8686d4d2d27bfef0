/**
 * The capacity planner: from the project's tags (rates, types, classification) and the
 * measured compression ratios, what the history will cost on disk and upstream.
 *
 * Deterministic: the same project, tags and budget give the same plan (no clock, no I/O),
 * so a real run's `db stats` can be compared with it. The model, in docs/capacity.md:
 * - readings/day per tag = 86,400,000 / interval (on-change tags: see `rateOf`);
 * - raw bytes/day R = Σ readings × bytes per reading of the tag's signal class (ratios.ts)
 *   × (1 + PAGE_OVERHEAD);
 * - rollup bytes/day U = tags × (1440 + 24) rows × ROLLUP_ROW_BYTES;
 * - bytesPerDay = R + U; hotBytes = a HOT_WINDOW_MS share of the readings at HOT_BYTES_PER_READING;
 * - horizon (raw days the budget B holds once full, rollups kept their own retention K):
 *   (B − hot − U·K) / R; when the rollups alone do not fit, both share the budget: (B − hot) / (R + U);
 *   a warning when the horizon is shorter than the age limit, with the day pruning starts.
 */
import type { TagInfo } from '../api/types.js';
import type { CapacityPlan } from '../history/types.js';
import { expandProject } from '../mapping/profiles.js';
import type { Project, Tag } from '../project.js';
import {
  BYTES_PER_READING,
  HOT_BYTES_PER_READING,
  HOT_WINDOW_MS,
  ON_CHANGE_DEFAULT_MS,
  PAGE_OVERHEAD,
  ROLLUP_ROW_BYTES,
  ROLLUP_ROWS_PER_TAG_DAY,
  SPARKPLUG_MESSAGE_BYTES,
  SPARKPLUG_METRIC_BYTES,
  type SignalClass,
} from './ratios.js';
import { formatCount, formatDays, formatSize } from '../format/units.js';

export interface CapacityInput {
  project: Project;
  /** The compiled tags (profile tags expanded), as `tags:list` returns them. */
  tags: readonly TagInfo[];
  /** Disk budget in bytes; default: the project's store.retention.maxSizeMiB. */
  budgetBytes?: number;
}

const DAY_MS = 86_400_000;
const MIB = 1024 * 1024;

/**
 * The tag's signal class from its data type (the mapping is in ratios.ts): the declared
 * dataType first, else the type its address decodes to (`float32`, `int16`, a bit, a
 * coil...), else analog. A scaled integer stores floats from few distinct counts: `scaled`.
 */
export function signalClassOf(tag: Pick<Tag, 'address' | 'dataType' | 'scaling'> | undefined): SignalClass {
  if (tag === undefined) return 'analog';
  if (tag.dataType === 'boolean') return 'boolean';
  if (tag.dataType === 'string') return 'text';
  if (tag.dataType === 'number') return 'analog';
  const address = tag.address.toLowerCase();
  const scaled = tag.scaling.kind !== 'none';
  if (/string/.test(address)) return 'text';
  if (/(^|:)(bool|bit)\b|^(coil|co|di|discrete|bi|bo|bv|binary)[:-]|^[a-z]+:\d+\.\d+$/.test(address)) return scaled ? 'scaled' : 'boolean';
  if (/float|real|double/.test(address)) return 'analog';
  if (tag.dataType === 'integer' || /(^|:)u?int\d*\b|^(hr|ir|holding|input)[:-]\d+$/.test(address)) return scaled ? 'scaled' : 'counter';
  return 'analog';
}

interface TagRate {
  info: TagInfo;
  cls: SignalClass;
  readingsPerDay: number;
  leavesSite: boolean;
}

/** Readings a day: one per poll; on-change tags at most one per interval (an upper bound), else ON_CHANGE_DEFAULT_MS. */
function rateOf(info: TagInfo): number {
  if (info.intervalMs > 0) return DAY_MS / info.intervalMs;
  return DAY_MS / ON_CHANGE_DEFAULT_MS;
}

export function planCapacity(input: CapacityInput): CapacityPlan {
  const { project } = input;
  const assumptions: string[] = [];
  const definitions = new Map<string, Tag>(expandProject(project).tags.map((t) => [t.tag.id, t.tag]));
  const disabled = new Set(project.devices.filter((d) => !d.enabled).map((d) => d.id));
  const tags: TagRate[] = input.tags.map((info) => {
    const tag = definitions.get(info.tagId);
    return { info, cls: signalClassOf(tag), readingsPerDay: rateOf(info), leavesSite: tag?.classification.leavesSite ?? false };
  });
  const idle = tags.filter((t) => disabled.has(t.info.deviceId)).length;
  if (idle > 0) assumptions.push(`${idle} tag(s) of ${disabled.size} disabled device(s) are counted as if enabled (a disabled device records nothing).`);

  const onChange = tags.filter((t) => t.info.reportsOnChange);
  if (onChange.length > 0) {
    const withInterval = onChange.filter((t) => t.info.intervalMs > 0).length;
    const parts = [];
    if (withInterval > 0) parts.push(`${withInterval} at one change per poll or publishing interval (an upper bound)`);
    if (withInterval < onChange.length) parts.push(`${onChange.length - withInterval} at one change per ${ON_CHANGE_DEFAULT_MS / 1000} s`);
    assumptions.push(`${onChange.length} tag(s) report on change (deadband, subscription, MQTT or COV); their real rate is unknown, assumed ${parts.join(' and ')}.`);
  }

  const rawPerReading = (cls: SignalClass) => BYTES_PER_READING[cls].bytesPerReading * (1 + PAGE_OVERHEAD);
  const rawBytesOf = (t: TagRate) => t.readingsPerDay * rawPerReading(t.cls);
  const rollupPerTag = ROLLUP_ROWS_PER_TAG_DAY * ROLLUP_ROW_BYTES;

  const readingsPerDay = sum(tags.map((t) => t.readingsPerDay));
  const rawBytesPerDay = sum(tags.map(rawBytesOf));
  const rollupBytesPerDay = tags.length * rollupPerTag;
  const bytesPerDay = rawBytesPerDay + rollupBytesPerDay;
  const hotBytes = readingsPerDay * (Math.min(HOT_WINDOW_MS, DAY_MS) / DAY_MS) * HOT_BYTES_PER_READING;

  const classes = (Object.keys(BYTES_PER_READING) as SignalClass[]).filter((cls) => tags.some((t) => t.cls === cls));
  assumptions.push(
    `Bytes per reading once compacted: ${classes.map((cls) => `${cls} ${BYTES_PER_READING[cls].bytesPerReading} B (${tags.filter((t) => t.cls === cls).length} tags)`).join(', ') || 'no tags'}, plus ${Math.round(PAGE_OVERHEAD * 100)} % SQLite page overhead (per-class figures from npm run bench -- codec; the worst benched signal of each class).`,
  );
  const placeholders = classes.filter((cls) => !BYTES_PER_READING[cls].measured);
  if (placeholders.length > 0) assumptions.push(`The figures for ${placeholders.join(', ')} are estimates, not benched.`);
  assumptions.push(`Rollups: 1 min and 1 h rows (${formatCount(ROLLUP_ROWS_PER_TAG_DAY)} a day per tag) of about ${ROLLUP_ROW_BYTES} B each: ${formatSize(rollupPerTag)} per tag a day.`);
  assumptions.push(`Before compaction, up to ${HOT_WINDOW_MS / 60_000} min of readings sit in the hot table at ${HOT_BYTES_PER_READING} B each (${formatSize(hotBytes)}).`);

  // Horizon.
  const retention = project.store.retention as typeof project.store.retention & { rollupMaxAgeDays?: number };
  const maxAgeDays = retention.maxAgeDays;
  const ageLimit = `${Number.isInteger(maxAgeDays) ? formatCount(maxAgeDays) : String(Number(maxAgeDays.toPrecision(2)))}-day age limit`;
  let rollupDays = retention.rollupMaxAgeDays;
  if (rollupDays === undefined) {
    rollupDays = Math.max(365, 10 * maxAgeDays);
    assumptions.push(`Rollups are kept ${formatDays(rollupDays)} (10 × the ${ageLimit}, at least 365 days; the project sets no rollup retention).`);
  }
  const budgetBytes = input.budgetBytes ?? retention.maxSizeMiB * MIB;
  if (input.budgetBytes === undefined) assumptions.push(`Budget: the project's store limit of ${formatCount(retention.maxSizeMiB)} MiB (${formatSize(budgetBytes)}).`);
  let horizonDays: number | undefined;
  if (rawBytesPerDay > 0) {
    const room = Math.max(0, budgetBytes - hotBytes);
    const rollupRoom = rollupBytesPerDay * rollupDays;
    const rollupsFit = room > rollupRoom;
    // Rollups keep their own retention beside the raw history; when they cannot, both are pruned oldest first together.
    horizonDays = rollupsFit ? (room - rollupRoom) / rawBytesPerDay : room / bytesPerDay;
    const firstPruneDay = room / bytesPerDay;
    if (horizonDays < maxAgeDays) {
      assumptions.push(
        `Warning: the ${ageLimit} needs ${formatSize(hotBytes + rawBytesPerDay * maxAgeDays + rollupRoom)} (with ${formatDays(rollupDays)} of rollups); the ${formatSize(budgetBytes)} budget holds ${formatDays(horizonDays)} of raw history: prune will start at day ${Math.floor(firstPruneDay)}.`,
      );
    } else {
      assumptions.push(`The ${ageLimit} fits the budget: age pruning, not the budget, limits the raw history (the budget alone would hold ${formatDays(horizonDays)}).`);
    }
    if (!rollupsFit) {
      const rawKept = Math.min(maxAgeDays, horizonDays);
      const rollupKept = Math.max(rawKept, (room - rawBytesPerDay * rawKept) / rollupBytesPerDay);
      assumptions.push(
        `The rollups' ${formatDays(rollupDays)} retention needs ${formatSize(rollupRoom)}, more than the budget holds beside the raw history: the budget prunes rollups too, oldest first; about ${formatDays(rollupKept)} of rollups fit beside ${formatDays(rawKept)} of raw history.`,
      );
    }
  }

  // Egress.
  const leaving = tags.filter((t) => t.leavesSite);
  const commitMs = project.store.commitIntervalMs;
  const messagesPerDevicePerDay = DAY_MS / commitMs;
  const egressReadings = sum(leaving.map((t) => t.readingsPerDay));
  const egressDevices = groupBy(leaving, (t) => t.info.deviceId);
  const egressBytes = sum(
    [...egressDevices.values()].map((group) => {
      const readings = sum(group.map((t) => t.readingsPerDay));
      return readings * SPARKPLUG_METRIC_BYTES + Math.min(messagesPerDevicePerDay, readings) * SPARKPLUG_MESSAGE_BYTES;
    }),
  );
  assumptions.push(
    leaving.length === 0
      ? 'Egress: no tag is classified leavesSite, so nothing leaves the site.'
      : `Egress: ${leaving.length} tag(s) classified leavesSite, sent as Sparkplug B NDATA over MQTT with aliases: ${SPARKPLUG_METRIC_BYTES} B a metric plus ${SPARKPLUG_MESSAGE_BYTES} B a message (MQTT, topic, TCP/IP and TLS), one message per device every ${formatCount(commitMs)} ms; no store-and-forward backlog.`,
  );

  const devices = project.devices.map((device) => {
    const own = tags.filter((t) => t.info.deviceId === device.id);
    return {
      deviceId: device.id,
      name: device.name,
      tags: own.length,
      readingsPerDay: sum(own.map((t) => t.readingsPerDay)),
      bytesPerDay: sum(own.map(rawBytesOf)) + own.length * rollupPerTag,
    };
  });

  return {
    tags: tags.length,
    readingsPerDay,
    bytesPerDay,
    hotBytes,
    rollupBytesPerDay,
    bytesPerReading: readingsPerDay > 0 ? rawBytesPerDay / readingsPerDay : 0,
    budgetBytes,
    ...(horizonDays === undefined ? {} : { horizonDays }),
    egress: { tags: leaving.length, readingsPerDay: egressReadings, bytesPerDay: egressBytes, bitsPerSecond: (egressBytes * 8) / 86_400 },
    devices,
    assumptions,
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [item]);
    else group.push(item);
  }
  return groups;
}
