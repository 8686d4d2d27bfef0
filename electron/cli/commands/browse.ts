import { parseArgs } from 'node:util';
import type { DriverRegistry } from '../../core/drivers/registry.js';
import type { BrowseNode } from '../../core/drivers/types.js';
import { CommandError, UsageError } from '../args.js';
import { connectOrExplain, driverForEndpoint } from '../endpoint.js';

export const browseHelp = `Usage: sensorvault browse <endpoint> [--depth N] [--from <ref>] [--json] [--max-nodes N]

Prints a device's address space as a tree: OPC UA nodes, BACnet objects, MQTT topics.
Each line shows the name, the address to use as a tag point (if any) and key attributes.
--depth  levels to follow (default 3; the root level is 1)
--from   start below this node (e.g. 'ns=1;s=Plant'); default: the root
--json   one JSON object per node: {ref, parent, depth, name, kind, address, attributes}

Examples:
  sensorvault browse 'opc.tcp://127.0.0.1:4840?security=None' --depth 2
  sensorvault browse 'bacnet://127.0.0.2:47808?device=1234'`;

export async function browseCommand(argv: string[], registry: DriverRegistry, out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { depth: { type: 'string' }, from: { type: 'string' }, json: { type: 'boolean' }, 'max-nodes': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help === true) {
    out(browseHelp);
    return 0;
  }
  const [endpoint, ...extra] = positionals;
  if (endpoint === undefined) throw new UsageError('browse needs an endpoint (see sensorvault browse --help)');
  if (extra.length > 0) throw new UsageError(`browse takes one endpoint; unexpected "${extra[0]}"`);
  const depth = values.depth === undefined ? 3 : Number(values.depth);
  if (!Number.isInteger(depth) || depth < 1 || depth > 64) throw new UsageError(`--depth: "${values.depth}" is not a whole number from 1 to 64`);
  const maxNodes = values['max-nodes'] === undefined ? 100_000 : Number(values['max-nodes']);
  if (!Number.isInteger(maxNodes) || maxNodes < 1) throw new UsageError(`--max-nodes: "${values['max-nodes']}" is not a positive whole number`);
  const { definition, create, timeoutMs } = driverForEndpoint(endpoint, registry);
  let lost: Error | undefined;
  const driver = create({ emit: () => undefined, connectionLost: (reason) => (lost = reason) });
  if (driver.browse === undefined) throw new UsageError(`${definition.title} has no address space to browse; read points by address (${definition.addressSyntax})`);
  await connectOrExplain(driver, endpoint, timeoutMs);
  const abort = new AbortController();
  const onSignal = () => abort.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  let printed = 0;
  try {
    // Depth-first, so the printed tree reads top to bottom like UaExpert's.
    const walk = async (ref: string | undefined, parent: string | null, level: number): Promise<void> => {
      if (printed >= maxNodes) return;
      let nodes: BrowseNode[];
      try {
        nodes = await driver.browse!(ref, { signal: abort.signal });
      } catch (error) {
        if (lost !== undefined) throw new CommandError(`connection lost while browsing: ${lost.message}`);
        throw new CommandError(`browse of ${ref ?? 'the root'} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      for (const node of nodes) {
        if (printed >= maxNodes) return;
        printed++;
        if (values.json === true) {
          out(JSON.stringify({ ref: node.ref, parent, depth: level, name: node.name, kind: node.kind, address: node.address ?? null, attributes: node.attributes }));
        } else {
          const attributes = Object.entries(node.attributes)
            .slice(0, 4)
            .map(([k, v]) => `${k}: ${v}`)
            .join(', ');
          out(`${'  '.repeat(level - 1)}${node.hasChildren ? '+' : '-'} ${node.name}${node.address === undefined ? '' : `  [${node.address}]`}${attributes === '' ? '' : `  (${attributes})`}`);
        }
        if (node.hasChildren && level < depth) await walk(node.ref, node.ref, level + 1);
      }
    };
    await walk(values.from, values.from ?? null, 1);
  } finally {
    process.off('SIGINT', onSignal);
    await driver.disconnect();
  }
  if (printed >= maxNodes) process.stderr.write(`sensorvault: stopped after ${maxNodes} nodes (raise --max-nodes)\n`);
  return 0;
}
