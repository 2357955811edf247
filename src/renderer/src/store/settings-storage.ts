// Where the settings are persisted, and how an older build's saved settings are read.
import { createJSONStorage, type PersistOptions, type StateStorage } from 'zustand/middleware';
import { defaultSettings, type AppState, type Settings } from './state';
import { sanitizeWorkspace } from './workspace';

/** Where settings live when localStorage is missing or blocked (Node tests, locked-down profiles). */
function baseStorage(): StateStorage {
  try {
    if (globalThis.localStorage) return globalThis.localStorage;
  } catch {
    // access denied: fall through to memory
  }
  return memoryStorage();
}

export function memoryStorage(): StateStorage {
  const mem = new Map<string, string>();
  return {
    getItem: (k) => mem.get(k) ?? null,
    setItem: (k, v) => void mem.set(k, v),
    removeItem: (k) => void mem.delete(k),
  };
}

/** persist() saves on every setState (stats, config, …); write through only when the settings changed. */
function writeOnChange(base: StateStorage): StateStorage {
  const last = new Map<string, string>();
  return {
    getItem: (k) => base.getItem(k),
    setItem: (k, v) => {
      if (last.get(k) === v) return;
      last.set(k, v);
      return base.setItem(k, v);
    },
    removeItem: (k) => {
      last.delete(k);
      return base.removeItem(k);
    },
  };
}

export type PersistedSettings = { settings: Settings };

export function settingsPersistence(
  storage: StateStorage = baseStorage(),
): PersistOptions<AppState, PersistedSettings> {
  return {
    name: 'camdeck.settings',
    version: 1,
    storage: createJSONStorage(() => writeOnChange(storage)),
    partialize: (s) => ({ settings: s.settings }),
    // Settings saved by an older build may lack newer keys: fill them from the defaults.
    merge: (persisted, current) => {
      const p = (persisted as { settings?: Partial<Settings> } | undefined)?.settings ?? {};
      return {
        ...current,
        settings: {
          ...defaultSettings,
          ...p,
          panels: { ...defaultSettings.panels, ...(p.panels ?? {}) },
          workspace: sanitizeWorkspace(p.workspace),
        },
      };
    },
  };
}
