// The BACnet driver as the registry sees it: settings, grammar (with the name tables of
// names.ts, not the library's enums) and endpoint helpers, importable without
// @bacnet-js/client: the library is imported when the first BACnet device connects or a
// discovery runs (see common/lazy-driver.ts).
import { lazyDriver } from '../common/lazy-driver.js';
import type { DecodeSpec, DriverContext, DriverDefinition } from '../types.js';
import { bacnetAddressSyntax, formatBacnetAddress, parseBacnetAddress, type BacnetAddress } from './address.js';
import type { BacnetDriver, BacnetDriverStats } from './driver.js';
import { bacnetEndpoint, parseBacnetEndpoint } from './endpoint.js';
import { bacnetSettingsSchema, type BacnetSettings } from './settings.js';

export function bacnetDecodeSpec(): DecodeSpec {
  return { kind: 'value' };
}

/** The common definition, with `create` typed to the BACnet driver's wider interface. */
export type BacnetDriverDefinition = Omit<DriverDefinition<BacnetSettings, BacnetAddress>, 'create'> & {
  create(settings: BacnetSettings, context: DriverContext): BacnetDriver;
};

const idleStats = (): BacnetDriverStats => ({ requests: 0, failures: 0, covPoints: 0, polledPoints: 0, notifications: 0, covFallbacks: {}, rpmRequests: 0, rpmPoints: 0 });

export const bacnetDriver: BacnetDriverDefinition = {
  id: 'bacnet',
  title: 'BACnet/IP',
  settingsSchema: bacnetSettingsSchema,
  addressSyntax: bacnetAddressSyntax,
  capabilities: { browse: true, discover: true, certificates: false, write: true },
  // COV may be refused per point (then it polls); a held value is the safe reading of silence.
  reporting: (settings) => (settings.cov === 'off' ? 'poll' : 'change'),
  parseAddress: parseBacnetAddress,
  formatAddress: formatBacnetAddress,
  decodeSpec: bacnetDecodeSpec,
  endpoint: bacnetEndpoint,
  endpointSchemes: ['bacnet:'],
  settingsFromEndpoint(url: string) {
    const result = parseBacnetEndpoint(url);
    if (!result.ok) throw new Error(result.message);
    return result.settings;
  },
  create: (settings, context) => {
    const parsed = bacnetSettingsSchema.parse(settings);
    return lazyDriver<BacnetAddress, BacnetDriver>(async () => (await import('./driver.js')).createBacnetDriver(parsed, context), {
      browse: true,
      extra: { deviceInfo: () => undefined, stats: idleStats },
    });
  },
  discover: async (settings, context, options) => (await import('./discover.js')).discoverBacnet(settings, context, options),
};
