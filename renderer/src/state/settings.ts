import { createStore, type StoreApi } from 'zustand/vanilla';
import { type TimeZoneChoice, isTimeZoneChoice } from '../format/time.js';

/** What the engineer chose in the header; survives a reload through localStorage. */
export interface SettingsState {
  /** Zone every timestamp is shown in; the other one is on hover. */
  timeZone: TimeZoneChoice;
  setTimeZone(choice: TimeZoneChoice): void;
}

/** The subset of Web Storage the settings need (window.localStorage, or a test double). */
export interface SettingsStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export const TIME_ZONE_KEY = 'sensorvault.timeZone';

export function createSettingsStore(storage: SettingsStorage | undefined): StoreApi<SettingsState> {
  let stored: string | null = null;
  try {
    stored = storage?.getItem(TIME_ZONE_KEY) ?? null;
  } catch {
    // Storage can be disabled (private mode, file://): fall back to the default.
  }
  return createStore<SettingsState>()((set) => ({
    timeZone: isTimeZoneChoice(stored) ? stored : 'local',
    setTimeZone: (choice) => {
      try {
        storage?.setItem(TIME_ZONE_KEY, choice);
      } catch {
        // Not persisted; the choice still applies to this window.
      }
      set({ timeZone: choice });
    },
  }));
}
