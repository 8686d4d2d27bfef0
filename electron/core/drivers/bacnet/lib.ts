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

export { enumNames } from './names.js';
