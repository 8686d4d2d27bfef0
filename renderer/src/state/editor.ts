import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApiError, Envelope, SensorVaultApi } from '../../../shared/api/contract.js';
import type { BrowseNode, Certificate, DriverInfo, Operation, ProfileEntry } from '../../../shared/api/types.js';
import type { Device, Profile, Project } from '../../../shared/project.js';
import type { Issue } from '../forms/project-edits.js';
import { expandProject } from '../../../shared/mapping/profiles.js';
import type { ModbusScan } from '../../../shared/api/types.js';

/*
 * Project editing, browsing, long operations and certificates: the host calls behind the
 * "Devices & tags" and "Certificates" screens. Components call these functions and read
 * these stores; they never call the host themselves.
 */

export type Tab = 'live' | 'devices' | 'mapping' | 'certificates' | 'storage';

export interface NavigationState {
  tab: Tab;
  /** Device shown on the "Devices & tags" screen. */
  deviceId?: string;
  /** What the last edit did, in words (shown until the next one). */
  notice?: string;
  setTab(tab: Tab): void;
  setNotice(notice: string | undefined): void;
  selectDevice(deviceId: string | undefined): void;
}

export interface DriversState {
  loaded: boolean;
  drivers: readonly DriverInfo[];
  error?: ApiError;
}

export interface ProjectState {
  project?: Project;
  error?: ApiError;
}

export interface CertificatesState {
  loaded: boolean;
  certificates: readonly Certificate[];
  error?: ApiError;
}

export interface OperationsState {
  /** Every operation this page started or heard of, latest state (with result once fetched). */
  byId: ReadonlyMap<string, Operation>;
}

/** A device's poll groups from the running project; one frozen empty list when unknown (selectors must return stable values). */
const NO_POLL_GROUPS: Device['pollGroups'] = Object.freeze([]) as unknown as Device['pollGroups'];
export function pollGroupsOf(state: ProjectState, deviceId: string): Device['pollGroups'] {
  return state.project?.devices.find((d) => d.id === deviceId)?.pollGroups ?? NO_POLL_GROUPS;
}

/** Parent key of the root level in a browse tree. */
export const ROOT = '\u0000root';

export interface ChildList {
  status: 'loading' | 'ready' | 'error';
  refs: string[];
  error?: ApiError;
}

/** A lazily loaded address space; maps are filled in place and `version` bumps on every change. */
export interface BrowseState {
  deviceId?: string;
  nodes: Map<string, BrowseNode>;
  /** Children per parent ref (`ROOT` for the top level). */
  children: Map<string, ChildList>;
  parents: Map<string, string>;
  expanded: Set<string>;
  /** Ticked point refs. */
  checked: Set<string>;
  focused?: string;
  version: number;
}

/** The outcome of one project edit, in the terms a form needs. */
export type EditOutcome =
  | { kind: 'applied'; savedTo: string | null }
  | { kind: 'issues'; issues: Issue[]; deviceIndex: number; tagBase: number }
  | { kind: 'error'; error: ApiError };

export interface Editor {
  navigation: StoreApi<NavigationState>;
  drivers: StoreApi<DriversState>;
  project: StoreApi<ProjectState>;
  certificates: StoreApi<CertificatesState>;
  operations: StoreApi<OperationsState>;
  browse: StoreApi<BrowseState>;
  loadDrivers(): Promise<void>;
  loadProject(): Promise<Project | undefined>;
  loadCertificates(): Promise<void>;
  addDevice(device: Record<string, unknown>): Promise<EditOutcome>;
  removeDevice(deviceId: string): Promise<EditOutcome>;
  /** Replaces one device block (same id) through project:apply; the host restarts that device only. */
  updateDevice(device: Device): Promise<EditOutcome>;
  addTags(deviceId: string, tags: readonly Record<string, unknown>[]): Promise<EditOutcome>;
  removeTags(tagIds: readonly string[]): Promise<EditOutcome>;
  writeTag(tagId: string, value: number | boolean | string): Promise<Envelope<unknown>>;
  /** After a clock-skew warning: every tag of the device that takes the device's time takes the receive time instead (tags:apply). */
  useReceiveTime(deviceId: string): Promise<EditOutcome & { changed?: number }>;
  /** The register-map assistant's live read (modbus:scan); RegisterAssistant.tsx shows it. */
  scanRegisters(params: { deviceId: string; from: string; count: number }): Promise<Envelope<ModbusScan>>;
  /** Opens a device's address space at the root (resets the tree when the device changes). */
  openBrowse(deviceId: string): void;
  /** Loads one level below ref (again, when it failed or `force`). */
  loadChildren(ref: string, force?: boolean): void;
  toggleExpanded(ref: string): void;
  toggleChecked(refs: readonly string[], checked: boolean): void;
  clearChecked(): void;
  focusNode(ref: string | undefined): void;
  startBrowse(deviceId: string, ref: string | undefined): Promise<Envelope<Operation>>;
  startDiscovery(driverId: string, settings: Record<string, unknown>): Promise<Envelope<Operation>>;
  /** Starts a tags CSV import (a preview unless `apply`); progress lands in `operations`. */
  startTagsImport(csv: string, apply: boolean): Promise<Envelope<Operation>>;
  exportTagsCsv(separator: ',' | ';', bom: boolean): Promise<Envelope<{ csv: string; rows: number }>>;
  listProfiles(): Promise<Envelope<ProfileEntry[]>>;
  /** Saves a profile into the project; on success the project and tag lists are re-read. */
  saveProfile(profile: Profile): Promise<EditOutcome>;
  applyProfile(params: { deviceId: string; profileId: string; prefix?: string; assetPath?: string; params: Record<string, string | number> }): Promise<EditOutcome>;
  cancelOperation(operationId: string): Promise<void>;
  trustCertificate(thumbprint: string): Promise<Envelope<Certificate>>;
  rejectCertificate(thumbprint: string): Promise<Envelope<Certificate>>;
  /** Operation progress event from the host. */
  onProgress(operation: Omit<Operation, 'result'>): void;
  stop(): void;
}

export interface EditorOptions {
  /** Called after every applied edit, so devices and tags are re-read. */
  afterApply(): void;
  /** How often a running operation is re-read in case a progress event was missed. */
  operationPollMs?: number;
}

const terminal = (state: Operation['state']) => state !== 'running';

export function createEditor(api: SensorVaultApi, options: EditorOptions): Editor {
  const pollMs = options.operationPollMs ?? 1_000;
  const navigation = createStore<NavigationState>()((set) => ({
    tab: 'live',
    setTab: (tab) => set({ tab }),
    setNotice: (notice) => set({ notice }),
    selectDevice: (deviceId) => set({ deviceId }),
  }));
  const drivers = createStore<DriversState>()(() => ({ loaded: false, drivers: [] }));
  const project = createStore<ProjectState>()(() => ({}));
  const certificates = createStore<CertificatesState>()(() => ({ loaded: false, certificates: [] }));
  const operations = createStore<OperationsState>()(() => ({ byId: new Map() }));
  const browse = createStore<BrowseState>()(() => emptyTree(undefined));
  const pollers = new Map<string, ReturnType<typeof setInterval>>();
  /** Finished operations whose result was already asked for (once is enough). */
  const resultsFetched = new Set<string>();
  /** Bumped when the browsed device changes, so late answers for the old tree are dropped. */
  let treeGeneration = 0;

  function emptyTree(deviceId: string | undefined): BrowseState {
    return { deviceId, nodes: new Map(), children: new Map(), parents: new Map(), expanded: new Set(), checked: new Set(), version: 0 };
  }

  function bump(): void {
    browse.setState((s) => ({ version: s.version + 1 }));
  }

  async function loadDrivers(): Promise<void> {
    const answer = await api.listDrivers({});
    if (answer.ok) drivers.setState({ loaded: true, drivers: answer.result, error: undefined });
    else drivers.setState({ error: answer.error });
  }

  async function loadProject(): Promise<Project | undefined> {
    const answer = await api.getProject({});
    if (answer.ok) {
      project.setState({ project: answer.result, error: undefined });
      return answer.result;
    }
    project.setState({ error: answer.error });
    return undefined;
  }

  async function loadCertificates(): Promise<void> {
    const answer = await api.listCertificates({});
    if (answer.ok) certificates.setState({ loaded: true, certificates: answer.result, error: undefined });
    else certificates.setState({ error: answer.error });
  }

  /** Runs an edit; on success re-reads the project and lets the session refresh its lists. */
  async function edit(call: () => Promise<Envelope<{ issues: Issue[]; applied: boolean; savedTo: string | null }>>, deviceIndex: number, tagBase: number): Promise<EditOutcome> {
    const answer = await call();
    if (!answer.ok) return { kind: 'error', error: answer.error };
    if (!answer.result.applied || answer.result.issues.length > 0) return { kind: 'issues', issues: answer.result.issues, deviceIndex, tagBase };
    await loadProject();
    options.afterApply();
    return { kind: 'applied', savedTo: answer.result.savedTo };
  }

  /** The running project, fresh, so issue paths can be mapped back to what was submitted. */
  async function current(): Promise<Project | { error: ApiError }> {
    const answer = await api.getProject({});
    if (!answer.ok) return { error: answer.error };
    project.setState({ project: answer.result, error: undefined });
    return answer.result;
  }

  function track(operation: Operation): void {
    operations.setState((s) => ({ byId: new Map(s.byId).set(operation.operationId, operation) }));
    if (terminal(operation.state)) {
      stopPolling(operation.operationId);
      if (operation.result === undefined && !resultsFetched.has(operation.operationId)) {
        resultsFetched.add(operation.operationId);
        void fetchOperation(operation.operationId);
      }
      return;
    }
    if (!pollers.has(operation.operationId)) {
      pollers.set(operation.operationId, setInterval(() => void fetchOperation(operation.operationId), pollMs));
    }
  }

  function stopPolling(operationId: string): void {
    const timer = pollers.get(operationId);
    if (timer !== undefined) clearInterval(timer);
    pollers.delete(operationId);
  }

  async function fetchOperation(operationId: string): Promise<void> {
    const answer = await api.getOperation({ operationId });
    if (answer.ok) track(answer.result);
    else if (answer.error.code === 'not-found') {
      stopPolling(operationId);
      const known = operations.getState().byId.get(operationId);
      if (known !== undefined && !terminal(known.state)) track({ ...known, state: 'failed', error: answer.error.message });
    }
  }

  function loadChildren(ref: string, force = false): void {
    const state = browse.getState();
    const deviceId = state.deviceId;
    if (deviceId === undefined) return;
    const existing = state.children.get(ref);
    if (existing !== undefined && existing.status !== 'error' && !force) return;
    state.children.set(ref, { status: 'loading', refs: existing?.refs ?? [] });
    bump();
    const generation = treeGeneration;
    void api.browseDevice(ref === ROOT ? { deviceId } : { deviceId, ref }).then((answer) => {
      if (generation !== treeGeneration) return;
      const tree = browse.getState();
      if (!answer.ok) {
        tree.children.set(ref, { status: 'error', refs: [], error: answer.error });
        bump();
        return;
      }
      const refs: string[] = [];
      for (const node of answer.result) {
        tree.nodes.set(node.ref, node);
        tree.parents.set(node.ref, ref);
        refs.push(node.ref);
      }
      tree.children.set(ref, { status: 'ready', refs });
      bump();
    });
  }

  return {
    navigation,
    drivers,
    project,
    certificates,
    operations,
    browse,
    loadDrivers,
    loadProject,
    loadCertificates,
    async addDevice(device) {
      const running = await current();
      if ('error' in running) return { kind: 'error', error: running.error };
      return edit(() => api.addDevice({ device }), running.devices.length, 0);
    },
    async removeDevice(deviceId) {
      return edit(() => api.removeDevice({ deviceId }), -1, 0);
    },
    async updateDevice(device) {
      const running = await current();
      if ('error' in running) return { kind: 'error', error: running.error };
      const deviceIndex = running.devices.findIndex((d: Device) => d.id === device.id);
      if (deviceIndex < 0) return { kind: 'error', error: { code: 'not-found', message: `device "${device.id}" is no longer in the project (removed meanwhile?); close this dialog and look again` } };
      const project = { ...running, devices: running.devices.map((d, i) => (i === deviceIndex ? device : d)) };
      return edit(() => api.applyProject({ project }), deviceIndex, 0);
    },
    async addTags(deviceId, tags) {
      const running = await current();
      if ('error' in running) return { kind: 'error', error: running.error };
      const deviceIndex = running.devices.findIndex((d: Device) => d.id === deviceId);
      const tagBase = running.devices[deviceIndex]?.tags.length ?? 0;
      return edit(() => api.addTags({ deviceId, tags: [...tags] }), deviceIndex, tagBase);
    },
    async removeTags(tagIds) {
      return edit(() => api.removeTags({ tagIds: [...tagIds] }), -1, 0);
    },
    writeTag: (tagId, value) => api.writeTag({ tagId, value }),
    async useReceiveTime(deviceId) {
      const running = await current();
      if ('error' in running) return { kind: 'error', error: running.error };
      const device = expandProject(running).project.devices.find((d) => d.id === deviceId);
      const upserts = (device?.tags ?? []).filter((t) => t.timestamp.source !== 'receive').map((tag) => ({ deviceId, tag: { ...tag, timestamp: { source: 'receive' as const } } }));
      if (upserts.length === 0) return { kind: 'applied', savedTo: null, changed: 0 };
      const outcome = await edit(() => api.applyTagChanges({ upserts }), -1, 0);
      return { ...outcome, changed: upserts.length };
    },
    scanRegisters: (params) => api.scanRegisters(params),
    openBrowse(deviceId) {
      if (browse.getState().deviceId !== deviceId) {
        treeGeneration++;
        browse.setState(emptyTree(deviceId));
      }
      loadChildren(ROOT);
    },
    loadChildren,
    toggleExpanded(ref) {
      const state = browse.getState();
      if (state.expanded.has(ref)) state.expanded.delete(ref);
      else {
        state.expanded.add(ref);
        loadChildren(ref);
      }
      bump();
    },
    toggleChecked(refs, checked) {
      const state = browse.getState();
      for (const ref of refs) {
        if (checked) state.checked.add(ref);
        else state.checked.delete(ref);
      }
      bump();
    },
    clearChecked() {
      browse.getState().checked.clear();
      bump();
    },
    focusNode(ref) {
      browse.setState((s) => ({ focused: ref, version: s.version + 1 }));
    },
    async startBrowse(deviceId, ref) {
      const answer = await api.startBrowse(ref === undefined ? { deviceId, maxDepth: 16, maxNodes: 100_000 } : { deviceId, ref, maxDepth: 16, maxNodes: 100_000 });
      if (answer.ok) track(answer.result);
      return answer;
    },
    async startDiscovery(driverId, settings) {
      const answer = await api.startDiscovery({ driverId, settings });
      if (answer.ok) track(answer.result);
      return answer;
    },
    async startTagsImport(csv, apply) {
      const answer = await api.startTagsImport({ csv, apply });
      if (answer.ok) track(answer.result);
      return answer;
    },
    exportTagsCsv: (separator, bom) => api.exportTagsCsv({ separator, bom }),
    listProfiles: () => api.listProfiles({}),
    saveProfile: (profile) => edit(() => api.saveProfile({ profile }), -1, 0),
    applyProfile: (params) => edit(() => api.applyProfile(params), -1, 0),
    async cancelOperation(operationId) {
      const answer = await api.cancelOperation({ operationId });
      if (answer.ok) track(answer.result);
    },
    async trustCertificate(thumbprint) {
      const answer = await api.trustCertificate({ thumbprint });
      await loadCertificates();
      return answer;
    },
    async rejectCertificate(thumbprint) {
      const answer = await api.rejectCertificate({ thumbprint });
      await loadCertificates();
      return answer;
    },
    onProgress(progress) {
      const known = operations.getState().byId.get(progress.operationId);
      track({ ...progress, ...(known?.result === undefined ? {} : { result: known.result }) });
    },
    stop() {
      for (const timer of pollers.values()) clearInterval(timer);
      pollers.clear();
    },
  };
}
