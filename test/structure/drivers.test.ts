import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeviceSchema } from '../../shared/project.js';
import { createDriverRegistry } from '../../electron/core/drivers/registry.js';
import { root } from '../support/cli.js';

// The hassfest of this project: every registered driver folder is complete.
const registry = createDriverRegistry();

describe.each(registry.ids())('driver %s', (id) => {
  const definition = registry.get(id)!;
  const folder = path.join(root, 'electron', 'core', 'drivers', id);
  const tests = path.join(root, 'test', 'electron', 'core', 'drivers', id);

  it('has a kebab-case id and its own folder with README, sample, settings and address grammar', () => {
    expect(id).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
    for (const file of ['README.md', 'sample.json', 'settings.ts', 'address.ts', 'index.ts']) expect(existsSync(path.join(folder, file)), `${id}/${file}`).toBe(true);
  });

  it('documents every setting with a description in its JSON Schema', () => {
    const info = registry.list().find((d) => d.id === id)!;
    const properties = (info.settingsSchema.properties ?? {}) as Record<string, { description?: string }>;
    expect(Object.keys(properties).length).toBeGreaterThan(0);
    for (const [name, schema] of Object.entries(properties)) expect(schema.description, `${id} setting ${name}`).toBeTruthy();
    expect(info.settingsSchema.additionalProperties).toBe(false);
  });

  it('ships a sample device that validates against the project schema and its own settings schema', () => {
    const sample = JSON.parse(readFileSync(path.join(folder, 'sample.json'), 'utf8'));
    const device = DeviceSchema.parse(sample);
    expect(device.driver).toBe(id);
    expect(definition.settingsSchema.safeParse(device.settings).success).toBe(true);
    for (const tag of device.tags) expect(definition.parseAddress(tag.address).ok, tag.address).toBe(true);
  });

  it('has an address round-trip test and integration tests', () => {
    const files = existsSync(tests) ? readdirSync(tests) : [];
    expect(files).toContain('address.test.ts');
    expect(files.filter((f) => f.endsWith('.test.ts')).length).toBeGreaterThanOrEqual(2);
    expect(readFileSync(path.join(tests, 'address.test.ts'), 'utf8')).toMatch(/format/i);
  });

  it('names its point syntax in the README', () => {
    expect(readFileSync(path.join(folder, 'README.md'), 'utf8').length).toBeGreaterThan(500);
    expect(definition.addressSyntax.length).toBeGreaterThan(5);
  });
});
