import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {
  DataType,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAServer,
  SecurityPolicy,
  StatusCodes,
  Variant,
  VariantArrayType,
  coerceLocalizedText,
  coerceNodeId,
  coerceQualifiedName,
  makeEUInformation,
  standardUnits,
  type Namespace,
  type UAObject,
  type UAVariable,
} from 'node-opcua';

/**
 * A real node-opcua server on 127.0.0.1 for the OPC UA driver's tests and bench. Its
 * address space (namespace 1, string NodeIds):
 *
 *   Plant.Types.<DataType>        one variable per built-in scalar type (Types.Int64Big: beyond 2^53)
 *   Plant.Arrays.<name>           Double/Int32/String/Boolean arrays and a 2x3 Double matrix
 *   Plant.Analog.Temperature      AnalogItem, EURange 0..150, EngineeringUnits °C (also .Pressure)
 *   Plant.Dynamic.Counter         UInt32 +1 per tick; .Ramp Double +rampStep per tick; .Sine
 *   Plant.Status.Uncertain/Bad    UncertainLastUsableValue / BadSensorFailure
 *   Plant.Write.Setpoint          Double, read/write
 *   Plant.Bulk.A<aa>.L<ll>.V<vvv> `bulk` Double variables in nested folders (10,000 by default)
 *
 * Values change every `tickMs`; with `bulkTickMs` every bulk variable changes too (bench).
 * State that must survive `restart()` (the counter, the PKI) lives in this harness.
 */
export interface OpcuaTestServerOptions {
  /** 0 (default) picks a free port once; restart() keeps it. */
  port?: number;
  /** Server PKI folder; the same folder (and so the same certificate) across restarts. */
  pkiDir: string;
  securityModes?: MessageSecurityMode[];
  securityPolicies?: SecurityPolicy[];
  allowAnonymous?: boolean;
  users?: Record<string, string>;
  limits?: { maxNodesPerRead?: number; maxMonitoredItemsPerCall?: number; maxNodesPerBrowse?: number };
  /** Number of bulk variables (areas x lines x 100). */
  bulk?: number;
  tickMs?: number;
  rampStep?: number;
  bulkTickMs?: number;
}

export interface OpcuaTestServer {
  port: number;
  endpointUrl: string;
  /** Service requests seen, by request type name (e.g. ReadRequest). */
  requests: Map<string, number>;
  /** Size of each CreateMonitoredItems / Read / Browse request, in order. */
  sizes: { createMonitoredItems: number[]; read: number[]; browse: number[] };
  counter(): number;
  /** Sets a Dynamic.Ramp value now (tests drive deadband with it). */
  setRamp(value: number): void;
  /** Stops ticking changes of Ramp (so tests control it). */
  holdRamp(hold: boolean): void;
  stop(): Promise<void>;
  start(): Promise<void>;
  restart(downMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

const scalarTypes: Array<[string, DataType, () => unknown]> = [
  ['Boolean', DataType.Boolean, () => true],
  ['SByte', DataType.SByte, () => -5],
  ['Byte', DataType.Byte, () => 200],
  ['Int16', DataType.Int16, () => -1234],
  ['UInt16', DataType.UInt16, () => 54321],
  ['Int32', DataType.Int32, () => -123456],
  ['UInt32', DataType.UInt32, () => 3_000_000_000],
  ['Int64', DataType.Int64, () => [0xffffffff, 0xfffffffe]],
  ['UInt64', DataType.UInt64, () => [0, 1_000_000]],
  ['Float', DataType.Float, () => 1.5],
  ['Double', DataType.Double, () => 3.25],
  ['String', DataType.String, () => 'hello'],
  ['DateTime', DataType.DateTime, () => new Date(Date.UTC(2026, 0, 2, 3, 4, 5))],
  ['Guid', DataType.Guid, () => '72962b91-fa75-4ae6-8d28-b404dc7daf63'],
  ['ByteString', DataType.ByteString, () => Buffer.from([1, 2, 3])],
  ['XmlElement', DataType.XmlElement, () => '<a>1</a>'],
  ['NodeId', DataType.NodeId, () => coerceNodeId('ns=1;s=Plant.Types.Double')],
  ['StatusCode', DataType.StatusCode, () => StatusCodes.BadNodeIdUnknown],
  ['QualifiedName', DataType.QualifiedName, () => coerceQualifiedName('1:Q')],
  ['LocalizedText', DataType.LocalizedText, () => coerceLocalizedText('text')],
];

export async function startOpcuaTestServer(options: OpcuaTestServerOptions): Promise<OpcuaTestServer> {
  const port = options.port !== undefined && options.port !== 0 ? options.port : await freePort();
  const requests = new Map<string, number>();
  const sizes = { createMonitoredItems: [] as number[], read: [] as number[], browse: [] as number[] };
  const state = { counter: 0, ramp: 0, holdRamp: false, bulkTick: 0 };
  let server: OPCUAServer | undefined;
  let timers: NodeJS.Timeout[] = [];
  let ramp: UAVariable | undefined;
  let bulkVars: UAVariable[] = [];
  mkdirSync(options.pkiDir, { recursive: true });

  const build = (namespace: Namespace, objects: UAObject) => {
    const plant = namespace.addFolder(objects, { browseName: 'Plant', nodeId: 's=Plant' });
    const folder = (parent: UAObject, name: string, id: string) => namespace.addFolder(parent, { browseName: name, nodeId: `s=${id}` });
    const types = folder(plant, 'Types', 'Plant.Types');
    for (const [name, dataType, make] of scalarTypes) {
      namespace.addVariable({ componentOf: types, browseName: name, nodeId: `s=Plant.Types.${name}`, dataType, value: new Variant({ dataType, arrayType: VariantArrayType.Scalar, value: make() }) });
    }
    namespace.addVariable({ componentOf: types, browseName: 'Int64Big', nodeId: 's=Plant.Types.Int64Big', dataType: DataType.Int64, value: new Variant({ dataType: DataType.Int64, arrayType: VariantArrayType.Scalar, value: [0x00400000, 1] }) });
    const arrays = folder(plant, 'Arrays', 'Plant.Arrays');
    const arr = (name: string, dataType: DataType, value: unknown, extra: Partial<{ arrayType: VariantArrayType; dimensions: number[] }> = {}) =>
      namespace.addVariable({
        componentOf: arrays,
        browseName: name,
        nodeId: `s=Plant.Arrays.${name}`,
        dataType,
        valueRank: extra.dimensions !== undefined ? extra.dimensions.length : 1,
        arrayDimensions: extra.dimensions ?? [0],
        value: new Variant({ dataType, arrayType: extra.arrayType ?? VariantArrayType.Array, value, ...(extra.dimensions === undefined ? {} : { dimensions: extra.dimensions }) }),
      });
    arr('Double', DataType.Double, new Float64Array([1, 2.5, 3]));
    arr('Int32', DataType.Int32, new Int32Array([1, -2, 3]));
    arr('String', DataType.String, ['a', 'b']);
    arr('Boolean', DataType.Boolean, [true, false]);
    arr('Matrix', DataType.Double, new Float64Array([1, 2, 3, 4, 5, 6]), { arrayType: VariantArrayType.Matrix, dimensions: [2, 3] });
    const analog = folder(plant, 'Analog', 'Plant.Analog');
    namespace.addAnalogDataItem({
      componentOf: analog,
      browseName: 'Temperature',
      nodeId: 's=Plant.Analog.Temperature',
      description: 'Oven temperature',
      dataType: 'Double',
      engineeringUnitsRange: { low: 0, high: 150 },
      engineeringUnits: standardUnits.degree_celsius,
      value: new Variant({ dataType: DataType.Double, value: 21.5 }),
    });
    namespace.addAnalogDataItem({
      componentOf: analog,
      browseName: 'Pressure',
      nodeId: 's=Plant.Analog.Pressure',
      dataType: 'Double',
      engineeringUnitsRange: { low: 0, high: 10 },
      engineeringUnits: makeEUInformation('BAR', 'bar', 'bar'),
      value: new Variant({ dataType: DataType.Double, value: 1.2 }),
    });
    const dynamic = folder(plant, 'Dynamic', 'Plant.Dynamic');
    const counter = namespace.addVariable({ componentOf: dynamic, browseName: 'Counter', nodeId: 's=Plant.Dynamic.Counter', dataType: DataType.UInt32, value: new Variant({ dataType: DataType.UInt32, value: state.counter }) });
    ramp = namespace.addAnalogDataItem({
      componentOf: dynamic,
      browseName: 'Ramp',
      nodeId: 's=Plant.Dynamic.Ramp',
      dataType: 'Double',
      engineeringUnitsRange: { low: 0, high: 100 },
      value: new Variant({ dataType: DataType.Double, value: state.ramp }),
    }) as unknown as UAVariable;
    const sine = namespace.addVariable({ componentOf: dynamic, browseName: 'Sine', nodeId: 's=Plant.Dynamic.Sine', dataType: DataType.Double, value: new Variant({ dataType: DataType.Double, value: 0 }) });
    const status = folder(plant, 'Status', 'Plant.Status');
    const uncertain = namespace.addVariable({ componentOf: status, browseName: 'Uncertain', nodeId: 's=Plant.Status.Uncertain', dataType: DataType.Double });
    uncertain.setValueFromSource(new Variant({ dataType: DataType.Double, value: 7 }), StatusCodes.UncertainLastUsableValue);
    const bad = namespace.addVariable({ componentOf: status, browseName: 'Bad', nodeId: 's=Plant.Status.Bad', dataType: DataType.Double });
    bad.setValueFromSource(new Variant({ dataType: DataType.Double, value: 0 }), StatusCodes.BadSensorFailure);
    const write = folder(plant, 'Write', 'Plant.Write');
    namespace.addVariable({
      componentOf: write,
      browseName: 'Setpoint',
      nodeId: 's=Plant.Write.Setpoint',
      dataType: DataType.Double,
      accessLevel: 'CurrentRead | CurrentWrite',
      userAccessLevel: 'CurrentRead | CurrentWrite',
      value: new Variant({ dataType: DataType.Double, value: 10 }),
    });

    const bulkRoot = folder(plant, 'Bulk', 'Plant.Bulk');
    const total = options.bulk ?? 10_000;
    bulkVars = [];
    const pad = (n: number, w: number) => String(n).padStart(w, '0');
    for (let a = 1; bulkVars.length < total; a++) {
      const area = folder(bulkRoot, `A${pad(a, 2)}`, `Plant.Bulk.A${pad(a, 2)}`);
      for (let l = 1; l <= 10 && bulkVars.length < total; l++) {
        const lineId = `Plant.Bulk.A${pad(a, 2)}.L${pad(l, 2)}`;
        const line = folder(area, `L${pad(l, 2)}`, lineId);
        for (let v = 1; v <= 100 && bulkVars.length < total; v++) {
          bulkVars.push(namespace.addVariable({ componentOf: line, browseName: `V${pad(v, 3)}`, nodeId: `s=${lineId}.V${pad(v, 3)}`, dataType: DataType.Double, value: new Variant({ dataType: DataType.Double, value: bulkVars.length }) }));
        }
      }
    }

    const tick = () => {
      state.counter++;
      const now = new Date();
      counter.setValueFromSource(new Variant({ dataType: DataType.UInt32, value: state.counter }), StatusCodes.Good, now);
      sine.setValueFromSource(new Variant({ dataType: DataType.Double, value: Math.sin(state.counter / 10) }), StatusCodes.Good, now);
      if (!state.holdRamp) {
        state.ramp += options.rampStep ?? 1;
        ramp?.setValueFromSource(new Variant({ dataType: DataType.Double, value: state.ramp }), StatusCodes.Good, now);
      }
    };
    timers.push(setInterval(tick, options.tickMs ?? 100));
    if (options.bulkTickMs !== undefined) {
      timers.push(
        setInterval(() => {
          state.bulkTick++;
          const now = new Date();
          for (let i = 0; i < bulkVars.length; i++) {
            (bulkVars[i] as UAVariable).setValueFromSource(new Variant({ dataType: DataType.Double, value: state.bulkTick * 100_000 + i }), StatusCodes.Good, now);
          }
        }, options.bulkTickMs),
      );
    }
  };

  const start = async () => {
    const serverCertificateManager = new OPCUACertificateManager({ rootFolder: options.pkiDir, automaticallyAcceptUnknownCertificate: true, disableFileWatchers: true });
    const users = options.users;
    // X.509 user tokens: any well-formed user certificate is accepted (tests check the client side).
    const userCertificateManager = new OPCUACertificateManager({ rootFolder: path.join(options.pkiDir, 'user'), automaticallyAcceptUnknownCertificate: true, disableFileWatchers: true });
    const s = new OPCUAServer({
      port,
      host: '127.0.0.1',
      hostname: '127.0.0.1',
      serverCertificateManager,
      userCertificateManager,
      securityModes: options.securityModes ?? [MessageSecurityMode.None],
      securityPolicies: options.securityPolicies ?? [SecurityPolicy.None],
      allowAnonymous: options.allowAnonymous ?? true,
      disableDiscovery: true,
      serverInfo: { applicationUri: 'urn:sensorvault:test-server', productUri: 'urn:sensorvault:test-server', applicationName: { text: 'SensorVault test server' } },
      buildInfo: { productName: 'SensorVault test server', manufacturerName: 'SensorVault tests' },
      ...(users === undefined ? {} : { userManager: { isValidUser: (user: string, password: string) => users[user] === password } }),
      serverCapabilities: {
        maxSessions: 50,
        operationLimits: {
          maxNodesPerRead: options.limits?.maxNodesPerRead ?? 0,
          maxMonitoredItemsPerCall: options.limits?.maxMonitoredItemsPerCall ?? 0,
          maxNodesPerBrowse: options.limits?.maxNodesPerBrowse ?? 0,
        },
      },
    });
    await s.initialize();
    const addressSpace = s.engine.addressSpace;
    if (addressSpace === null) throw new Error('server has no address space');
    build(addressSpace.getOwnNamespace(), addressSpace.rootFolder.objects);
    s.on('request', (request: { schema: { name: string }; itemsToCreate?: unknown[]; nodesToRead?: unknown[]; nodesToBrowse?: unknown[] }) => {
      const name = request.schema.name;
      requests.set(name, (requests.get(name) ?? 0) + 1);
      if (name === 'CreateMonitoredItemsRequest') sizes.createMonitoredItems.push(request.itemsToCreate?.length ?? 0);
      if (name === 'ReadRequest') sizes.read.push(request.nodesToRead?.length ?? 0);
      if (name === 'BrowseRequest') sizes.browse.push(request.nodesToBrowse?.length ?? 0);
    });
    await s.start();
    server = s;
  };

  const stop = async () => {
    for (const t of timers) clearInterval(t);
    timers = [];
    const s = server;
    server = undefined;
    if (s !== undefined) await s.shutdown(0);
  };

  await start();
  const endpointUrl = `opc.tcp://127.0.0.1:${port}`;
  return {
    port,
    endpointUrl,
    requests,
    sizes,
    counter: () => state.counter,
    setRamp(value: number) {
      state.ramp = value;
      ramp?.setValueFromSource(new Variant({ dataType: DataType.Double, value }), StatusCodes.Good, new Date());
    },
    holdRamp(hold: boolean) {
      state.holdRamp = hold;
    },
    stop,
    start,
    async restart(downMs = 0) {
      await stop();
      if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
      await start();
    },
    close: stop,
  };
}

/** The server's PKI folder below a test's temp dir. */
export function serverPkiDir(tmp: string): string {
  return path.join(tmp, 'server-pki');
}
