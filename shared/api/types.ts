import { z } from 'zod';
import { QualitySchema, ReadingSchema, ValueSchema } from '../reading.js';
import { ProfileSchema } from '../project.js';

/** Connection states owned by the supervisor; the UI shows them as they are. */
export const ConnectionStateSchema = z.enum(['connecting', 'connected', 'backing-off', 'disabled', 'stopped']);
export type ConnectionState = z.infer<typeof ConnectionStateSchema>;

export const DeviceStatusSchema = z
  .object({
    deviceId: z.string(),
    name: z.string(),
    driver: z.string(),
    /** Human-readable endpoint, e.g. `modbus-tcp://127.0.0.1:502?unit=1`. */
    endpoint: z.string(),
    state: ConnectionStateSchema,
    /** Last connection or poll error, in words. */
    lastError: z.string().optional(),
    /** When the next connection attempt is due (UTC ms), while backing off. */
    retryAt: z.number().optional(),
    /** Consecutive failed connection attempts. */
    attempts: z.number().int(),
    /** Since when the device has been in `state` (UTC ms). */
    since: z.number(),
    tagCount: z.number().int(),
    /** Requests sent and failed since the host started (poll-based drivers). */
    requests: z.number().int(),
    failures: z.number().int(),
    /**
     * Receive time minus the device's source time (median of the last readings that had one),
     * and the limit beyond which the device clock counts as skewed. Absent when no tag of the
     * device takes its time from the device.
     */
    clockSkew: z.object({ offsetMs: z.number(), limitMs: z.number().int(), at: z.number(), skewed: z.boolean() }).strict().optional(),
    /** Driver-specific figures, already in words with units (e.g. "Bus utilization": "42 % of 19,200 baud"). */
    details: z.array(z.object({ label: z.string(), value: z.string() }).strict()).optional(),
  })
  .strict();
export type DeviceStatus = z.infer<typeof DeviceStatusSchema>;

export const TagInfoSchema = z
  .object({
    tagId: z.string(),
    name: z.string(),
    deviceId: z.string(),
    address: z.string(),
    /** The unit as people read it (`°C`, `m³/h`). */
    unit: z.string(),
    /** The unit as stored: a UCUM code (`Cel`, `m3/h`) or a `{label}` annotation; empty when unitless. */
    unitCode: z.string(),
    /** ISA-95 asset path, when the tag has one. */
    assetPath: z.string().optional(),
    description: z.string().optional(),
    pollGroup: z.string(),
    intervalMs: z.number().int(),
    /** Decimals to show: the tag's own, else a default from its type and range; absent when neither says (format by magnitude). */
    decimals: z.number().int().min(0).max(9).optional(),
    /** True when silence means the value held (a deadband, subscriptions, COV, MQTT) rather than missing data. */
    reportsOnChange: z.boolean(),
    /** Whether a value can be written: the driver can write and the device's settings enable writes. */
    writes: z.enum(['enabled', 'disabled', 'unsupported']),
    /** Set when the tag comes from a profile instance: which one, and the fields the instance overrides. */
    origin: z.object({ profile: z.string(), instance: z.number().int(), point: z.string(), overridden: z.array(z.string()) }).strict().optional(),
  })
  .strict();
export type TagInfo = z.infer<typeof TagInfoSchema>;

export const HistoryPointSchema = z.tuple([z.number(), ValueSchema, QualitySchema]);
export type HistoryPoint = z.infer<typeof HistoryPointSchema>;

export const HistorySeriesSchema = z
  .object({
    tagId: z.string(),
    /** [ts (UTC ms), value, quality], oldest first. */
    points: z.array(HistoryPointSchema),
    /** True when the range held more than `limit` readings and the newest were kept. */
    truncated: z.boolean(),
    /** Status text of each point (why it is not good), present when some point has one. */
    statuses: z.array(z.string().nullable()).optional(),
    /** Receive time of each point (UTC ms), present when some reading's source time differs from it. */
    receiveTs: z.array(z.number()).optional(),
  })
  .strict();
export type HistorySeries = z.infer<typeof HistorySeriesSchema>;

export const DriverInfoSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    /** JSON Schema of the driver's settings, from which the UI builds its forms. */
    settingsSchema: z.record(z.string(), z.unknown()),
    /** One-line summary of the point syntax, e.g. `hr:<n>[:<type>[:<order>]]`. */
    addressSyntax: z.string(),
    /** What the driver can do beyond polling tags; the UI offers only these actions. */
    capabilities: z
      .object({
        /** Devices have an address space to browse (OPC UA nodes, BACnet objects, MQTT topics). */
        browse: z.boolean(),
        /** Devices can be found on the network (BACnet Who-Is, OPC UA GetEndpoints). */
        discover: z.boolean(),
        /** The driver keeps a server-certificate trust store (OPC UA). */
        certificates: z.boolean(),
        /** The driver can write values when a device enables writes. */
        write: z.boolean(),
      })
      .strict(),
  })
  .strict();
export type DriverInfo = z.infer<typeof DriverInfoSchema>;

export const SystemInfoSchema = z
  .object({
    version: z.string(),
    host: z.enum(['gateway', 'electron']),
    projectName: z.string(),
    dbPath: z.string(),
    /** Where project edits are saved; null when the host runs a project held in memory (the demo). */
    projectPath: z.string().nullable(),
    startedAt: z.number(),
  })
  .strict();
export type SystemInfo = z.infer<typeof SystemInfoSchema>;

export const StoreStatsSchema = z
  .object({
    readingsCommitted: z.number(),
    commits: z.number(),
    lastCommitAt: z.number().optional(),
    pendingReadings: z.number(),
    bytesUsed: z.number(),
    prunedReadings: z.number(),
  })
  .strict();
export type StoreStats = z.infer<typeof StoreStatsSchema>;

export const LiveBatchSchema = z.array(ReadingSchema);

export const BrowseNodeSchema = z
  .object({
    ref: z.string(),
    name: z.string(),
    kind: z.enum(['folder', 'object', 'point']),
    hasChildren: z.boolean(),
    address: z.string().optional(),
    attributes: z.record(z.string(), z.string()),
    suggestion: z
      .object({ name: z.string(), unit: z.string().optional(), description: z.string().optional(), low: z.number().optional(), high: z.number().optional() })
      .strict()
      .optional(),
  })
  .strict();
export type BrowseNode = z.infer<typeof BrowseNodeSchema>;

/** A node found by a recursive browse, with where it sits. */
export const BrowsedNodeSchema = BrowseNodeSchema.extend({ parent: z.string().nullable(), depth: z.number().int() }).strict();
export type BrowsedNode = z.infer<typeof BrowsedNodeSchema>;

export const DiscoveredDeviceSchema = z
  .object({
    title: z.string(),
    detail: z.string(),
    settings: z.record(z.string(), z.unknown()),
    attributes: z.record(z.string(), z.string()),
  })
  .strict();
export type DiscoveredDevice = z.infer<typeof DiscoveredDeviceSchema>;

export const OperationStateSchema = z.enum(['running', 'done', 'cancelled', 'failed']);

/** One decoding of the registers at a start address: a type in a word/byte order, scored by plausibility. */
export const ScanCandidateSchema = z
  .object({
    /** Point type as in an address, e.g. `float32`, `int16`, `uint32`, `float64`. */
    type: z.string(),
    /** Byte/word order as in an address: `ab`/`ba` for 16-bit, `abcd`/`cdab`/`badc`/`dcba` for 32-bit, 8 letters for 64-bit. */
    order: z.string(),
    /** The decoded value; 64-bit integers beyond 2^53 as decimal strings. */
    value: z.union([z.number(), z.string()]),
    /** 0..1, most plausible highest. */
    score: z.number(),
    /** Why it scored as it did, in words ("finite float in 1e-3..1e6", "counts up between reads"). */
    hints: z.array(z.string()),
    /** The point address that creates a tag with this type and order, e.g. `hr:8:float32:cdab`. */
    tagAddress: z.string(),
  })
  .strict();
export type ScanCandidate = z.infer<typeof ScanCandidateSchema>;

export const ScanStartSchema = z
  .object({
    /** The start register, e.g. `hr:8`. */
    address: z.string(),
    /** Ranked, most plausible first; implausible decodings are left out. */
    candidates: z.array(ScanCandidateSchema),
    /** Set when this value also appears one register off (a 0/1-based offset mistake), in words. */
    offsetHint: z.string().optional(),
  })
  .strict();
export type ScanStart = z.infer<typeof ScanStartSchema>;

export const ModbusScanSchema = z
  .object({
    deviceId: z.string(),
    from: z.string(),
    count: z.number().int(),
    /** The raw 16-bit words read, in register order. */
    words: z.array(z.number().int()),
    readAt: z.number(),
    starts: z.array(ScanStartSchema),
  })
  .strict();
export type ModbusScan = z.infer<typeof ModbusScanSchema>;

/** One problem in an imported CSV file: 1-based row (the header is row 1) and the column's header name. */
export const CsvIssueSchema = z.object({ row: z.number().int(), column: z.string(), message: z.string() }).strict();
export type CsvIssue = z.infer<typeof CsvIssueSchema>;

/** What a tags CSV import would change (or changed): tag ids per kind of change, or the errors that stop it. */
export const TagsImportReportSchema = z
  .object({
    rows: z.number().int(),
    creates: z.array(z.string()),
    updates: z.array(z.string()),
    deletes: z.array(z.string()),
    unchanged: z.number().int(),
    /** `row N, column X: message` problems; any of them means nothing was applied. */
    errors: z.array(CsvIssueSchema),
    /** Project-level issues after the rows were merged (e.g. a duplicate id across devices). */
    issues: z.array(z.object({ path: z.string(), message: z.string() }).strict()),
    applied: z.boolean(),
    savedTo: z.string().nullable(),
  })
  .strict();
export type TagsImportReport = z.infer<typeof TagsImportReportSchema>;

/** A profile of the library: shipped in resources/profiles or stored in the project. */
export const ProfileEntrySchema = z
  .object({
    profile: ProfileSchema,
    /** `library`: shipped with SensorVault; `project`: the project's own copy (it wins over a library profile of the same id). */
    source: z.enum(['library', 'project']),
    /** Devices of the running project that instantiate it. */
    instances: z.number().int(),
  })
  .strict();
export type ProfileEntry = z.infer<typeof ProfileEntrySchema>;

/** A long operation (recursive browse, discovery): progress and, once done, its result. */
export const OperationSchema = z
  .object({
    operationId: z.string(),
    kind: z.enum(['browse', 'discover', 'tags-import']),
    title: z.string(),
    state: OperationStateSchema,
    done: z.number().int(),
    total: z.number().int().optional(),
    message: z.string().optional(),
    error: z.string().optional(),
    startedAt: z.number(),
    result: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('browse'), nodes: z.array(BrowsedNodeSchema), truncated: z.boolean() }).strict(),
        z.object({ kind: z.literal('discover'), devices: z.array(DiscoveredDeviceSchema) }).strict(),
        z.object({ kind: z.literal('tags-import'), report: TagsImportReportSchema }).strict(),
      ])
      .optional(),
  })
  .strict();
export type Operation = z.infer<typeof OperationSchema>;

export const CertificateSchema = z
  .object({
    /** SHA-1 thumbprint, hex, as UaExpert shows it. */
    thumbprint: z.string(),
    subject: z.string(),
    issuer: z.string().optional(),
    validFrom: z.string(),
    validTo: z.string(),
    status: z.enum(['trusted', 'rejected']),
    /** Which driver's trust store holds it, e.g. `opcua`. */
    store: z.string(),
  })
  .strict();
export type Certificate = z.infer<typeof CertificateSchema>;

export const ApplyResultSchema = z
  .object({
    /** Empty and applied=true when the change was validated, applied and (if there is a project file) saved. */
    issues: z.array(z.object({ path: z.string(), message: z.string() }).strict()),
    applied: z.boolean(),
    savedTo: z.string().nullable(),
  })
  .strict();
export type ApplyResult = z.infer<typeof ApplyResultSchema>;
