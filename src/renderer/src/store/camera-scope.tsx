// The camera a part of the page is about: the focus view and each grid tile put their camera's key in a
// CameraScope, and the camera components below (config, channels, stats, console, frame view) read that
// camera's view and act on it alone.
import { useMemo } from 'react';
import type { ConfigValue } from '../../../shared/contract';
import { requiredContext } from '../lib/required-context';
import { viewOf, type CameraView } from './camera-view';
import { useActions, useApp } from './use-app';

/** The tile key (the camera id once open). */
export const [CameraScope, useCameraKey] = requiredContext<string>('camera scope');

/** A slice of this camera's view (wrap object slices in useShallow). */
export function useCamera<T>(selector: (v: CameraView) => T): T {
  const key = useCameraKey();
  return useApp((s) => selector(viewOf(s.cameras, key)));
}

export interface ScopedCameraActions {
  loadConfig(): Promise<void>;
  editConfig(key: string, value: ConfigValue): void;
  setConfigDragging(key: string, dragging: boolean): void;
  toggleStreaming(): Promise<void>;
  clearConsole(): void;
}

/** The camera actions bound to this scope's camera. */
export function useCameraActions(): ScopedCameraActions {
  const camera = useCameraKey();
  const a = useActions();
  return useMemo(
    () => ({
      loadConfig: () => a.loadConfig(camera),
      editConfig: (key, value) => a.editConfig(camera, key, value),
      setConfigDragging: (key, dragging) => a.setConfigDragging(camera, key, dragging),
      toggleStreaming: () => a.toggleStreaming(camera),
      clearConsole: () => a.clearConsole(camera),
    }),
    [a, camera],
  );
}
