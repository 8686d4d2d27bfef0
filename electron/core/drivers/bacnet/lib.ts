import { createRequire } from 'node:module';
import type bacnetPackageType from '@bacnet-js/client';

/*
 * @bacnet-js/client is CommonJS (`exports.default = BACnetClient`, enums re-exported beside it).
 * Node's ESM default import is `module.exports`, but vitest's interop hands out `.default`
 * instead; `require` gives `module.exports` everywhere (node, tsx, vitest, the Electron main).
 * The type checker agrees: the default import's type is `module.exports`.
 */
const bacnetPackage = createRequire(import.meta.url)('@bacnet-js/client') as typeof bacnetPackageType;
export const BACnetClient = bacnetPackage.default;
export type BACnetClientInstance = InstanceType<typeof BACnetClient>;
export const { ObjectType, PropertyIdentifier, ErrorClass, ErrorCode, AbortReason, RejectReason, Reliability, Segmentation, ApplicationTag, EngineeringUnits } =
  bacnetPackage;

/** kebab-case of an enum key: ANALOG_INPUT → analog-input. */
function kebab(key: string): string {
  return key.toLowerCase().replace(/_/g, '-');
}

/** number → kebab name and back, for a numeric TypeScript enum object. */
export function enumNames(enumObject: object): { byValue: ReadonlyMap<number, string>; byName: ReadonlyMap<string, number> } {
  const byValue = new Map<number, string>();
  const byName = new Map<string, number>();
  for (const [key, value] of Object.entries(enumObject)) {
    if (typeof value !== 'number') continue;
    const name = kebab(key);
    if (!byValue.has(value)) byValue.set(value, name);
    byName.set(name, value);
  }
  return { byValue, byName };
}
