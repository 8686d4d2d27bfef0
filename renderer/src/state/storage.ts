import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApiError, SensorVaultApi } from '../../../shared/api/contract.js';
import type { CapacityPlan, DbStats, PruneRecord } from '../../../shared/history/types.js';

/** The storage screen: the capacity plan for a budget, the database's own numbers, and prunes seen this session. */
export interface StorageState {
  plan?: CapacityPlan;
  planError?: ApiError;
  /** Budget asked for (bytes); undefined: the project's store budget. */
  budgetBytes?: number;
  planning: boolean;
  stats?: DbStats;
  statsError?: ApiError;
  /** `store:pruned` events since the app started, newest first (at most 20). */
  prunes: PruneRecord[];
}

export interface StorageActions {
  loadPlan(budgetBytes?: number): Promise<void>;
  loadStats(): Promise<void>;
  dismissPrunes(): void;
  /** Subscribes to `store:pruned`; returns the disposer. */
  watch(): () => void;
}

export type StorageStore = StoreApi<StorageState & StorageActions>;

const MAX_PRUNES = 20;

export function createStorageStore(api: SensorVaultApi): StorageStore {
  return createStore<StorageState & StorageActions>()((set, get) => ({
    planning: false,
    prunes: [],
    async loadPlan(budgetBytes) {
      set({ planning: true, budgetBytes });
      const answer = await api.planCapacity(budgetBytes === undefined ? {} : { budgetBytes });
      // A later request (another budget) wins over an earlier answer.
      if (get().budgetBytes !== budgetBytes) return;
      if (answer.ok) set({ plan: answer.result, planError: undefined, planning: false });
      else set({ planError: answer.error, planning: false });
    },
    async loadStats() {
      const answer = await api.getDbStats({});
      if (answer.ok) set({ stats: answer.result, statsError: undefined });
      else set({ statsError: answer.error });
    },
    dismissPrunes: () => set({ prunes: [] }),
    watch() {
      return api.onStorePruned((record) => {
        set((s) => ({ prunes: [record, ...s.prunes].slice(0, MAX_PRUNES) }));
        void get().loadStats();
      });
    },
  }));
}
