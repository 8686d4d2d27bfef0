import { z } from 'zod';

/**
 * The project document: one versioned JSON file holding devices, poll groups and tags.
 * This schema checks structure; the core adds the per-driver checks (settings, point
 * addresses) and reports both in the same `path: message` form.
 */
export const PROJECT_SCHEMA_VERSION = 1;

const id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 characters of letters, digits, ".", "_" or "-", starting with a letter or digit');

export const ScalingSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }).strict(),
  /** value = raw * factor + offset */
  z.object({ kind: z.literal('linear'), factor: z.number().finite(), offset: z.number().finite() }).strict(),
  /** Maps [rawLow, rawHigh] linearly onto [low, high] (e.g. 0..27648 onto 0..100 %). */
  z
    .object({
      kind: z.literal('range'),
      rawLow: z.number().finite(),
      rawHigh: z.number().finite(),
      low: z.number().finite(),
      high: z.number().finite(),
    })
    .strict()
    .refine((s) => s.rawHigh !== s.rawLow, { message: 'rawHigh must differ from rawLow', path: ['rawHigh'] }),
]);
export type Scaling = z.infer<typeof ScalingSchema>;

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
    /** Point address in the device's driver grammar, e.g. `hr:8:float32:cdab`. */
    address: z.string().min(1).max(200),
    pollGroup: id,
    /** Engineering unit shown next to the value, e.g. "°C", "bar", "m³/h". */
    unit: z.string().max(32).default(''),
    scaling: ScalingSchema.default({ kind: 'none' }),
    /** Decimals shown for the value (after scaling); left out, the UI picks them from the type and range. */
    decimals: z.number().int().min(0, 'must be 0 or more').max(9, 'must be at most 9').optional(),
  })
  .strict();
export type Tag = z.infer<typeof TagSchema>;

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
    tags: z.array(TagSchema),
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
      error: `must be ${PROJECT_SCHEMA_VERSION} (this SensorVault reads project schema version ${PROJECT_SCHEMA_VERSION})`,
    }),
    name: z.string().min(1).max(200),
    description: z.string().max(4000).optional(),
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
