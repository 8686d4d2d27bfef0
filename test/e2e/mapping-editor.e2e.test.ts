import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ModbusServer, startModbusServer } from '../../electron/demo/modbus-server.js';
import { expandProject } from '../../shared/mapping/profiles.js';
import { type Project, ProjectSchema } from '../../shared/project.js';
import { type LongRunning, assertBuilt, root, startCli } from '../support/cli.js';
import { tempDir } from '../support/project.js';
import { launchChromium } from '../support/browser.js';

// Issue 9, the mapping editor: a 400-tag project for three buildings (three live Modbus
// devices on a real server, one disabled meter), served by the real gateway into Debian's
// Chromium. Filter, edit a cell (a bad value is refused next to it), bulk-set the unit of
// 200 tags, undo, redo, apply through tags:apply, and check the saved project file.
// The tests run in order on one page.
const tmp = tempDir('sensorvault-mapping-e2e-');
const shots = path.join(root, 'test-results');
const projectFile = tmp.file('three-buildings.json');
let plc: ModbusServer;
let gateway: LongRunning;
let browser: Browser;
let page: Page;

const UNITS = ['Cel', 'kW', 'Cel', 'bar', 'Cel', '%'];
const unitOf = (i: number) => UNITS[i % UNITS.length] as string;

function buildProject(port: number): unknown {
  const live = (letter: string, building: string, unitId: number) => ({
    id: `${letter}-plc`,
    name: `Building ${letter.toUpperCase()} PLC`,
    driver: 'modbus-tcp',
    settings: { host: '127.0.0.1', port, unitId, timeoutMs: 1000 },
    pollGroups: [
      { id: 'fast', intervalMs: 1000 },
      { id: 'slow', intervalMs: 5000 },
    ],
    assetPath: `acme/${building}/plant-room`,
    // 95 own tags; every third has no path of its own and shows under the device's.
    tags: Array.from({ length: 95 }, (_, i) => ({
      id: `${letter}-t${String(i).padStart(3, '0')}`,
      name: `${letter.toUpperCase()} point ${i}`,
      address: `hr:${i}`,
      pollGroup: i % 4 === 0 ? 'slow' : 'fast',
      unit: unitOf(i),
      ...(i % 3 === 0 ? {} : { assetPath: `acme/${building}/hvac/ahu-${1 + (i % 2)}` }),
      ...(i % 5 === 0 ? { scaling: { kind: 'linear', factor: 0.1, offset: 0 } } : {}),
    })),
    // 5 tags from the profile.
    profiles: [{ profile: 'io-module', prefix: `${letter}-io`, assetPath: `acme/${building}/plant-room/io-1`, params: { offset: 500 } }],
  });
  return {
    schemaVersion: 2,
    name: 'Three buildings',
    site: { name: 'Acme campus', timeZone: 'Europe/Berlin' },
    profiles: [
      {
        id: 'io-module',
        name: '4–20 mA input module',
        vendor: 'Acme Controls',
        model: 'AI-5',
        source: { document: 'AI-5 Modbus register map', revision: '2.1' },
        drivers: ['modbus-tcp'],
        parameters: [{ name: 'offset', description: 'First register of the module', default: 0 }],
        points: [
          { id: 'ai-1', name: 'Input 1', address: 'hr:{offset+0}', unit: 'Cel', scaling: { kind: 'ma4-20', rawAt4mA: 5530, rawAt20mA: 27648, low: 0, high: 100 } },
          { id: 'ai-2', name: 'Input 2', address: 'hr:{offset+1}', unit: 'bar' },
          { id: 'ai-3', name: 'Input 3', address: 'hr:{offset+2}', unit: 'Cel' },
          { id: 'ai-4', name: 'Input 4', address: 'hr:{offset+3}', unit: '%' },
          { id: 'ai-5', name: 'Input 5', address: 'hr:{offset+4}', unit: 'Cel' },
        ],
      },
    ],
    devices: [
      live('a', 'bldg-a', 1),
      live('b', 'bldg-b', 2),
      live('c', 'bldg-c', 3),
      {
        id: 'd-meter',
        name: 'Building C meter (not connected)',
        driver: 'modbus-tcp',
        enabled: false,
        settings: { host: '127.0.0.1', port, unitId: 9 },
        pollGroups: [{ id: 'slow', intervalMs: 10000 }],
        tags: Array.from({ length: 100 }, (_, i) => ({
          id: `d-t${String(i).padStart(3, '0')}`,
          name: `Meter value ${i}`,
          address: `ir:${i}`,
          pollGroup: 'slow',
          unit: i < 47 ? 'Cel' : 'kWh',
          ...(i < 50 ? { assetPath: 'acme/bldg-c/electrical/mdb-1' } : {}),
        })),
      },
    ],
  };
}

function savedProject(): Project {
  return ProjectSchema.parse(JSON.parse(readFileSync(projectFile, 'utf8')));
}

const row = (id: string) => page.locator(`[data-testid="mapping-row"][data-tag-id="${id}"]`);
const count = () => page.getByTestId('mapping-count').innerText();
const staged = () => page.getByTestId('staged-summary').innerText();

async function search(text: string): Promise<void> {
  await page.getByTestId('mapping-search').fill(text);
}

beforeAll(async () => {
  assertBuilt();
  mkdirSync(shots, { recursive: true });
  plc = await startModbusServer();
  for (let i = 0; i < 600; i++) plc.banks.holdingRegisters[i] = (i * 37) % 1000;
  // The modules' 4-20 mA input 1 reads 12 mA (counts 5530..27648); lower counts would be an NE43 sensor fault.
  plc.banks.holdingRegisters[500] = 16589;
  const project = buildProject(plc.port);
  const expanded = expandProject(ProjectSchema.parse(project));
  expect(expanded.issues).toEqual([]);
  expect(expanded.tags).toHaveLength(400);
  expect(expanded.tags.filter((t) => t.tag.unit === 'Cel')).toHaveLength(200);
  writeFileSync(projectFile, JSON.stringify(project, null, 2));
  gateway = await startCli(['gateway', '--project', projectFile, '--db', tmp.file('mapping.db')]);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(gateway.firstLine);
});

afterAll(async () => {
  await browser?.close();
  const code = await gateway?.stop();
  await plc?.close();
  tmp.remove();
  expect(code).toBe(0);
});

describe('mapping editor with 400 tags', () => {
  it('lists every tag, profile tags marked with their profile, virtualized', async () => {
    await page.getByTestId('tab-mapping').click();
    await expect.poll(count, { timeout: 20_000 }).toBe('400 tags');
    const rendered = await page.getByTestId('mapping-row').count();
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(80);
    await search('a-io.');
    await expect.poll(count).toBe('5 of 400 tags');
    expect(await row('a-io.ai-1').getByTestId('profile-badge').innerText()).toBe('io-module');
    expect(await row('a-io.ai-1').locator('[data-field="address"]').innerText()).toBe('hr:500');
    expect(await row('a-io.ai-1').locator('[data-field="scaling"]').innerText()).toBe('ma4-20 rawAt4mA=5530 rawAt20mA=27648 low=0 high=100');
    // Ids and names read whole at 1440 px: nothing clipped in the id, its profile badge, or the name.
    const clipped = (locator: ReturnType<Page['locator']>) => locator.evaluate((el) => el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1);
    expect(await clipped(row('a-io.ai-1').locator('.mcell-id code'))).toBe(false);
    expect(await clipped(row('a-io.ai-1').getByTestId('profile-badge'))).toBe(false);
    expect(await clipped(row('a-io.ai-1').locator('[data-field="name"] .mcell-text'))).toBe(false);
    await search('');
    // Quality comes from the live readings: the three PLCs' tags read good, the disabled meter's have none.
    await page.getByTestId('filter-quality').selectOption('good');
    await expect.poll(count, { timeout: 30_000 }).toBe('300 of 400 tags');
    await page.getByTestId('filter-quality').selectOption('none');
    await expect.poll(count, { timeout: 10_000 }).toBe('100 of 400 tags');
    expect(await page.getByTestId('mapping-row').first().getAttribute('data-tag-id')).toMatch(/^d-t/);
    await page.getByTestId('clear-filters').click();
    await expect.poll(count).toBe('400 tags');
    await page.screenshot({ path: path.join(shots, 'issue9-mapping-editor-400.png') });
  });

  it('filters by device, asset path prefix, unit and text', async () => {
    await page.getByTestId('filter-device').selectOption('b-plc');
    await expect.poll(count).toBe('100 of 400 tags');
    await page.getByTestId('filter-unit').selectOption('bar');
    // Own tags 3, 9, … 93 (16) and the profile's ai-2.
    await expect.poll(count).toBe('17 of 400 tags');
    await page.getByTestId('clear-filters').click();
    await page.getByTestId('filter-asset').fill('acme/bldg-c/electrical');
    await expect.poll(count).toBe('50 of 400 tags');
    // Whole levels only: "acme/bldg-c/elec" is not a prefix of a level.
    await page.getByTestId('filter-asset').fill('acme/bldg-c/elec');
    await expect.poll(count).toBe('0 of 400 tags');
    await page.getByTestId('clear-filters').click();
    await search('meter value 7');
    // "Meter value 7", "70"…"79".
    await expect.poll(count).toBe('11 of 400 tags');
    await page.getByTestId('clear-filters').click();
  });

  it('refuses a bad cell value with the reason next to the cell, and stages a good one', async () => {
    await search('a-t001');
    const cell = row('a-t001').locator('[data-field="assetPath"]');
    await cell.dblclick();
    await page.getByTestId('cell-input').fill('acme/bldg#a/hvac');
    await page.getByTestId('cell-input').press('Enter');
    await expect.poll(() => page.getByTestId('cell-error').count()).toBe(1);
    expect(await page.getByTestId('cell-error').innerText()).toMatch(/site level "bldg#a" contains "\+", "#", "\/".*Unified Namespace/);
    expect(await staged()).toBe('No staged changes');
    await page.screenshot({ path: path.join(shots, 'issue9-mapping-cell-error.png') });
    await page.getByTestId('cell-input').fill('acme/bldg-a/hvac/ahu-9');
    await page.getByTestId('cell-input').press('Enter');
    await expect.poll(() => page.getByTestId('cell-input').count()).toBe(0);
    expect(await cell.innerText()).toBe('acme/bldg-a/hvac/ahu-9');
    expect(await cell.getAttribute('class')).toMatch(/cell-changed/);
    expect(await staged()).toBe('1 tag changed');
    // A negative deadband is refused too.
    await row('a-t001').locator('[data-field="deadband"]').dblclick();
    await page.getByTestId('cell-input').fill('-1');
    await page.getByTestId('cell-input').press('Enter');
    await expect.poll(() => page.getByTestId('cell-error').count()).toBe(1);
    expect(await page.getByTestId('cell-error').innerText()).toMatch(/value: must be 0 or more/);
    await page.getByTestId('cell-input').press('Escape');
    expect(await staged()).toBe('1 tag changed');
  });

  it('bulk-sets the unit of 200 tags as one step, undoes and redoes it (buttons and keys)', async () => {
    await search('');
    await page.getByTestId('filter-unit').selectOption('Cel');
    await expect.poll(count).toBe('200 of 400 tags');
    await page.getByTestId('select-all').click();
    expect(await page.getByTestId('selection-count').innerText()).toMatch(/^200 selected/);
    await page.getByTestId('bulk-edit').click();
    await page.getByTestId('bulk-field').selectOption('unit');
    await page.getByTestId('bulk-value').fill('K');
    await page.getByTestId('bulk-apply').click();
    await expect.poll(() => page.getByTestId('bulk-dialog').count()).toBe(0);
    expect(await staged()).toBe('201 tags changed');
    expect(await page.getByTestId('mapping-notice').innerText()).toMatch(/Unit set on 200 tags/);
    // The filter still reads °C and the table agrees: no tag has it now.
    expect(await page.getByTestId('filter-unit').inputValue()).toBe('Cel');
    await expect.poll(count).toBe('0 of 400 tags');
    await page.getByTestId('clear-filters').click();
    await page.getByTestId('filter-unit').selectOption('K');
    await expect.poll(count).toBe('200 of 400 tags');
    await page.getByTestId('clear-filters').click();

    await page.getByTestId('undo').click();
    expect(await staged()).toBe('1 tag changed');
    await search('a-t000');
    expect(await row('a-t000').locator('[data-field="unit"]').innerText()).toBe('°C');
    await page.getByTestId('redo').click();
    expect(await staged()).toBe('201 tags changed');
    expect(await row('a-t000').locator('[data-field="unit"]').innerText()).toBe('K');
    await page.locator('#mapping-title').click();
    await page.keyboard.press('Control+z');
    await expect.poll(staged).toBe('1 tag changed');
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(staged).toBe('201 tags changed');

    // And one delete, undoable like the rest.
    await search('d-t099');
    await row('d-t099').click();
    await page.getByTestId('delete-selected').click();
    expect(await staged()).toBe('201 tags changed, 1 deleted');
    expect(await row('d-t099').getAttribute('data-status')).toBe('deleted');
    await search('');
    await page.screenshot({ path: path.join(shots, 'issue9-mapping-staged.png') });
  });

  it('applies everything in one tags:apply and saves it to the project file', async () => {
    const before = savedProject();
    await page.getByTestId('apply').click();
    await expect.poll(staged, { timeout: 20_000 }).toBe('No staged changes');
    expect(await page.getByTestId('mapping-notice').innerText()).toMatch(/Applied 202 tag changes; saved to/);
    await expect.poll(count, { timeout: 10_000 }).toBe('399 tags');
    const after = savedProject();
    const tags = expandProject(after).tags;
    expect(tags).toHaveLength(399);
    expect(tags.filter((t) => t.tag.unit === 'K')).toHaveLength(200);
    expect(tags.filter((t) => t.tag.unit === 'Cel')).toHaveLength(0);
    expect(tags.find((t) => t.tag.id === 'a-t001')?.tag.assetPath).toBe('acme/bldg-a/hvac/ahu-9');
    expect(tags.some((t) => t.tag.id === 'd-t099')).toBe(false);
    // Profile tags stay profile tags: the unit is a visible override on each instance.
    const instance = after.devices.find((d) => d.id === 'b-plc')?.profiles[0];
    expect(instance?.overrides).toEqual({ 'ai-1': { unit: 'K' }, 'ai-3': { unit: 'K' }, 'ai-5': { unit: 'K' } });
    expect(after.profiles[0]?.points[0]?.unit).toBe('Cel');
    expect(before.devices[0]?.tags[1]?.assetPath).not.toBe('acme/bldg-a/hvac/ahu-9');
    await search('b-io.ai-1');
    expect(await row('b-io.ai-1').locator('[data-field="unit"]').getAttribute('class')).toMatch(/cell-overridden/);
    await search('');
  });

  it('shows what the host refuses against its row and changes nothing', async () => {
    const before = readFileSync(projectFile, 'utf8');
    await search('b-t003');
    await row('b-t003').locator('[data-field="address"]').dblclick();
    await page.getByTestId('cell-input').fill('hr:nope');
    await page.getByTestId('cell-input').press('Enter');
    expect(await staged()).toBe('1 tag changed');
    await page.getByTestId('apply').click();
    await expect.poll(() => page.getByTestId('apply-issues').count(), { timeout: 20_000 }).toBe(1);
    expect(await page.getByTestId('apply-issues').innerText()).toMatch(/Nothing was changed/);
    expect(await row('b-t003').getByTestId('row-issues').innerText()).toMatch(/address/);
    expect(await staged()).toBe('1 tag changed');
    await page.screenshot({ path: path.join(shots, 'issue9-mapping-apply-refused.png') });
    expect(readFileSync(projectFile, 'utf8')).toBe(before);
    await page.getByTestId('discard').click();
    expect(await staged()).toBe('No staged changes');
    expect(await row('b-t003').locator('[data-field="address"]').innerText()).toBe('hr:3');
    await search('');
  });

  it('groups the same tags by asset (ISA-95) or by device, and filters the table from the tree', async () => {
    const tree = page.getByTestId('asset-tree');
    const node = (key: string) => tree.locator(`[data-testid="tree-node"][data-key="${key}"]`);
    await expect.poll(() => node('acme').locator('.tree-count').innerText()).toBe('350');
    await node('acme/bldg-b').locator('.asset-node-label').click();
    await expect.poll(count).toBe('100 of 399 tags');
    // The top two levels start open.
    await node('acme/bldg-b/hvac').getByTestId('tree-toggle').click();
    expect(await node('acme/bldg-b/hvac/ahu-1').locator('.asset-level').innerText()).toMatch(/line/i);
    await node('acme/bldg-b/hvac').locator('.asset-node-label').click();
    await expect.poll(count).toBe('63 of 399 tags');
    expect(await node('(none)').locator('.tree-count').innerText()).toBe('49');
    await page.screenshot({ path: path.join(shots, 'issue9-mapping-asset-tree.png') });
    await page.getByTestId('tree-by-device').click();
    expect(await tree.getByTestId('tree-node').count()).toBe(4);
    await tree.locator('[data-testid="tree-node"][data-key="device:d-meter"] .asset-node-label').click();
    await expect.poll(count).toBe('99 of 399 tags');
    await page.getByTestId('tree-by-asset').click();
    await page.getByTestId('tree-all').click();
    await expect.poll(count).toBe('399 tags');
  });

  it('edits a profile point and saves it: every instance follows, overrides kept', async () => {
    await page.getByTestId('pane-profiles').click();
    const entry = page.locator('[data-testid="profile-entry"][data-profile-id="io-module"]');
    await expect.poll(() => entry.count(), { timeout: 10_000 }).toBe(1);
    expect(await entry.innerText()).toMatch(/AI-5 Modbus register map/);
    expect(await entry.locator('td.num').innerText()).toBe('3');
    await entry.click();
    const points = page.getByTestId('profile-point');
    expect(await points.count()).toBe(5);
    // Units show as their symbols; the stored UCUM code is on hover.
    expect(await points.nth(0).getByTestId('point-unit').inputValue()).toBe('°C');
    expect(await points.nth(0).getByTestId('point-unit').getAttribute('title')).toBe('UCUM code Cel');
    // A unit the schema does not know is refused next to its field, and the form says it did not save.
    await points.nth(3).getByTestId('point-unit').fill('furlongs');
    await page.getByTestId('save-profile').click();
    expect(await points.nth(3).getByTestId('point-unit-error').innerText()).toMatch(/unknown unit "furlongs"/);
    expect(await page.getByTestId('profile-errors').innerText()).toMatch(/Not saved: 1 problem, each shown next to its field/);
    expect(await page.getByTestId('profile-saved').count()).toBe(0);
    await page.screenshot({ path: path.join(shots, 'issue9-profile-unit-error.png') });
    // A typed symbol is accepted (stored as its code, checked below).
    await points.nth(3).getByTestId('point-unit').fill('%');
    // A bad scaling is refused in the form, before anything is sent.
    await points.nth(1).getByTestId('point-scaling').fill('range rawLow=0 rawHigh=0 low=0 high=10');
    await page.getByTestId('save-profile').click();
    expect(await points.nth(1).getByTestId('point-scaling-error').innerText()).toMatch(/rawHigh must differ from rawLow/);
    await points.nth(1).getByTestId('point-scaling').fill('linear factor=0.01 offset=0');
    await points.nth(1).getByTestId('point-unit').fill('mbar');
    await page.screenshot({ path: path.join(shots, 'issue9-profile-editor.png') });
    await page.getByTestId('save-profile').click();
    const form = page.getByTestId('profile-form');
    await expect.poll(() => form.locator('[data-testid="profile-saved"], [data-testid="api-error"]').count(), { timeout: 20_000 }).toBe(1);
    await page.screenshot({ path: path.join(shots, 'issue9-profile-saved.png') });
    // The host's refusal, in words, if there is one (profiles:save answers "unsupported" until it is built).
    expect(await form.getByTestId('api-error').count() === 0 ? '' : await form.getByTestId('api-error').innerText()).toBe('');
    const saved = savedProject();
    expect(saved.profiles.find((p) => p.id === 'io-module')?.points[1]).toMatchObject({ unit: 'mbar', scaling: { kind: 'linear', factor: 0.01, offset: 0 } });
    expect(saved.devices.find((d) => d.id === 'b-plc')?.profiles[0]?.overrides['ai-1']).toEqual({ unit: 'K' });
    await page.getByTestId('pane-tags').click();
    await search('c-io.ai-2');
    await expect.poll(() => row('c-io.ai-2').locator('[data-field="unit"]').innerText(), { timeout: 10_000 }).toBe('mbar');
    await search('');
  });
});

describe('tags CSV from the mapping screen', () => {
  it('exports the tags as a file, then imports an edited copy: preview first, row/column errors, apply all at once', async () => {
    await page.getByTestId('pane-tags').click();
    await page.getByTestId('export-csv').click();
    await page.getByTestId('export-separator').selectOption(';');
    await page.getByTestId('export-bom').check();
    const exportError = page.getByTestId('export-dialog').getByTestId('api-error');
    const download = page.waitForEvent('download', { timeout: 20_000 }).catch(() => undefined);
    await page.getByTestId('export-download').click();
    await expect.poll(async () => (await exportError.count()) + (await page.getByTestId('export-done').count()), { timeout: 20_000 }).toBe(1);
    await page.screenshot({ path: path.join(shots, 'issue9-csv-export.png') });
    // The host's refusal, in words, if there is one (tags:exportCsv answers "unsupported" until it is built).
    expect((await exportError.count()) === 0 ? '' : await exportError.innerText()).toBe('');
    const file = await download;
    expect(file?.suggestedFilename()).toBe('Three-buildings-tags.csv');
    const csv = readFileSync((await file?.path()) ?? '', 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.split(/\r?\n/).filter((l) => l.trim() !== '')).toHaveLength(1 + (await savedTagCount()));
    expect(await page.getByTestId('export-done').innerText()).toMatch(/tags written to Three-buildings-tags\.csv/);
    await page.getByRole('button', { name: 'Close' }).last().click();

    // A broken copy: one bad asset path. The preview names row and column; Apply stays off.
    const bad = csv.replace('acme/bldg-a/hvac/ahu-9', 'acme/bldg#a/hvac');
    expect(bad).not.toBe(csv);
    await page.getByTestId('import-csv').click();
    await page.getByTestId('import-file').setInputFiles({ name: 'tags.csv', mimeType: 'text/csv', buffer: Buffer.from(bad, 'utf8') });
    await expect.poll(() => page.getByTestId('import-errors').count(), { timeout: 30_000 }).toBe(1);
    expect(await page.getByTestId('import-errors').innerText()).toMatch(/row \d+, column \S+: .*bldg#a/);
    expect(await page.getByTestId('import-apply').isDisabled()).toBe(true);
    await page.screenshot({ path: path.join(shots, 'issue9-csv-import-errors.png') });

    // A good copy: one renamed tag is one update.
    const before = readFileSync(projectFile, 'utf8');
    const renamed = csv.replace(/A point 7(?="?;)/, 'A point 7 renamed');
    expect(renamed).not.toBe(csv);
    await page.getByTestId('import-file').setInputFiles({ name: 'tags.csv', mimeType: 'text/csv', buffer: Buffer.from(renamed, 'utf8') });
    await expect.poll(() => page.getByTestId('preview-updates').count(), { timeout: 30_000 }).toBe(1);
    expect(await page.getByTestId('preview-updates').innerText()).toMatch(/^1 to update\s+a-t007$/);
    expect(await page.getByTestId('preview-creates').innerText()).toMatch(/^0 to create/);
    expect(readFileSync(projectFile, 'utf8')).toBe(before);
    await page.screenshot({ path: path.join(shots, 'issue9-csv-import-preview.png') });
    await page.getByTestId('import-apply').click();
    await expect.poll(() => page.getByTestId('import-applied').count(), { timeout: 30_000 }).toBe(1);
    expect(expandProject(savedProject()).tags.find((t) => t.tag.id === 'a-t007')?.tag.name).toBe('A point 7 renamed');
  });
});

async function savedTagCount(): Promise<number> {
  return expandProject(savedProject()).tags.length;
}
