// How components reach the page's one store: a provider at the root (main.tsx) and hooks below it.
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { RendererApi } from '../api';
import type { AppActions, AppStore } from './app-store';
import type { AppState } from './state';

const StoreContext = createContext<AppStore | null>(null);

export function AppStoreProvider({ store, children }: { store: AppStore; children: ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

/** The store itself, for event handlers and effects that read the latest state or subscribe. */
export function useAppStore(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('no AppStoreProvider above this component');
  return store;
}

/** A slice of the state; the component re-renders when it changes (wrap object slices in useShallow). */
export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(useAppStore(), selector);
}

export function useActions(): AppActions {
  return useAppStore().actions;
}

export function useApi(): RendererApi {
  return useAppStore().api;
}
