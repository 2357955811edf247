// What the page itself changes: toasts, settings, panels, the help popover.
import type { StoreApi } from 'zustand';
import type { AppError } from '../../../shared/contract';
import { dismissToast, pushToast, type Toast } from './reducers';
import type { AppState, PanelKey, Settings } from './state';

export interface UiActions {
  showToast(err: AppError & { title?: string }, kind?: Toast['kind']): void;
  closeToast(id: number): void;
  updateSettings(patch: Partial<Settings>): void;
  toggleTheme(): void;
  /** Show or hide the frame stats line. */
  toggleStats(): void;
  setPanelOpen(id: PanelKey, open: boolean): void;
  setHelpOpen(open: boolean): void;
  toggleHelp(): void;
  setAutoOpen(on: boolean): void;
}

export function createUiActions(store: StoreApi<AppState>): UiActions {
  const set = store.setState;
  let toastSeq = 1;
  const updateSettings = (patch: Partial<Settings>) =>
    set((s) => ({ settings: { ...s.settings, ...patch } }));
  return {
    showToast(err, kind = 'error') {
      const t: Toast = { ...err, id: toastSeq++, kind };
      set((s) => ({ toasts: pushToast(s.toasts, t) }));
      if (kind === 'error')
        console.warn(`[camdeck] ${err.code}: ${err.title ? `${err.title}: ` : ''}${err.message}`);
    },
    closeToast: (id) => set((s) => ({ toasts: dismissToast(s.toasts, id) })),
    updateSettings,
    toggleTheme: () =>
      updateSettings({ theme: store.getState().settings.theme === 'dark' ? 'light' : 'dark' }),
    toggleStats: () => updateSettings({ showStats: !store.getState().settings.showStats }),
    setPanelOpen(id, open) {
      const panels = store.getState().settings.panels;
      if (panels[id] !== open) updateSettings({ panels: { ...panels, [id]: open } });
    },
    setHelpOpen: (helpOpen) => set({ helpOpen }),
    toggleHelp: () => set((s) => ({ helpOpen: !s.helpOpen })),
    setAutoOpen: (autoOpenCameras) => updateSettings({ autoOpenCameras }),
  };
}
