import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { Session } from './state/session.js';

const SessionContext = createContext<Session | undefined>(undefined);

export function SessionProvider({ session, children }: { session: Session; children: ReactNode }) {
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === undefined) throw new Error('useSession outside SessionProvider');
  return session;
}

type StoreKey = 'system' | 'devices' | 'catalog' | 'live' | 'selection' | 'trend' | 'clock' | 'settings';
type StateOf<K extends StoreKey> = ReturnType<Session[K]['getState']>;

/** Subscribes a component to one slice of one session store. */
export function useSessionStore<K extends StoreKey, T>(key: K, selector: (state: StateOf<K>) => T): T {
  const store = useSession()[key] as unknown as Parameters<typeof useStore>[0];
  return useStore(store, selector as (state: unknown) => T);
}

type EditorStoreKey = 'navigation' | 'drivers' | 'project' | 'certificates' | 'operations' | 'browse';
type EditorStateOf<K extends EditorStoreKey> = ReturnType<Session['editor'][K]['getState']>;

/** Subscribes a component to one slice of one editor store (screens, drivers, browse, operations…). */
export function useEditorStore<K extends EditorStoreKey, T>(key: K, selector: (state: EditorStateOf<K>) => T): T {
  const store = useSession().editor[key] as unknown as Parameters<typeof useStore>[0];
  return useStore(store, selector as (state: unknown) => T);
}

type MappingStateOf = ReturnType<Session['mapping']['getState']>;

/** Subscribes a component to one slice of the mapping editor's store. */
export function useMapping<T>(selector: (state: MappingStateOf) => T): T {
  return useStore(useSession().mapping, selector);
}
