import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CapacityPlanSchema } from '../../../shared/history/types.js';
import { assertBuilt, root, runCli } from '../../support/cli.js';

// `sensorvault capacity`, run as the built binary on the demo project (no device is contacted).
const demo = path.join(root, 'resources', 'demo', 'plant.project.json');
beforeAll(() => assertBuilt());

describe('sensorvault capacity', () => {
  it('--json prints the CapacityPlan on one line', async () => {
    const run = await runCli(['capacity', '--project', demo, '--budget', '20GB', '--json']);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    const plan = CapacityPlanSchema.parse(JSON.parse(lines[0]!));
    expect(plan.tags).toBe(35);
    expect(plan.budgetBytes).toBe(20e9);
    expect(plan.readingsPerDay).toBeGreaterThan(0);
    expect(plan.devices.map((d) => d.deviceId)).toEqual(['demo-plc']);
  });

  it('prints a table with units, one line per device, and the assumptions', async () => {
    const run = await runCli(['capacity', '--project', demo, '--budget', '250MiB']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Readings per day\s+4,363,200/);
    expect(run.stdout).toMatch(/Disk per day\s+[\d.]+ MB/);
    expect(run.stdout).toMatch(/Disk budget\s+262 MB/);
    expect(run.stdout).toMatch(/Raw history\s+[\d.,]+ days fit the budget; 30 days age limit \(the budget prunes first\)/);
    expect(run.stdout).toMatch(/UC-100 Demo PLC \(simulated\) \(demo-plc\)\s+35\s+4,363,200\s+[\d.]+ MB/);
    expect(run.stdout).toContain('Assumptions:');
  });

  it('refuses a bad --budget with exit 2, naming the flag and giving examples', async () => {
    const run = await runCli(['capacity', '--project', demo, '--budget', '20']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--budget: "20" has no unit; use e.g. 20GB, 500MiB, 2TB');
    const missing = await runCli(['capacity']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('capacity needs --project <file>');
  });

  it('a missing project file is exit 1', async () => {
    const run = await runCli(['capacity', '--project', path.join(root, 'no-such.project.json')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no-such.project.json');
  });
});
