import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli, startCli } from '../../support/cli.js';
import { until } from '../../support/driver-harness.js';
import { tempDir } from '../../support/project.js';

// The real, built `sensorvault demo`: where its PLC listens is said on stdout (line 2,
// after the URL), and a --plant-port that is taken is refused in words.
const tmp = tempDir('sensorvault-demo-cli-');
beforeAll(() => assertBuilt());
afterAll(() => tmp.remove());

describe('sensorvault demo', () => {
  it('prints the URL first and the demo PLC address second; the PLC refuses unmapped addresses', async () => {
    const demo = await startCli(['demo', '--db', tmp.file('demo.db')]);
    try {
      expect(demo.firstLine).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
      const second = await until(() => demo.stdout().split('\n')[1] || undefined, 20_000, 'a second stdout line');
      const match = /^Demo PLC \(Modbus TCP\): 127\.0\.0\.1:(\d+) unit 1$/.exec(second);
      expect(match, second).not.toBeNull();
      const read = await runCli(['read', `modbus-tcp://127.0.0.1:${match![1]}?unit=1`, 'hr:20:string:16', 'hr:62']);
      const lines = read.stdout.trim().split('\n').map((l) => JSON.parse(l) as { quality: string; value: unknown; status: string | null });
      expect(lines[0]).toMatchObject({ quality: 'good', value: 'SV-DEMO UC-100' });
      expect(lines[1]).toMatchObject({ quality: 'bad', status: 'illegal data address' });
      expect(read.code).toBe(1);
    } finally {
      expect(await demo.stop()).toBe(0);
    }
  });

  it('refuses a --plant-port that is taken, naming the port and what to do', async () => {
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const port = (squatter.address() as net.AddressInfo).port;
    try {
      const result = await runCli(['demo', '--plant-port', String(port), '--db', tmp.file('taken.db')]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain(`--plant-port ${port}: port ${port} on 127.0.0.1 is already in use`);
      expect(result.stderr).toMatch(/choose another port/);
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
  });
});
