import { describe, expect, it } from 'vitest';
import { createDriverRegistry } from '../../../../electron/core/drivers/registry.js';

// Whether silence means "no data" (polled) or "the value held" (subscriptions, COV, MQTT):
// the trend draws no-data bands only for the first kind.
describe('driver reporting mode', () => {
  const registry = createDriverRegistry();
  const mode = (driver: string, settings: Record<string, unknown>) => {
    const definition = registry.get(driver)!;
    return definition.reporting?.(definition.settingsSchema.parse(settings)) ?? 'poll';
  };

  it('polled drivers report every interval; subscribed ones on change, as their settings say', () => {
    expect(mode('modbus-tcp', { host: '127.0.0.1', port: 502 })).toBe('poll');
    expect(mode('modbus-rtu', { path: '/dev/ttyUSB0' })).toBe('poll');
    expect(mode('mqtt', { url: 'mqtt://127.0.0.1:1883' })).toBe('change');
    expect(mode('opcua', { endpointUrl: 'opc.tcp://127.0.0.1:4840' })).toBe('change');
    expect(mode('opcua', { endpointUrl: 'opc.tcp://127.0.0.1:4840', acquisition: 'read' })).toBe('poll');
    expect(mode('bacnet', { host: '127.0.0.1', deviceInstance: 1 })).toBe('change');
    expect(mode('bacnet', { host: '127.0.0.1', deviceInstance: 1, cov: 'off' })).toBe('poll');
  });
});
