// The renderer's store: a factory, so the page makes one (main.tsx) and each test its own. The state is a
// zustand store; `actions` are the only writers besides `bind`, which applies the carrier's pushed events.
import { createStore } from 'zustand';
import { persist, type StateStorage } from 'zustand/middleware';
import type { RendererApi } from '../api';
import { createCameraActions, type CameraActions } from './actions';
import { bindApi } from './bind';
import type { WatchOptions } from './watch-sync';
import { settingsPersistence } from './settings-storage';
import { initialState, type AppState } from './state';
import { createUiActions, type UiActions } from './ui-actions';
import { createWorkspaceActions, type WorkspaceActions } from './workspace-actions';

export type AppActions = CameraActions & WorkspaceActions & UiActions;

function createStateStore(carrier: AppState['carrier'], storage?: StateStorage) {
  return createStore<AppState>()(persist(() => initialState(carrier), settingsPersistence(storage)));
}

export type AppStore = ReturnType<typeof createStateStore> & {
  readonly api: RendererApi;
  readonly actions: AppActions;
  /** Apply the carrier's pushed events from now on (and open the saved cameras); returns the unwiring. */
  bind(opts?: WatchOptions): () => void;
};

export interface AppStoreOptions {
  /** Where settings persist; localStorage (or memory where it is missing) by default. */
  storage?: StateStorage;
}

export function createAppStore(api: RendererApi, options: AppStoreOptions = {}): AppStore {
  const state = createStateStore(api.carrier, options.storage);
  const ui = createUiActions(state);
  const camera = createCameraActions(state, api, ui);
  const actions: AppActions = { ...ui, ...camera, ...createWorkspaceActions(state, api, ui, camera) };
  return { ...state, api, actions, bind: (opts) => bindApi(state, api, actions, opts) };
}
