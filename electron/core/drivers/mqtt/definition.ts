// The MQTT driver as the registry sees it, importable without mqtt.js or sparkplug-payload:
// they load when the first MQTT device connects (see common/lazy-driver.ts).
import { lazyDriver } from '../common/lazy-driver.js';
import type { DecodeSpec, DriverContext, DriverDefinition } from '../types.js';
import { formatMqttAddress, mqttAddressSyntax, parseMqttAddress, type MqttAddress } from './address.js';
import type { MqttDriver } from './driver.js';
import { mqttEndpoint, settingsFromMqttEndpoint } from './endpoint.js';
import { mqttSettingsSchema, type MqttSettings } from './settings.js';

export function mqttDecodeSpec(_address: MqttAddress): DecodeSpec {
  return { kind: 'value' };
}

export type MqttDriverDefinition = Omit<DriverDefinition<MqttSettings, MqttAddress>, 'create'> & {
  create(settings: MqttSettings, context: DriverContext): MqttDriver;
};

export const mqttDriver: MqttDriverDefinition = {
  id: 'mqtt',
  title: 'MQTT (plain, JSON, Sparkplug B)',
  settingsSchema: mqttSettingsSchema,
  addressSyntax: mqttAddressSyntax,
  capabilities: { browse: true, discover: false, certificates: false, write: true },
  reporting: () => 'change',
  parseAddress: parseMqttAddress,
  formatAddress: formatMqttAddress,
  decodeSpec: mqttDecodeSpec,
  endpoint: mqttEndpoint,
  endpointSchemes: ['mqtt:', 'mqtts:'],
  settingsFromEndpoint: settingsFromMqttEndpoint,
  create: (settings, context) => {
    const parsed = mqttSettingsSchema.parse(settings);
    return lazyDriver<MqttAddress, MqttDriver>(async () => (await import('./driver.js')).createMqttDriver(parsed, context), {
      browse: true,
      extra: { treeTotals: () => ({ topics: 0, messages: 0, untrackedMessages: 0 }), sparkplugEntity: () => undefined, subscribed: () => [] },
    });
  },
};
