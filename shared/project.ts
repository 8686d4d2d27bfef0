import { z } from 'zod';
import { normalizeUnit } from './mapping/units.js';

/**
 * The project document: one versioned JSON file holding devices, poll groups and tags.
 * This schema checks structure; the core adds the per-driver checks (settings, point
 * addresses) and reports both in the same `path: message` form.
 */
export const PROJECT_SCHEMA_VERSION = 2;

const id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 characters of letters, digits, ".", "_" or "-", starting with a letter or digit');

const finite = z.number().finite();

/** A unit as typed (code, symbol, UN/ECE code or `{label}`), stored as its UCUM code. */
const unit = z
  .string()
  .max(40)
  .transform((text, ctx) => {
    const result = normalizeUnit(text);
    if (result.ok) return result.code;
    ctx.addIssue({ code: 'custom', message: result.message });
    return z.NEVER;
  });

/**
 * Scaling turns the decoded raw value into engineering units. All kinds are data, so a
 * profile or a CSV row carries them unchanged.
 */
export const ScalingSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }).strict(),
  /** value = raw * factor + offset */
  z.object({ kind: z.literal('linear'), factor: finite, offset: finite }).strict(),
  /** Maps [rawLow, rawHigh] linearly onto [low, high] (e.g. 0..27648 onto 0..100 %). */
  z
    .object({ kind: z.literal('range'), rawLow: finite, rawHigh: finite, low: finite, high: finite })
    .strict()
    .refine((s) => s.rawHigh !== s.rawLow, { message: 'rawHigh must differ from rawLow', path: ['rawHigh'] }),
  /** The line through two calibration points (raw1 → eng1, raw2 → eng2); extrapolates beyond them. */
  z
    .object({ kind: z.literal('two-point'), raw1: finite, eng1: finite, raw2: finite, eng2: finite })
    .strict()
    .refine((s) => s.raw1 !== s.raw2, { message: 'raw2 must differ from raw1', path: ['raw2'] }),
  /**
   * Square-root extraction (flow from differential pressure): value = low + (high - low) *
   * sqrt((raw - rawLow) / (rawHigh - rawLow)); below `cutoffPercent` of the raw span the value is `low`.
   */
  z
    .object({
      kind: z.literal('sqrt'),
      rawLow: finite,
      rawHigh: finite,
      low: finite,
      high: finite,
      cutoffPercent: z.number().min(0).max(100).default(0),
    })
    .strict()
    .refine((s) => s.rawHigh !== s.rawLow, { message: 'rawHigh must differ from rawLow', path: ['rawHigh'] }),
  /** Limits the raw value to [low, high] without converting it. */
  z
    .object({ kind: z.literal('clamp'), low: finite, high: finite })
    .strict()
    .refine((s) => s.high >= s.low, { message: 'high must be at least low', path: ['high'] }),
  /**
   * A 4–20 mA loop read as raw counts: `rawAt4mA` and `rawAt20mA` are the counts the input
   * card gives at 4 and 20 mA; [low, high] is the engineering range at 4 and 20 mA. The
   * NAMUR NE43 fault bands apply (see electron/core/normalizer/README.md).
   */
  z
    .object({ kind: z.literal('ma4-20'), rawAt4mA: finite, rawAt20mA: finite, low: finite, high: finite })
    .strict()
    .refine((s) => s.rawAt20mA !== s.rawAt4mA, { message: 'rawAt20mA must differ from rawAt4mA', path: ['rawAt20mA'] }),
]);
export type Scaling = z.infer<typeof ScalingSchema>;
export type ScalingKind = Scaling['kind'];

/**
 * An ISA-95 asset path: enterprise/site/area/line/cell/equipment, 1 to 6 levels joined by
 * "/". Each level is safe as a Unified Namespace topic level: no "+", "#", "/" or control
 * characters, and no leading or trailing spaces.
 */
export const ASSET_LEVELS = ['enterprise', 'site', 'area', 'line', 'cell', 'equipment'] as const;
const unsafeLevel = /[+#/\u0000-\u001f\u007f]/;
export const AssetPathSchema = z
  .string()
  .max(400)
  .superRefine((value, ctx) => {
    const levels = value.split('/');
    if (levels.length > ASSET_LEVELS.length) {
      ctx.addIssue({ code: 'custom', message: `has ${levels.length} levels; ISA-95 allows at most ${ASSET_LEVELS.length} (${ASSET_LEVELS.join('/')})` });
      return;
    }
    levels.forEach((level, i) => {
      const name = ASSET_LEVELS[i] ?? 'level';
      if (level.length === 0) ctx.addIssue({ code: 'custom', message: `the ${name} level (${i + 1}) is empty` });
      else if (level.length > 64) ctx.addIssue({ code: 'custom', message: `the ${name} level (${i + 1}) is longer than 64 characters` });
      else if (unsafeLevel.test(level)) ctx.addIssue({ code: 'custom', message: `the ${name} level "${level}" contains "+", "#", "/" or a control character, which a Unified Namespace topic cannot carry` });
      else if (level.trim() !== level) ctx.addIssue({ code: 'custom', message: `the ${name} level "${level}" starts or ends with a space` });
    });
  });

/** Deadband: a new value is reported only when it moved at least this far from the last reported one. */
export const DeadbandSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('absolute'), value: z.number().finite().min(0, 'must be 0 or more') }).strict(),
  /** Percent of the engineering span (from the scaling), or of the last reported value when the scaling has none. */
  z.object({ kind: z.literal('percent'), value: z.number().finite().min(0, 'must be 0 or more').max(100, 'must be at most 100') }).strict(),
]);
export type Deadband = z.infer<typeof DeadbandSchema>;

export const DstPolicySchema = z.enum(['earlier', 'later', 'reject']);
export type DstPolicy = z.infer<typeof DstPolicySchema>;

/**
 * Where a tag's timestamp comes from. The reading always keeps the receive time as well.
 * - receive: the time SensorVault received the value;
 * - device: the protocol's source time (OPC UA SourceTimestamp, a BACnet COV time, an MQTT
 *   payload time); the receive time when the protocol gives none (the default);
 * - point: another point of the same device (registers next to the value, a JSON field, a
 *   BACnet date-time), in the device's address grammar, decoded with a named format of the
 *   timestamp catalogue (`sensorvault time formats`).
 */
export const TimestampRuleSchema = z.discriminatedUnion('source', [
  z.object({ source: z.literal('receive') }).strict(),
  z.object({ source: z.literal('device') }).strict(),
  z
    .object({
      source: z.literal('point'),
      address: z.string().min(1).max(200),
      format: z.string().min(1).max(64),
      /** IANA zone for local-time formats; the site's zone when left out. */
      timeZone: z.string().min(1).max(64).optional(),
      /** What a local time in a DST gap or overlap becomes. */
      dst: DstPolicySchema.default('earlier'),
      /** Two-digit years below the pivot are 20yy, others 19yy. */
      pivotYear: z.number().int().min(0).max(99).default(70),
    })
    .strict(),
]);
export type TimestampRule = z.infer<typeof TimestampRuleSchema>;

/** Quality rules applied after scaling: a plausible range, and sentinel values a device uses for "fault". */
export const QualityRulesSchema = z
  .object({
    range: z
      .object({ low: finite, high: finite, outside: z.enum(['uncertain', 'bad']).default('uncertain') })
      .strict()
      .refine((r) => r.high >= r.low, { message: 'high must be at least low', path: ['high'] })
      .optional(),
    /** Raw values (before scaling) that mean a fault, e.g. -32768 or 0x7FFF from an input card. */
    sentinels: z
      .array(z.object({ raw: finite, quality: z.enum(['uncertain', 'bad']).default('bad'), reason: z.string().min(1).max(200) }).strict())
      .max(32)
      .optional(),
  })
  .strict();
export type QualityRules = z.infer<typeof QualityRulesSchema>;

/** Data classification; `leavesSite` is what the egress policy and the IT review report read. */
export const CLASSIFICATION_LEVELS = ['public', 'internal', 'confidential', 'restricted'] as const;
export const ClassificationSchema = z
  .object({ level: z.enum(CLASSIFICATION_LEVELS).default('internal'), leavesSite: z.boolean().default(false) })
  .strict();
export type Classification = z.infer<typeof ClassificationSchema>;

export const TAG_DATA_TYPES = ['number', 'integer', 'boolean', 'string'] as const;

export const PollGroupSchema = z
  .object({
    id,
    /** Poll interval in milliseconds. */
    intervalMs: z.number().int().min(10, 'must be at least 10 ms').max(86_400_000, 'must be at most 24 h'),
  })
  .strict();
export type PollGroup = z.infer<typeof PollGroupSchema>;

export const TagSchema = z
  .object({
    id,
    name: z.string().min(1).max(200),
    description: z.string().max(2000).optional(),
    /** ISA-95 location of the measured thing, e.g. `acme/plant-1/utilities/boiler-house/b1/FT-101`. */
    assetPath: AssetPathSchema.optional(),
    /** Point address in the device's driver grammar, e.g. `hr:8:float32:cdab`. */
    address: z.string().min(1).max(200),
    pollGroup: id,
    /** Engineering unit as a UCUM code (`Cel`, `bar`, `m3/h`); shared/mapping/units.ts gives symbols and UNECE codes. */
    unit: unit.default(''),
    /** Engineering data type after scaling; left out, it follows the address's decoded type. */
    dataType: z.enum(TAG_DATA_TYPES).optional(),
    scaling: ScalingSchema.default({ kind: 'none' }),
    deadband: DeadbandSchema.optional(),
    timestamp: TimestampRuleSchema.default({ source: 'device' }),
    quality: QualityRulesSchema.optional(),
    classification: ClassificationSchema.default({ level: 'internal', leavesSite: false }),
    /** Decimals shown for the value (after scaling); left out, the UI picks them from the type and range. */
    decimals: z.number().int().min(0, 'must be 0 or more').max(9, 'must be at most 9').optional(),
  })
  .strict();
export type Tag = z.infer<typeof TagSchema>;
export type TagInput = z.input<typeof TagSchema>;

/**
 * A device profile: one equipment model's points, written once and instantiated on many
 * devices. Point addresses are templates in the driver's grammar with placeholders:
 * `{name}` is a parameter, `{offset+100}` is parameter `offset` plus 100 (for register
 * numbers). Names are relative to the device (the instance prefixes the device name).
 */
export const ProfileParameterSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,31}$/, 'must be a placeholder name: letters, digits and "_"'),
    description: z.string().max(400).default(''),
    default: z.union([z.string().max(200), z.number().finite()]).optional(),
  })
  .strict();

export const ProfilePointSchema = z
  .object({
    /** Relative id: the tag id is `<instance prefix>.<id>`. */
    id,
    name: z.string().min(1).max(200),
    description: z.string().max(2000).optional(),
    /** Address template, e.g. `hr:{offset+3000}:float32:cdab`. */
    address: z.string().min(1).max(200),
    /** Relative asset path below the instance's asset path (e.g. `motor`). */
    assetPath: z.string().max(200).optional(),
    /** Poll group id on the device; the instance's default group when left out. */
    pollGroup: id.optional(),
    unit: unit.default(''),
    dataType: z.enum(TAG_DATA_TYPES).optional(),
    scaling: ScalingSchema.default({ kind: 'none' }),
    deadband: DeadbandSchema.optional(),
    timestamp: TimestampRuleSchema.default({ source: 'device' }),
    quality: QualityRulesSchema.optional(),
    classification: ClassificationSchema.default({ level: 'internal', leavesSite: false }),
    decimals: z.number().int().min(0).max(9).optional(),
  })
  .strict();
export type ProfilePoint = z.infer<typeof ProfilePointSchema>;

export const ProfileSchema = z
  .object({
    id,
    name: z.string().min(1).max(200),
    vendor: z.string().min(1).max(200),
    model: z.string().min(1).max(200),
    description: z.string().max(4000).default(''),
    /** The public document the point list was written from. */
    source: z.object({ document: z.string().min(1).max(400), url: z.string().max(400).optional(), revision: z.string().max(100).optional() }).strict(),
    /** Driver ids the addresses are written for (e.g. both Modbus drivers). */
    drivers: z.array(z.string().regex(/^[a-z][a-z0-9-]*$/)).min(1),
    /** Profile revision; an instance records the one it was applied from. */
    version: z.number().int().min(1).default(1),
    parameters: z.array(ProfileParameterSchema).default([]),
    points: z.array(ProfilePointSchema).min(1, 'a profile needs at least one point'),
  })
  .strict();
export type Profile = z.infer<typeof ProfileSchema>;
export type ProfileInput = z.input<typeof ProfileSchema>;

/** Fields of a profile point that an instance may override; an override stays visible as such. */
export const PointOverrideSchema = z
  .object({
    // No defaults here: a field that is absent is not overridden.
    name: z.string().min(1).max(200).optional(),
    description: z.string().max(2000).optional(),
    address: z.string().min(1).max(200).optional(),
    assetPath: AssetPathSchema.optional(),
    pollGroup: id.optional(),
    unit: unit.optional(),
    dataType: z.enum(TAG_DATA_TYPES).optional(),
    scaling: ScalingSchema.optional(),
    deadband: DeadbandSchema.optional(),
    timestamp: TimestampRuleSchema.optional(),
    quality: QualityRulesSchema.optional(),
    classification: ClassificationSchema.optional(),
    decimals: z.number().int().min(0).max(9).optional(),
    /** The point gives no tag on this instance. */
    excluded: z.boolean().optional(),
  })
  .strict();
export type PointOverride = z.infer<typeof PointOverrideSchema>;

export const ProfileInstanceSchema = z
  .object({
    /** Profile id in the project's `profiles` (applying a library profile copies it in). */
    profile: id,
    /** Tag ids are `<prefix>.<point id>`; the device id when left out. */
    prefix: id.optional(),
    /** Asset path the points' relative paths hang below. */
    assetPath: AssetPathSchema.optional(),
    /** Values for the profile's placeholders (`offset`, a unit id, ...). */
    params: z.record(z.string(), z.union([z.string(), z.number().finite()])).default({}),
    /** Per point id: the fields this instance sets differently from the profile. */
    overrides: z.record(z.string(), PointOverrideSchema).default({}),
  })
  .strict();
export type ProfileInstance = z.infer<typeof ProfileInstanceSchema>;

export const DeviceSchema = z
  .object({
    id,
    name: z.string().min(1).max(200),
    /** Registered driver id (kebab-case), e.g. `modbus-tcp`. */
    driver: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be a kebab-case driver id'),
    enabled: z.boolean().default(true),
    /** Driver settings; validated by the driver's own schema. */
    settings: z.record(z.string(), z.unknown()),
    pollGroups: z.array(PollGroupSchema).min(1, 'needs at least one poll group'),
    /** Where the device sits (ISA-95); tags without their own asset path are shown here. */
    assetPath: AssetPathSchema.optional(),
    tags: z.array(TagSchema),
    /** A source time further than this from the receive time shows as a clock-skew warning on the device. */
    clockSkewLimitMs: z.number().int().min(100, 'must be at least 100 ms').max(86_400_000, 'must be at most 24 h').default(5000),
    /** Profiles instantiated on this device; their points become tags at load (shared/mapping/profiles.ts). */
    profiles: z.array(ProfileInstanceSchema).default([]),
  })
  .strict();
export type Device = z.infer<typeof DeviceSchema>;

export const StoreSettingsSchema = z
  .object({
    /** How long readings are buffered before one transaction commits them. */
    commitIntervalMs: z.number().int().min(10).max(1000, 'must be at most 1000 ms').default(1000),
    retention: z
      .object({
        /** Readings older than this are pruned, oldest first. */
        maxAgeDays: z.number().positive().max(3650).default(30),
        /** Pruning keeps the stored readings under this many MiB, oldest first. */
        maxSizeMiB: z.number().positive().max(1_048_576).default(2048),
      })
      .strict()
      .default({ maxAgeDays: 30, maxSizeMiB: 2048 }),
  })
  .strict();
export type StoreSettings = z.infer<typeof StoreSettingsSchema>;

export const ProjectSchema = z
  .object({
    schemaVersion: z.literal(PROJECT_SCHEMA_VERSION, {
      error: `must be ${PROJECT_SCHEMA_VERSION} or older (this SensorVault reads project schema versions 1 to ${PROJECT_SCHEMA_VERSION}; a newer file needs a newer SensorVault)`,
    }),
    name: z.string().min(1).max(200),
    description: z.string().max(4000).optional(),
    site: z
      .object({
        name: z.string().max(200).optional(),
        /** IANA time zone of the site: local-time timestamp formats are read in it. */
        timeZone: z.string().min(1).max(64).default('UTC'),
      })
      .strict()
      .default({ timeZone: 'UTC' }),
    /** The project's own profiles and the library profiles applied in it (copied, so the file stands alone). */
    profiles: z.array(ProfileSchema).default([]),
    devices: z.array(DeviceSchema),
    store: StoreSettingsSchema.default({ commitIntervalMs: 1000, retention: { maxAgeDays: 30, maxSizeMiB: 2048 } }),
  })
  .strict()
  .superRefine((project, ctx) => {
    const deviceIds = new Set<string>();
    const tagIds = new Set<string>();
    project.devices.forEach((device, d) => {
      if (deviceIds.has(device.id)) {
        ctx.addIssue({ code: 'custom', path: ['devices', d, 'id'], message: `duplicate device id "${device.id}"` });
      }
      deviceIds.add(device.id);
      const groups = new Set<string>();
      device.pollGroups.forEach((group, g) => {
        if (groups.has(group.id)) {
          ctx.addIssue({ code: 'custom', path: ['devices', d, 'pollGroups', g, 'id'], message: `duplicate poll group id "${group.id}"` });
        }
        groups.add(group.id);
      });
      device.tags.forEach((tag, t) => {
        if (tagIds.has(tag.id)) {
          ctx.addIssue({ code: 'custom', path: ['devices', d, 'tags', t, 'id'], message: `duplicate tag id "${tag.id}" (tag ids are unique across the project)` });
        }
        tagIds.add(tag.id);
        if (!groups.has(tag.pollGroup)) {
          ctx.addIssue({ code: 'custom', path: ['devices', d, 'tags', t, 'pollGroup'], message: `unknown poll group "${tag.pollGroup}"; this device has: ${[...groups].join(', ')}` });
        }
      });
    });
  });
export type Project = z.infer<typeof ProjectSchema>;
export type ProjectInput = z.input<typeof ProjectSchema>;

/** One problem in a document: where (`devices[0].tags[3].address`) and what. */
export interface ValidationIssue {
  path: string;
  message: string;
}

/** Renders a zod path as `devices[0].tags[3].address`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}

/** Turns a zod error into issues, naming unknown keys one by one. */
export function issuesFromZod(error: z.ZodError, prefix: ReadonlyArray<PropertyKey> = []): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        issues.push({ path: formatPath([...prefix, ...issue.path, key]), message: 'unknown key' });
      }
    } else {
      issues.push({ path: formatPath([...prefix, ...issue.path]), message: issue.message });
    }
  }
  return issues;
}
