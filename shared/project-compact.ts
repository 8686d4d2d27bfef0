import type { z } from 'zod';
import { type Project, ProjectSchema } from './project.js';

/**
 * What is written to a project file: the validated document without the fields that only
 * repeat their schema default (`unit: ""`, `scaling: {kind: "none"}`, `profiles: []`, ...).
 * A file written by hand stays as short as it was after an edit goes through the apply
 * path, so the diff an IT reviewer reads shows what changed and nothing else. Reading the
 * compact file back gives the same document (the defaults come back on parse).
 */
export function compactProject(project: Project): unknown {
  return compact(ProjectSchema, project);
}

type Def = { type: string; shape?: Record<string, z.ZodType>; innerType?: z.ZodType; defaultValue?: unknown; element?: z.ZodType; options?: z.ZodType[]; in?: z.ZodType };
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

function compact(schema: z.ZodType, value: unknown): unknown {
  const def = defOf(schema);
  switch (def.type) {
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
      const out: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(value)) {
        const fieldSchema = def.shape?.[key];
        if (fieldSchema === undefined) {
          out[key] = field;
          continue;
        }
        const fieldDef = defOf(fieldSchema);
        if (fieldDef.type === 'default' && equal(field, fieldDef.defaultValue)) continue;
        out[key] = compact(fieldSchema, field);
      }
      return out;
    }
    case 'default':
    case 'optional':
    case 'nullable':
      return def.innerType === undefined ? value : compact(def.innerType, value);
    case 'pipe':
      return def.in === undefined ? value : compact(def.in, value);
    case 'array':
      return Array.isArray(value) && def.element !== undefined ? value.map((item) => compact(def.element!, item)) : value;
    case 'union': {
      // The option the value is (discriminated unions: exactly one parses).
      const option = def.options?.find((o) => o.safeParse(value).success);
      return option === undefined ? value : compact(option, value);
    }
    default:
      return value;
  }
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
