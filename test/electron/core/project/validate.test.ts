import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDriverRegistry } from '../../../../electron/core/drivers/registry.js';
import { PROJECT_SCHEMA_VERSION } from '../../../../shared/project.js';
import { ProjectError, loadProjectFile, validateProject } from '../../../../electron/core/project/validate.js';
import { root } from '../../../support/cli.js';
import { modbusProject } from '../../../support/project.js';

const registry = createDriverRegistry();
const issues = (doc: unknown) => {
  const result = validateProject(doc, registry);
  return result.ok ? [] : result.issues.map((i) => `${i.path}: ${i.message}`);
};

describe('project validation', () => {
  it('accepts a good project and applies defaults', () => {
    const result = validateProject(modbusProject(502, [{ id: 't1', address: 'hr:0' }]), registry);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.compiled.project.devices[0]?.tags[0]?.scaling).toEqual({ kind: 'none' });
      expect(result.compiled.devices[0]?.endpoint).toBe('modbus-tcp://127.0.0.1:502?unit=1');
    }
  });

  it('names unknown keys with their path', () => {
    const doc = modbusProject(502, [{ id: 't1', address: 'hr:0' }]) as Record<string, unknown> & { devices: Array<Record<string, unknown> & { tags: Array<Record<string, unknown>>; settings: Record<string, unknown> }> };
    doc.colour = 'x';
    doc.devices[0]!.tags[0]!.adress = 'hr:1';
    expect(issues(doc)).toEqual(expect.arrayContaining(['colour: unknown key', 'devices[0].tags[0].adress: unknown key']));
    const doc2 = modbusProject(502, [{ id: 't1', address: 'hr:0' }]) as { devices: Array<{ settings: Record<string, unknown> }> };
    doc2.devices[0]!.settings.prot = 502;
    expect(issues(doc2)).toEqual(['devices[0].settings.prot: unknown key']);
  });

  it('names bad values, duplicate ids, unknown poll groups and drivers, and bad addresses', () => {
    const doc = modbusProject(70000, [
      { id: 'a', address: 'hr:0' },
      { id: 'a', address: 'hr:1' },
      { id: 'c', address: 'hr:65535:float32' },
      { id: 'd', address: 'hr:1', pollGroup: 'nope' },
    ]);
    const structural = issues(doc);
    expect(structural.some((i) => i.startsWith('devices[0].tags[1].id: duplicate tag id "a"'))).toBe(true);
    expect(structural.some((i) => i.startsWith('devices[0].tags[3].pollGroup: unknown poll group "nope"'))).toBe(true);
    const fixed = modbusProject(70000, [{ id: 'a', address: 'hr:0' }, { id: 'c', address: 'hr:65535:float32' }]);
    const perDriver = issues(fixed);
    expect(perDriver.some((i) => i.startsWith('devices[0].settings.port:'))).toBe(true);
    const addresses = issues(modbusProject(502, [{ id: 'a', address: 'hr:0' }, { id: 'c', address: 'hr:65535:float32' }]));
    expect(addresses).toHaveLength(1);
    expect(addresses[0]).toMatch(/^devices\[0\]\.tags\[1\]\.address: /);
    const driver = modbusProject(502, [{ id: 'a', address: 'hr:0' }]) as { devices: Array<{ driver: string }> };
    driver.devices[0]!.driver = 'profibus';
    expect(issues(driver)).toEqual(['devices[0].driver: unknown driver "profibus"; available: modbus-tcp, modbus-rtu, opcua, bacnet, mqtt']);
  });

  it('reports every mistake of a project in one pass, each with its path', () => {
    const doc = {
      schemaVersion: 1,
      name: 'Five mistakes',
      devices: [
        {
          id: 'plc1',
          name: 'PLC 1',
          driver: 'modbus-tcp',
          settings: { host: 'plc 01;drop', port: 70000 },
          pollGroups: [{ id: 'fast', intervalMs: 100 }],
          tags: [
            { id: 't1', name: 'T1', address: 'hr:99999', pollGroup: 'fast' },
            { id: 't2', name: 'T2', address: 'hr:1', pollGroup: 'fast', colour: 'red' },
          ],
        },
        {
          id: 'ua1',
          name: 'OPC UA 1',
          driver: 'opcua',
          settings: { endpointUrl: 'opc.tcp://-bad-:4840' },
          pollGroups: [{ id: 'slow', intervalMs: 1000 }],
          tags: [{ id: 'u1', name: 'U1', address: 'ns=2;x=1', pollGroup: 'slow' }],
        },
      ],
    };
    const found = issues(doc);
    // A structural mistake (unknown key) no longer hides the driver's settings and address errors.
    expect(found).toContain('devices[0].tags[1].colour: unknown key');
    expect(found.some((i) => i.startsWith('devices[0].settings.host: host "plc 01;drop" is not an IP address or host name'))).toBe(true);
    expect(found.some((i) => i.startsWith('devices[0].settings.port: '))).toBe(true);
    expect(found.some((i) => i.startsWith('devices[0].tags[0].address: '))).toBe(true);
    expect(found.some((i) => i.startsWith('devices[1].settings.endpointUrl: the host "-bad-" is not a valid host name'))).toBe(true);
    expect(found.some((i) => i.startsWith('devices[1].tags[0].address: '))).toBe(true);
    expect(found).toHaveLength(6);
  });

  it('refuses a document of a newer schema version, and names what to do', () => {
    const doc = { ...modbusProject(502, []), schemaVersion: 3 };
    expect(issues(doc)[0]).toMatch(/^schemaVersion: must be 2 or older .*a newer file needs a newer SensorVault/);
  });

  it('migrates a schema version 1 document: it loads, and applying writes version 2', () => {
    const doc = { ...modbusProject(502, [{ id: 'a', address: 'hr:0', unit: 'bar' }]), schemaVersion: 1 };
    const result = validateProject(doc, registry);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.compiled.project.schemaVersion).toBe(2);
    expect(result.compiled.project.devices[0]?.tags[0]).toMatchObject({ id: 'a', unit: 'bar', timestamp: { source: 'device' }, classification: { level: 'internal', leavesSite: false } });
    expect(result.compiled.project.site.timeZone).toBe('UTC');
  });

  it('reports a JSON syntax error and a missing file as ProjectError naming the file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-project-'));
    try {
      const file = path.join(dir, 'p.json');
      writeFileSync(file, '{ "schemaVersion": 1, ');
      await expect(loadProjectFile(file, registry)).rejects.toThrow(ProjectError);
      await expect(loadProjectFile(file, registry)).rejects.toThrow(/p\.json: invalid project:\n {2}\(file\): not valid JSON/);
      await expect(loadProjectFile(path.join(dir, 'missing.json'), registry)).rejects.toThrow(/file not found/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every project shipped in resources/ validates', async () => {
    const files = [path.join(root, 'resources', 'demo', 'plant.project.json'), ...readdirSync(path.join(root, 'resources', 'examples')).map((f) => path.join(root, 'resources', 'examples', f))];
    for (const file of files.filter((f) => f.endsWith('.json'))) {
      const compiled = await loadProjectFile(file, registry);
      expect(compiled.project.devices.length, file).toBeGreaterThan(0);
      expect(JSON.parse(readFileSync(file, 'utf8')).schemaVersion).toBe(PROJECT_SCHEMA_VERSION);
    }
  });
});
