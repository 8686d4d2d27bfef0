import net from 'node:net';
import ModbusSerial from 'modbus-serial';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startModbusServer, type ModbusServer } from '../../../electron/demo/modbus-server.js';

// Independent client: modbus-serial's own (the library the driver uses, but not our code).
const ModbusRTU = ModbusSerial.default;
type Client = InstanceType<typeof ModbusRTU>;

let server: ModbusServer;
let client: Client;

beforeEach(async () => {
  server = await startModbusServer();
  client = new ModbusRTU();
  client.setID(1);
  client.setTimeout(2000);
  await client.connectTCP('127.0.0.1', { port: server.port });
});

afterEach(async () => {
  await new Promise<void>((resolve) => client.destroy(() => resolve()));
  await server.close();
});

/** Sends raw MBAP frames and collects raw answers (for what the client library hides). */
async function raw(frames: Buffer[], expectBytes: number): Promise<Buffer> {
  const socket = net.connect({ host: '127.0.0.1', port: server.port });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const all = Buffer.concat(chunks);
      if (all.length >= expectBytes) resolve(all);
    });
  });
  socket.write(Buffer.concat(frames));
  const out = await done;
  socket.destroy();
  return out;
}

const frame = (tid: number, unit: number, pdu: number[]) => {
  const b = Buffer.alloc(7 + pdu.length);
  b.writeUInt16BE(tid, 0);
  b.writeUInt16BE(0, 2);
  b.writeUInt16BE(pdu.length + 1, 4);
  b[6] = unit;
  Buffer.from(pdu).copy(b, 7);
  return b;
};

describe('Modbus TCP server', () => {
  it('serves FC3 and FC4 from the banks', async () => {
    server.banks.holdingRegisters.set([1, 2, 0xffff], 100);
    server.banks.inputRegisters.set([7, 8], 65534);
    expect((await client.readHoldingRegisters(100, 3)).data).toEqual([1, 2, 0xffff]);
    expect((await client.readInputRegisters(65534, 2)).data).toEqual([7, 8]);
    expect((await client.readHoldingRegisters(0, 125)).data.length).toBe(125);
    expect(server.requestCount(3)).toBe(2);
    expect(server.requestCount(4)).toBe(1);
    expect(server.requestCount()).toBe(3);
  });

  it('serves FC1 and FC2 bit-packed', async () => {
    server.banks.coils.set([1, 0, 1, 1, 0, 0, 0, 0, 1], 10);
    server.banks.discreteInputs[65535] = 1;
    expect((await client.readCoils(10, 9)).data.slice(0, 9)).toEqual([true, false, true, true, false, false, false, false, true]);
    expect((await client.readDiscreteInputs(65535, 1)).data[0]).toBe(true);
    expect((await client.readCoils(0, 2000)).data.length).toBe(2000);
  });

  it('writes with FC5, FC6, FC15, FC16', async () => {
    await client.writeCoil(3, true);
    expect(server.banks.coils[3]).toBe(1);
    await client.writeCoil(3, false);
    expect(server.banks.coils[3]).toBe(0);
    await client.writeRegister(9, 0xbeef);
    expect(server.banks.holdingRegisters[9]).toBe(0xbeef);
    await client.writeCoils(20, [true, false, true, true, true, false, false, false, true, true]);
    expect(Array.from(server.banks.coils.subarray(20, 30))).toEqual([1, 0, 1, 1, 1, 0, 0, 0, 1, 1]);
    await client.writeRegisters(200, [1, 2, 3, 4]);
    expect(Array.from(server.banks.holdingRegisters.subarray(200, 204))).toEqual([1, 2, 3, 4]);
    expect([5, 6, 15, 16].map((fc) => server.requestCount(fc))).toEqual([2, 1, 1, 1]);
  });

  it('answers exceptions 2 and 3 as the spec says', async () => {
    await expect(client.readHoldingRegisters(65535, 2)).rejects.toMatchObject({ modbusCode: 2 });
    await expect(client.readHoldingRegisters(0, 126)).rejects.toMatchObject({ modbusCode: 3 });
    await expect(client.readCoils(0, 2001)).rejects.toMatchObject({ modbusCode: 3 });
    await expect(client.readCoils(65000, 1000)).rejects.toMatchObject({ modbusCode: 2 });
    await expect(client.writeRegisters(65534, [1, 2, 3])).rejects.toMatchObject({ modbusCode: 2 });
  });

  it('answers exception 1 for an unknown function, and FC5 with a bad value gets 3', async () => {
    const out = await raw([frame(7, 1, [0x2b, 0x0e, 0x01, 0x00]), frame(8, 1, [0x05, 0, 1, 0x12, 0x34])], 18);
    expect(Array.from(out.subarray(0, 9))).toEqual([0, 7, 0, 0, 0, 3, 1, 0xab, 1]);
    expect(Array.from(out.subarray(9, 18))).toEqual([0, 8, 0, 0, 0, 3, 1, 0x85, 3]);
  });

  it('answers pipelined requests in order with their transaction ids and unit', async () => {
    server.banks.holdingRegisters.set([0x1111, 0x2222, 0x3333], 0);
    const frames = [0, 1, 2].map((i) => frame(100 + i, 17, [3, 0, i, 0, 1]));
    const out = await raw(frames, 33);
    for (let i = 0; i < 3; i++) {
      const r = out.subarray(i * 11, i * 11 + 11);
      expect(r.readUInt16BE(0)).toBe(100 + i);
      expect(r[6]).toBe(17);
      expect(r.readUInt16BE(9)).toBe([0x1111, 0x2222, 0x3333][i]);
    }
  });

  it('serves concurrent outstanding client requests (transaction ids)', async () => {
    server.banks.holdingRegisters.set(Array.from({ length: 16 }, (_, i) => i * 3), 0);
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => client.readHoldingRegisters(i, 1)));
    expect(results.map((r) => r.data[0])).toEqual(Array.from({ length: 16 }, (_, i) => i * 3));
  });

  it('injects exceptions, delays, silence and dropped connections', async () => {
    const remove = server.injectException((r) => (r.functionCode === 3 && r.address <= 5 && r.address + r.quantity > 5 ? 2 : undefined));
    await expect(client.readHoldingRegisters(0, 10)).rejects.toMatchObject({ modbusCode: 2 });
    expect((await client.readHoldingRegisters(6, 4)).data.length).toBe(4);
    remove();
    expect((await client.readHoldingRegisters(0, 10)).data.length).toBe(10);

    server.delayMs = 50;
    const started = Date.now();
    await client.readHoldingRegisters(0, 1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    server.delayMs = 0;

    server.silence = true;
    client.setTimeout(100);
    await expect(client.readHoldingRegisters(0, 1)).rejects.toMatchObject({ name: 'TransactionTimedOutError' });
    server.silence = false;

    const closed = new Promise<void>((resolve) => client.on('close', () => resolve()));
    expect(server.connectionCount()).toBe(1);
    server.dropConnections();
    await closed;
  });

  it('closes while clients are connected', async () => {
    const closed = new Promise<void>((resolve) => client.on('close', () => resolve()));
    await server.close();
    await closed;
    await expect(client.readHoldingRegisters(0, 1)).rejects.toMatchObject({ name: 'PortNotOpenError' });
    server = await startModbusServer(); // for afterEach
  });
});
