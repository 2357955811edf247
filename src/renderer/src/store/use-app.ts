// How components reach the page's one store: a provider at the root (main.tsx) and hooks below it.
import { useStore } from 'zustand';
import type { RendererApi } from '../api';
import { requiredContext } from '../lib/required-context';
import type { AppActions, AppStore } from './app-store';
import type { AppState } from './state';

/** The store itself (useAppStore), for event handlers and effects that read the latest state or subscribe. */
export const [AppStoreProvider, useAppStore] = requiredContext<AppStore>('app store');

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
