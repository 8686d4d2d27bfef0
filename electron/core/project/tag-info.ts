/**
 * The tags of a compiled project as `tags:list` returns them (profile tags expanded), with
 * their poll interval, reporting mode and write state. One home for the runtime and for
 * CLI commands that need the tags without starting any device (`sensorvault capacity`).
 */
import type { TagInfo } from '../../../shared/api/types.js';
import { defaultDecimals, type ValueKind } from '../../../shared/format/decimals.js';
import type { TagOrigin } from '../../../shared/mapping/profiles.js';
import { unitSymbol } from '../../../shared/mapping/units.js';
import type { DecodeSpec } from '../drivers/types.js';
import type { CompiledDevice, CompiledProject } from './validate.js';

export function tagInfosOf(compiled: CompiledProject): TagInfo[] {
  return compiled.effective.devices.flatMap((device) => {
    const compiledDevice = compiled.devices.find((d) => d.deviceId === device.id);
    const writes = tagWrites(compiledDevice);
    return device.tags.map((tag, index): TagInfo => {
      const decimals = tag.decimals ?? defaultDecimals(valueKind(compiledDevice?.tags[index]?.decode), tag.scaling);
      return {
        tagId: tag.id,
        name: tag.name,
        deviceId: device.id,
        address: tag.address,
        unit: unitSymbol(tag.unit),
        unitCode: tag.unit,
        ...(tag.assetPath === undefined ? {} : { assetPath: tag.assetPath }),
        ...(tag.description === undefined ? {} : { description: tag.description }),
        pollGroup: tag.pollGroup,
        intervalMs: device.pollGroups.find((g) => g.id === tag.pollGroup)?.intervalMs ?? 0,
        ...(decimals === undefined ? {} : { decimals }),
        writes,
        reportsOnChange: tag.deadband !== undefined || (compiledDevice !== undefined && compiledDevice.definition.reporting?.(compiledDevice.settings) === 'change'),
        ...originOf(compiled.origins.get(tag.id)),
      };
    });
  });
}

function originOf(origin: TagOrigin | undefined): Pick<TagInfo, 'origin'> {
  if (origin === undefined) return {};
  return { origin: { profile: origin.profile, instance: origin.instance, point: origin.point, overridden: origin.overridden } };
}

/** Writes are offered when the driver can write and the device's settings say `writes: "enabled"`. */
function tagWrites(device: CompiledDevice | undefined): TagInfo['writes'] {
  if (device === undefined || !device.definition.capabilities.write) return 'unsupported';
  return (device.settings as { writes?: unknown }).writes === 'enabled' ? 'enabled' : 'disabled';
}

function valueKind(decode: DecodeSpec | undefined): ValueKind {
  if (decode?.kind !== 'registers') return 'unknown';
  if (decode.type.startsWith('int') || decode.type.startsWith('uint')) return 'integer';
  return decode.type.startsWith('float') ? 'float' : 'unknown';
}
