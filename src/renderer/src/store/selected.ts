// The selected tile: what the focus view shows, the status bar describes and the toolbar's snapshots save.
import { viewOf, type CameraView } from './camera-view';
import type { AppState } from './state';

export function selectedKey(s: AppState): string | null {
  return s.settings.workspace.selected;
}

export function selectedView(s: AppState): CameraView {
  return viewOf(s.cameras, selectedKey(s));
}
