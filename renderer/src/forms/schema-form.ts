/*
 * Turns a driver's settings JSON Schema (zod's toJSONSchema, io: 'input') into a field
 * model the form renders, and the form's text values back into a settings object.
 * Pure: no DOM, no host calls. The host validates again; this only parses what was typed.
 */

export type JsonSchema = Record<string, unknown>;
export type Primitive = string | number | boolean;

interface FieldBase {
  /** Dotted path inside settings, e.g. `security.mode`; the form's key and the issue target. */
  key: string;
  name: string;
  description?: string;
  required: boolean;
  default?: unknown;
}

export type FieldModel =
  | (FieldBase & { kind: 'string'; minLength?: number; maxLength?: number; pattern?: string; format?: string; secret: boolean })
  | (FieldBase & { kind: 'number' | 'integer'; minimum?: number; maximum?: number; exclusiveMinimum?: number; exclusiveMaximum?: number })
  | (FieldBase & { kind: 'boolean' })
  | (FieldBase & { kind: 'enum'; options: Primitive[] })
  | (FieldBase & { kind: 'const'; value: Primitive })
  | (FieldBase & { kind: 'object'; fields: FieldModel[] })
  /** oneOf objects told apart by one const property (zod's discriminatedUnion): a select, then that variant's fields. */
  | (FieldBase & { kind: 'union'; discriminator: string; variants: { value: Primitive; label: string; fields: FieldModel[] }[] })
  | (FieldBase & { kind: 'array'; item: Exclude<FieldModel, { kind: 'object' | 'array' | 'json' }>; minItems?: number; maxItems?: number })
  /** Anything the form cannot draw (unions of objects, records): edited as JSON text. */
  | (FieldBase & { kind: 'json' });

/** What the inputs hold: text as typed (an enum option as its text), booleans as booleans, arrays as one text per item. */
export type FormValue = string | boolean | string[];
export type FormValues = Readonly<Record<string, FormValue>>;

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function isPrimitive(value: unknown): value is Primitive {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** anyOf [X, {type:'null'}] (a nullable) reads as X; anyOf of consts reads as an enum. */
function simplify(schema: JsonSchema): JsonSchema {
  const union = (schema.anyOf ?? schema.oneOf) as unknown;
  if (!Array.isArray(union)) return schema;
  const members = union.filter(isObject).filter((m) => m.type !== 'null');
  const { anyOf: _a, oneOf: _o, ...rest } = schema;
  if (members.length === 1) return { ...rest, ...simplify(members[0]!) };
  if (members.length > 0 && members.every((m) => isPrimitive(m.const) || (Array.isArray(m.enum) && m.enum.every(isPrimitive)))) {
    const options = members.flatMap((m) => (isPrimitive(m.const) ? [m.const] : (m.enum as Primitive[])));
    return { ...rest, enum: options };
  }
  return schema;
}

/** The variants of a oneOf/anyOf of objects that all carry the same const-valued property. */
function discriminatedUnion(key: string, schema: JsonSchema): { discriminator: string; variants: { value: Primitive; label: string; fields: FieldModel[] }[] } | undefined {
  const members = (schema.oneOf ?? schema.anyOf) as unknown;
  if (!Array.isArray(members) || members.length < 2 || !members.every((m) => isObject(m) && isObject(m.properties))) return undefined;
  const objects = members as JsonSchema[];
  const first = objects[0]!.properties as JsonSchema;
  const discriminator = Object.keys(first).find((name) =>
    objects.every((m) => {
      const property = (m.properties as JsonSchema)[name];
      return isObject(property) && isPrimitive(property.const);
    }),
  );
  if (discriminator === undefined) return undefined;
  const variants = objects.map((m) => {
    const value = ((m.properties as JsonSchema)[discriminator] as JsonSchema).const as Primitive;
    const rest = { ...m, properties: Object.fromEntries(Object.entries(m.properties as JsonSchema).filter(([name]) => name !== discriminator)) };
    return { value, label: String(value), fields: fieldsOf(rest, key) };
  });
  return { discriminator, variants };
}

function fieldFor(key: string, name: string, raw: JsonSchema, required: boolean): FieldModel {
  const schema = simplify(raw);
  const base: FieldBase = {
    key,
    name,
    required,
    ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
    ...('default' in schema ? { default: schema.default } : {}),
  };
  const union = discriminatedUnion(key, schema);
  if (union !== undefined) return { ...base, kind: 'union', ...union };
  if (isPrimitive(schema.const)) return { ...base, kind: 'const', value: schema.const };
  if (Array.isArray(schema.enum) && schema.enum.every(isPrimitive)) return { ...base, kind: 'enum', options: schema.enum as Primitive[] };
  switch (schema.type) {
    case 'string': {
      const format = typeof schema.format === 'string' ? schema.format : undefined;
      return {
        ...base,
        kind: 'string',
        // A name like passwordEnv or keyFile says where the secret is, not the secret itself.
        secret: format === 'password' || (/password|secret|passphrase/i.test(name) && !/(Env|File|Path)$/.test(name)),
        ...(num(schema.minLength) === undefined ? {} : { minLength: num(schema.minLength) }),
        ...(num(schema.maxLength) === undefined ? {} : { maxLength: num(schema.maxLength) }),
        ...(typeof schema.pattern === 'string' ? { pattern: schema.pattern } : {}),
        ...(format === undefined ? {} : { format }),
      };
    }
    case 'number':
    case 'integer':
      return {
        ...base,
        kind: schema.type,
        ...(num(schema.minimum) === undefined ? {} : { minimum: num(schema.minimum) }),
        ...(num(schema.maximum) === undefined ? {} : { maximum: num(schema.maximum) }),
        ...(num(schema.exclusiveMinimum) === undefined ? {} : { exclusiveMinimum: num(schema.exclusiveMinimum) }),
        ...(num(schema.exclusiveMaximum) === undefined ? {} : { exclusiveMaximum: num(schema.exclusiveMaximum) }),
      };
    case 'boolean':
      return { ...base, kind: 'boolean' };
    case 'object':
      if (isObject(schema.properties)) return { ...base, kind: 'object', fields: fieldsOf(schema, key) };
      return { ...base, kind: 'json' };
    case 'array': {
      const items = isObject(schema.items) ? fieldFor(`${key}[]`, name, schema.items, true) : undefined;
      if (items === undefined || items.kind === 'object' || items.kind === 'array' || items.kind === 'json') return { ...base, kind: 'json' };
      return {
        ...base,
        kind: 'array',
        item: items,
        ...(num(schema.minItems) === undefined ? {} : { minItems: num(schema.minItems) }),
        ...(num(schema.maxItems) === undefined ? {} : { maxItems: num(schema.maxItems) }),
      };
    }
    default:
      return { ...base, kind: 'json' };
  }
}

/** The fields of an object schema, in the schema's order. */
export function fieldsOf(schema: JsonSchema, prefix = ''): FieldModel[] {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? (schema.required as unknown[]).filter((r): r is string => typeof r === 'string') : []);
  return Object.entries(properties)
    .filter((entry): entry is [string, JsonSchema] => isObject(entry[1]))
    .map(([name, property]) => fieldFor(prefix === '' ? name : `${prefix}.${name}`, name, property, required.has(name)));
}

/** Every leaf field (objects flattened), for value maps and issue matching. */
export function leafFields(fields: readonly FieldModel[]): FieldModel[] {
  return fields.flatMap((f) => {
    if (f.kind === 'object') return leafFields(f.fields);
    if (f.kind !== 'union') return [f];
    // Variants often share a property (a user name); it is one form value whichever variant is chosen.
    const byKey = new Map<string, FieldModel>();
    for (const leaf of f.variants.flatMap((v) => leafFields(v.fields))) if (!byKey.has(leaf.key)) byKey.set(leaf.key, leaf);
    return [f, ...byKey.values()];
  });
}

/** The form key that holds a union's chosen variant. */
export function variantKey(field: { key: string; discriminator: string }): string {
  return `${field.key}.${field.discriminator}`;
}

function textOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function toFormValue(field: FieldModel, value: unknown): FormValue {
  switch (field.kind) {
    case 'boolean':
      return value === true;
    case 'enum':
      return value === undefined ? '' : String(value);
    case 'const':
      return value === undefined ? '' : JSON.stringify(value);
    case 'array':
      return Array.isArray(value) ? value.map(textOf) : [];
    case 'json':
      return value === undefined ? '' : JSON.stringify(value, null, 2);
    default:
      return textOf(value);
  }
}

/** Form values from defaults; an enum without a default starts on its first option, a const on its value. */
export function defaultValues(fields: readonly FieldModel[]): Record<string, FormValue> {
  const values: Record<string, FormValue> = {};
  for (const field of leafFields(fields)) {
    if (field.kind === 'union') {
      const chosen = isObject(field.default) ? field.default[field.discriminator] : undefined;
      values[variantKey(field)] = String(isPrimitive(chosen) ? chosen : field.variants[0]!.value);
      continue;
    }
    if (field.kind === 'const') values[field.key] = JSON.stringify(field.value);
    else if (field.kind === 'enum' && field.default === undefined && field.required) values[field.key] = String(field.options[0]);
    else values[field.key] = toFormValue(field, field.default);
  }
  return values;
}

function valueAt(settings: Record<string, unknown>, key: string): unknown {
  let current: unknown = settings;
  for (const part of key.split('.')) {
    if (!isObject(current)) return undefined;
    current = current[part];
  }
  return current;
}

/** Fills the form from a settings object (a discovery result); keys the form does not know are returned. */
export function valuesFromSettings(
  fields: readonly FieldModel[],
  settings: Record<string, unknown>,
  base: FormValues,
): { values: Record<string, FormValue>; unknownKeys: string[] } {
  const values: Record<string, FormValue> = { ...base };
  const leaves = leafFields(fields);
  for (const field of leaves) {
    if (field.kind === 'union') {
      const chosen = valueAt(settings, variantKey(field));
      if (isPrimitive(chosen)) values[variantKey(field)] = String(chosen);
      continue;
    }
    const value = valueAt(settings, field.key);
    if (value !== undefined) values[field.key] = toFormValue(field, value);
  }
  const known = new Set(leaves.flatMap((f) => (f.kind === 'union' ? [variantKey(f)] : [f.key])));
  const unknownKeys: string[] = [];
  const walk = (object: Record<string, unknown>, prefix: string) => {
    for (const [name, value] of Object.entries(object)) {
      const key = prefix === '' ? name : `${prefix}.${name}`;
      if (known.has(key)) continue;
      if (isObject(value) && leaves.some((f) => f.key.startsWith(`${key}.`))) walk(value, key);
      else unknownKeys.push(key);
    }
  };
  walk(settings, '');
  return { values, unknownKeys };
}

function parseScalar(field: FieldModel, text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  switch (field.kind) {
    case 'number':
    case 'integer': {
      const value = Number(text.trim().replace(/_/g, ''));
      if (text.trim() === '' || !Number.isFinite(value)) return { ok: false, message: 'enter a number' };
      if (field.kind === 'integer' && !Number.isInteger(value)) return { ok: false, message: 'enter a whole number' };
      return { ok: true, value };
    }
    case 'enum': {
      // Options are shown and held as text; the typed option comes back from the schema.
      const option = field.options.find((o) => String(o) === text);
      return option === undefined ? { ok: false, message: `choose one of ${field.options.join(', ')}` } : { ok: true, value: option };
    }
    case 'const':
      return { ok: true, value: JSON.parse(text) as unknown };
    case 'json':
      try {
        return { ok: true, value: JSON.parse(text) as unknown };
      } catch (error) {
        return { ok: false, message: `not valid JSON (${error instanceof Error ? error.message : String(error)})` };
      }
    default:
      return { ok: true, value: text };
  }
}

/**
 * Settings from form values. Empty optional fields are left out (the driver applies
 * its default); parse problems come back per field key, and then no settings are built.
 */
export function buildSettings(fields: readonly FieldModel[], values: FormValues): { settings: Record<string, unknown>; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const defaults = defaultValues(fields);
  const touched = (list: readonly FieldModel[]): boolean =>
    leafFields(list).some((leaf) => {
      const key = leaf.kind === 'union' ? variantKey(leaf) : leaf.key;
      return JSON.stringify(values[key] ?? '') !== JSON.stringify(defaults[key] ?? '');
    });
  const build = (list: readonly FieldModel[], into: Record<string, string>): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const field of list) {
      if (field.kind === 'object') {
        // An optional block left as it came (e.g. a BBMD) stays out, and so do the problems inside it.
        if (!field.required && !touched(field.fields)) continue;
        out[field.name] = build(field.fields, into);
        continue;
      }
      if (field.kind === 'union') {
        const chosen = values[variantKey(field)];
        const variant = field.variants.find((v) => String(v.value) === chosen) ?? field.variants[0]!;
        if (!field.required && field.default === undefined && !touched(variant.fields) && chosen === defaults[variantKey(field)]) continue;
        out[field.name] = { [field.discriminator]: variant.value, ...build(variant.fields, into) };
        continue;
      }
      const value = values[field.key];
      if (field.kind === 'boolean') {
        // An untouched optional boolean without a default stays out rather than becoming false.
        if (value === true || field.required || field.default !== undefined) out[field.name] = value === true;
        continue;
      }
      if (field.kind === 'array') {
        const items = (Array.isArray(value) ? value : []).filter((t) => t.trim() !== '');
        if (items.length === 0 && !field.required) continue;
        const parsed: unknown[] = [];
        items.forEach((text, index) => {
          const result = parseScalar(field.item, text);
          if (result.ok) parsed.push(result.value);
          else into[field.key] = `item ${index + 1}: ${result.message}`;
        });
        out[field.name] = parsed;
        continue;
      }
      const text = typeof value === 'string' ? value : '';
      if (text.trim() === '' && field.kind !== 'string') {
        if (field.required) into[field.key] = 'required';
        continue;
      }
      if (text === '' && field.kind === 'string') {
        if (field.required) into[field.key] = 'required';
        continue;
      }
      const result = parseScalar(field, text);
      if (result.ok) out[field.name] = result.value;
      else into[field.key] = result.message;
    }
    return out;
  };
  const settings = build(fields, errors);
  return { settings, errors };
}

/** The limits a field's help line shows, in words with their unit where the name carries one. */
export function describeLimits(field: FieldModel): string {
  // The unit rides on the property name by convention: timeoutMs, keepaliveS, ttlSeconds.
  const unit = /Ms$/.test(field.name) ? ' ms' : /[a-z](S|Seconds?|Sec)$/.test(field.name) ? ' s' : /[a-z]Bytes$/.test(field.name) ? ' B' : '';
  const parts: string[] = [];
  const n = (value: number) => value.toLocaleString('en-US', { maximumFractionDigits: 6 });
  if (field.kind === 'number' || field.kind === 'integer') {
    const low = field.minimum ?? field.exclusiveMinimum;
    const high = field.maximum ?? field.exclusiveMaximum;
    if (low !== undefined && high !== undefined) parts.push(`${n(low)}${unit} … ${n(high)}${unit}`);
    else if (low !== undefined) parts.push(`${field.exclusiveMinimum !== undefined ? '>' : '≥'} ${n(low)}${unit}`);
    else if (high !== undefined) parts.push(`${field.exclusiveMaximum !== undefined ? '<' : '≤'} ${n(high)}${unit}`);
    if (field.kind === 'integer') parts.push('whole number');
  }
  if (field.kind === 'string') {
    if (field.minLength !== undefined && field.maxLength !== undefined) parts.push(`${field.minLength}–${field.maxLength} characters`);
    else if (field.maxLength !== undefined) parts.push(`at most ${field.maxLength} characters`);
    else if (field.minLength !== undefined && field.minLength > 1) parts.push(`at least ${field.minLength} characters`);
    if (field.pattern !== undefined) parts.push(`pattern ${field.pattern}`);
  }
  if (field.kind === 'array') {
    if (field.minItems !== undefined) parts.push(`at least ${field.minItems} item${field.minItems === 1 ? '' : 's'}`);
    if (field.maxItems !== undefined) parts.push(`at most ${field.maxItems} items`);
  }
  if (field.default !== undefined && field.kind !== 'const') {
    const text = typeof field.default === 'number' ? n(field.default) : typeof field.default === 'string' ? field.default : JSON.stringify(field.default);
    parts.push(`default ${text}${field.kind === 'number' || field.kind === 'integer' ? unit : ''}`);
  }
  return parts.join(' · ');
}
