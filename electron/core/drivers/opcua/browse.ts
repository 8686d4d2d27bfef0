import {
  AttributeIds,
  BrowseDirection,
  DataTypeIds,
  NodeClass,
  NodeId,
  NodeIdType,
  ObjectIds,
  ObjectTypeIds,
  ReferenceTypeIds,
  type BrowseResult,
  type ClientSession,
  type DataValue,
  type ReferenceDescription,
} from 'node-opcua';
import type { BrowseNode, LongOperationOptions } from '../types.js';
import { formatNodeRef, type OpcuaNodeRef } from './address.js';
import { chunks, type OperationLimits } from './connection.js';

/**
 * One level of the address space below a node: hierarchical references forward, every
 * continuation point followed (BrowseNext) or released, requests cut to the server's
 * MaxNodesPerBrowse / MaxNodesPerRead. Properties that describe a variable (EURange,
 * EngineeringUnits, ...) are attributes of that variable, not nodes of the tree.
 */
const METADATA_PROPERTIES = new Set([
  'EURange',
  'EngineeringUnits',
  'InstrumentRange',
  'EnumStrings',
  'EnumValues',
  'ValuePrecision',
  'Definition',
  'NodeVersion',
  'TrueState',
  'FalseState',
  'ValueAsText',
]);

const dataTypeNames: ReadonlyMap<number, string> = new Map(
  Object.entries(DataTypeIds)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => [v as number, k]),
);

export interface BrowseContext {
  session: ClientSession;
  limits: OperationLimits;
  maxReferencesPerNode: number;
  namespaceArray: readonly string[];
  /** Counts service calls (driver stats). */
  count(): void;
}

function checkAbort(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('browse cancelled');
}

export function toNodeId(ref: OpcuaNodeRef, namespaceArray: readonly string[]): NodeId {
  let ns = ref.ns;
  if (ref.nsu !== undefined) {
    ns = namespaceArray.indexOf(ref.nsu);
    if (ns < 0) throw new Error(`namespace "${ref.nsu}" is not in the server's NamespaceArray`);
  }
  switch (ref.type) {
    case 'i':
      return new NodeId(NodeIdType.NUMERIC, Number(ref.id), ns);
    case 's':
      return new NodeId(NodeIdType.STRING, ref.id, ns);
    case 'g':
      return new NodeId(NodeIdType.GUID, ref.id, ns);
    case 'b':
      return new NodeId(NodeIdType.BYTESTRING, Buffer.from(ref.id, 'base64'), ns);
  }
}

export function fromNodeId(nodeId: NodeId): OpcuaNodeRef {
  const ns = nodeId.namespace;
  switch (nodeId.identifierType) {
    case NodeIdType.NUMERIC:
      return { ns, type: 'i', id: String(nodeId.value) };
    case NodeIdType.GUID:
      return { ns, type: 'g', id: String(nodeId.value).toLowerCase() };
    case NodeIdType.BYTESTRING:
      return { ns, type: 'b', id: (nodeId.value as Buffer).toString('base64') };
    default:
      return { ns, type: 's', id: String(nodeId.value) };
  }
}

/** Browses every node of `nodeIds` fully: first calls in MaxNodesPerBrowse chunks, then BrowseNext. */
async function browseAll(
  context: BrowseContext,
  nodeIds: NodeId[],
  signal: AbortSignal,
  options: { firstPageOnly: boolean; onPage?: (done: number) => void },
): Promise<ReferenceDescription[][]> {
  const { session } = context;
  (session as { requestedMaxReferencesPerNode: number }).requestedMaxReferencesPerNode = context.maxReferencesPerNode;
  const out: ReferenceDescription[][] = nodeIds.map(() => []);
  let done = 0;
  let offset = 0;
  for (const chunk of chunks(nodeIds, context.limits.maxNodesPerBrowse, 1000)) {
    checkAbort(signal);
    context.count();
    const results: BrowseResult[] = await session.browse(
      chunk.map((nodeId) => ({
        nodeId,
        browseDirection: BrowseDirection.Forward,
        referenceTypeId: ReferenceTypeIds.HierarchicalReferences,
        includeSubtypes: true,
        nodeClassMask: NodeClass.Object | NodeClass.Variable,
        resultMask: 0x3f,
      })),
    );
    let pending: Array<{ index: number; cp: Buffer }> = [];
    results.forEach((r, i) => {
      const index = offset + i;
      (out[index] as ReferenceDescription[]).push(...(r.references ?? []));
      if (r.continuationPoint !== null && r.continuationPoint !== undefined && r.continuationPoint.length > 0) pending.push({ index, cp: r.continuationPoint });
    });
    offset += chunk.length;
    done += results.reduce((n, r) => n + (r.references?.length ?? 0), 0);
    options.onPage?.(done);
    while (pending.length > 0) {
      const release = options.firstPageOnly || signal.aborted;
      const next: Array<{ index: number; cp: Buffer }> = [];
      for (const part of chunks(pending, context.limits.maxNodesPerBrowse, 1000)) {
        context.count();
        const more: BrowseResult[] = await session.browseNext(part.map((p) => p.cp), release);
        if (release) continue;
        more.forEach((r, i) => {
          const p = part[i] as { index: number };
          (out[p.index] as ReferenceDescription[]).push(...(r.references ?? []));
          done += r.references?.length ?? 0;
          if (r.continuationPoint !== null && r.continuationPoint !== undefined && r.continuationPoint.length > 0) next.push({ index: p.index, cp: r.continuationPoint });
        });
        options.onPage?.(done);
      }
      pending = next;
      checkAbort(signal);
    }
  }
  return out;
}

async function readAll(context: BrowseContext, items: Array<{ nodeId: NodeId; attributeId: AttributeIds }>, signal: AbortSignal): Promise<DataValue[]> {
  const out: DataValue[] = [];
  for (const chunk of chunks(items, context.limits.maxNodesPerRead, 2000)) {
    checkAbort(signal);
    context.count();
    out.push(...(await context.session.read(chunk)));
  }
  return out;
}

function isMetadata(ref: ReferenceDescription): boolean {
  return ref.referenceTypeId.namespace === 0 && ref.referenceTypeId.value === ReferenceTypeIds.HasProperty && METADATA_PROPERTIES.has(ref.browseName.name ?? '');
}

function valueRankText(rank: number): string {
  if (rank === -1) return 'Scalar';
  if (rank === -2) return 'Any';
  if (rank === -3) return 'ScalarOrOneDimension';
  if (rank === 0) return 'OneOrMoreDimensions';
  if (rank === 1) return 'OneDimension';
  return `${rank} dimensions`;
}

function accessText(level: number): string {
  const parts: string[] = [];
  if ((level & 1) !== 0) parts.push('read');
  if ((level & 2) !== 0) parts.push('write');
  if ((level & 4) !== 0) parts.push('history read');
  if ((level & 8) !== 0) parts.push('history write');
  return parts.length === 0 ? 'none' : parts.join(', ');
}

const good = (dv: DataValue | undefined): unknown => (dv !== undefined && dv.statusCode.isGood() ? dv.value.value : undefined);

export async function browseLevel(context: BrowseContext, ref: OpcuaNodeRef | undefined, options: LongOperationOptions): Promise<BrowseNode[]> {
  const { signal } = options;
  const parent = ref === undefined ? new NodeId(NodeIdType.NUMERIC, ObjectIds.ObjectsFolder, 0) : toNodeId(ref, context.namespaceArray);
  const [level] = await browseAll(context, [parent], signal, {
    firstPageOnly: false,
    onPage: (done) => options.onProgress?.({ done, message: `${done} references` }),
  });
  const children = (level ?? []).filter((r) => !isMetadata(r));
  if (children.length === 0) return [];
  const childIds = children.map((c) => new NodeId(c.nodeId.identifierType, c.nodeId.value, c.nodeId.namespace));

  // One level further: does a child have children of its own, and its EU properties.
  const grand = await browseAll(context, childIds, signal, { firstPageOnly: true });
  options.onProgress?.({ done: children.length, total: children.length, message: 'reading attributes' });

  const perChild = 7;
  const attributeIds = [AttributeIds.Description, AttributeIds.DataType, AttributeIds.ValueRank, AttributeIds.ArrayDimensions, AttributeIds.AccessLevel];
  const reads: Array<{ nodeId: NodeId; attributeId: AttributeIds }> = [];
  children.forEach((c, i) => {
    const nodeId = childIds[i] as NodeId;
    const euRange = (grand[i] ?? []).find((g) => g.browseName.name === 'EURange');
    const eu = (grand[i] ?? []).find((g) => g.browseName.name === 'EngineeringUnits');
    for (const attributeId of attributeIds) reads.push({ nodeId, attributeId: c.nodeClass === NodeClass.Variable || attributeId === AttributeIds.Description ? attributeId : AttributeIds.Description });
    reads.push({ nodeId: euRange === undefined ? nodeId : new NodeId(euRange.nodeId.identifierType, euRange.nodeId.value, euRange.nodeId.namespace), attributeId: euRange === undefined ? AttributeIds.Description : AttributeIds.Value });
    reads.push({ nodeId: eu === undefined ? nodeId : new NodeId(eu.nodeId.identifierType, eu.nodeId.value, eu.nodeId.namespace), attributeId: eu === undefined ? AttributeIds.Description : AttributeIds.Value });
  });
  const values = await readAll(context, reads, signal);

  // Names of data types outside namespace 0, read once per level.
  const foreignTypes = new Map<string, NodeId>();
  children.forEach((c, i) => {
    if (c.nodeClass !== NodeClass.Variable) return;
    const dt = good(values[i * perChild + 1]);
    if (dt instanceof NodeId && dt.namespace !== 0) foreignTypes.set(dt.toString(), dt);
  });
  const typeNames = new Map<string, string>();
  if (foreignTypes.size > 0) {
    const list = [...foreignTypes.values()];
    const names = await readAll(context, list.map((nodeId) => ({ nodeId, attributeId: AttributeIds.BrowseName })), signal);
    list.forEach((id, i) => {
      const name = (good(names[i]) as { name?: string } | undefined)?.name;
      if (name !== undefined) typeNames.set(id.toString(), name);
    });
  }

  return children.map((c, i): BrowseNode => {
    const nodeId = childIds[i] as NodeId;
    const nodeRef = formatNodeRef(fromNodeId(nodeId));
    const v = (k: number) => values[i * perChild + k];
    const name = c.displayName.text ?? c.browseName.name ?? nodeRef;
    const description = (good(v(0)) as { text?: string | null } | undefined)?.text ?? undefined;
    const ownChildren = (grand[i] ?? []).filter((g) => !isMetadata(g));
    const isFolder = c.nodeClass === NodeClass.Object && c.typeDefinition.namespace === 0 && c.typeDefinition.value === ObjectTypeIds.FolderType;
    const attributes: Record<string, string> = {
      'Node class': NodeClass[c.nodeClass] ?? String(c.nodeClass),
      NodeId: nodeRef,
      'Browse name': c.browseName.namespaceIndex === 0 ? (c.browseName.name ?? '') : `${c.browseName.namespaceIndex}:${c.browseName.name ?? ''}`,
      'Display name': name,
    };
    if (description !== undefined && description !== '') attributes.Description = description;
    const node: BrowseNode = { ref: nodeRef, name, kind: isFolder ? 'folder' : c.nodeClass === NodeClass.Variable ? 'point' : 'object', hasChildren: ownChildren.length > 0, attributes };
    if (c.nodeClass !== NodeClass.Variable) return node;

    const dt = good(v(1));
    if (dt instanceof NodeId) attributes['Data type'] = dt.namespace === 0 && typeof dt.value === 'number' ? (dataTypeNames.get(dt.value) ?? dt.toString()) : (typeNames.get(dt.toString()) ?? dt.toString());
    const rank = good(v(2));
    if (typeof rank === 'number') attributes['Value rank'] = valueRankText(rank);
    const dims = good(v(3));
    if (dims !== undefined && dims !== null && (dims as ArrayLike<number>).length > 0) attributes['Array dimensions'] = Array.from(dims as ArrayLike<number>).join(' x ');
    const access = good(v(4));
    if (typeof access === 'number') attributes.Access = accessText(access);
    const range = good(v(5)) as { low?: number; high?: number } | undefined;
    const eu = good(v(6)) as { displayName?: { text?: string | null }; description?: { text?: string | null } } | undefined;
    const unit = eu?.displayName?.text ?? undefined;
    if (unit !== undefined && unit !== '') attributes['Engineering unit'] = eu?.description?.text ? `${unit} (${eu.description.text})` : unit;
    const hasRange = range !== undefined && typeof range.low === 'number' && typeof range.high === 'number';
    if (hasRange) attributes['EU range'] = `${range.low} .. ${range.high}`;
    node.address = nodeRef;
    node.suggestion = { name, ...(unit !== undefined && unit !== '' ? { unit } : {}), ...(description !== undefined && description !== '' ? { description } : {}), ...(hasRange ? { low: range.low as number, high: range.high as number } : {}) };
    return node;
  });
}
