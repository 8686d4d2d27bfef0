import { describe, expect, it } from 'vitest';
import { enumNames, objectTypeNumbers, propertyNumbers } from '../../../../../electron/core/drivers/bacnet/names.js';
import { ObjectType, PropertyIdentifier } from '../../../../../electron/core/drivers/bacnet/lib.js';
import { formatBacnetAddress, parseBacnetAddress } from '../../../../../electron/core/drivers/bacnet/address.js';

// names.ts holds the library's enums as tables so that the address grammar does not load
// @bacnet-js/client; they must stay equal to the library's (regenerate them when it changes).
const asTable = (names: ReturnType<typeof enumNames>) => Object.fromEntries([...names.byName].sort(([a], [b]) => a.localeCompare(b)));

describe('BACnet name tables', () => {
  it('equal the library enums ObjectType and PropertyIdentifier', () => {
    expect(asTable(enumNames(objectTypeNumbers))).toEqual(asTable(enumNames(ObjectType)));
    expect(asTable(enumNames(propertyNumbers))).toEqual(asTable(enumNames(PropertyIdentifier)));
    expect(Object.keys(propertyNumbers).length).toBeGreaterThan(400);
  });

  it('serve the address grammar: full names parse and format as the standard spells them', () => {
    const parsed = parseBacnetAddress('loop:7:controlled-variable-value');
    expect(parsed).toEqual({ ok: true, address: { objectType: 12, instance: 7, property: 21 } });
    if (parsed.ok) expect(formatBacnetAddress(parsed.address)).toBe('loop:7:controlled-variable-value');
  });
});
