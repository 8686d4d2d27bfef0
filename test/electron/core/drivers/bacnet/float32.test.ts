import { afterEach, describe, expect, it } from 'vitest';
import { toValue } from '../../../../../electron/core/drivers/bacnet/values.js';
import { startBacnetDevice, type BacnetDevice } from '../../../../support/bacnet-device.js';
import { harness, points, until, type Harness } from './harness.js';

// BACnet REAL is a float32 (ASHRAE 135 clause 20.2.6); the library decodes it into a double.
// The driver delivers the shortest decimal that reads back as the same float32.
const REAL = 4;
const DOUBLE = 5;
const ANALOG_INPUT = 0;
const PRESENT_VALUE = 85;

describe('BACnet REAL conversion', () => {
  it('gives the shortest decimal of the float32', () => {
    expect(toValue([{ type: REAL, value: Math.fround(20.6) }], ANALOG_INPUT, PRESENT_VALUE)).toBe(20.6);
    expect(toValue([{ type: REAL, value: Math.fround(-0.3) }], ANALOG_INPUT, PRESENT_VALUE)).toBe(-0.3);
    expect(toValue([{ type: REAL, value: Math.fround(0.1) }, { type: REAL, value: 2.5 }], ANALOG_INPUT, 87)).toBe('[0.1,2.5]');
  });

  it('leaves Double as it is', () => {
    expect(toValue([{ type: DOUBLE, value: 20.600000381469727 }], ANALOG_INPUT, PRESENT_VALUE)).toBe(20.600000381469727);
  });
});

describe('BACnet REAL from a simulated device', () => {
  let device: BacnetDevice | undefined;
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.driver.disconnect();
    await device?.close();
  });

  it('polls a present-value of 20.6 as 20.6', async () => {
    device = await startBacnetDevice({ objects: 9 });
    device.set(ANALOG_INPUT, 1, { presentValue: 20.6 });
    h = harness(device);
    await h.driver.connect(new AbortController().signal);
    h.driver.startAcquisition(points(['ai:1']));
    const sample = await until(() => h?.latest(0));
    expect(sample).toMatchObject({ quality: 'good', raw: { kind: 'value', value: 20.6 } });
  });
});
