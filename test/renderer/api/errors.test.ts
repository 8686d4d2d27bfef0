import { describe, expect, it } from 'vitest';
import { adviceFor, scanAdvice } from '../../../renderer/src/api/errors.js';

describe('scanAdvice', () => {
  it('a block the device refused points at the register map, not at the host', () => {
    const error = { code: 'unavailable' as const, message: 'hr:9000 on 127.0.0.1:502 unit 1: illegal data address (10 of 10 registers unreadable); scan a block the device maps (start after it or lower the count)' };
    expect(scanAdvice(error)).toMatch(/^The device answered and refused this block\. Check the start register and count against the device’s register map/);
    expect(scanAdvice(error)).not.toMatch(/SensorVault host/);
    // Other screens keep the generic words for 'unavailable'.
    expect(adviceFor(error)).toMatch(/SensorVault host is not answering/);
  });

  it('an unreachable or disabled device gets its own next step', () => {
    expect(scanAdvice({ code: 'unavailable', message: 'cannot connect to 127.0.0.1:502: ECONNREFUSED' })).toMatch(/^The device did not answer\. Check that it is powered/);
    expect(scanAdvice({ code: 'unavailable', message: 'device "b" is not connected (connecting); the assistant reads live registers — fix the connection first' })).toMatch(/^The device did not answer/);
    expect(scanAdvice({ code: 'unavailable', message: 'device "b" is disabled in the project; enable it to read its registers' })).toMatch(/^Enable the device/);
  });

  it('other codes, and an unknown unavailable message, keep the per-code advice', () => {
    const invalid = { code: 'invalid-params' as const, message: 'count: 300 must be 1..250 registers' };
    expect(scanAdvice(invalid)).toBe(adviceFor(invalid));
    const lost = { code: 'unavailable' as const, message: 'the host closed the connection' };
    expect(scanAdvice(lost)).toBe(adviceFor(lost));
  });
});
