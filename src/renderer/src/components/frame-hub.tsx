// The page's frame hub (src/frame/hub.ts) wired to the store: one LiveFrames per camera, snapshots saved for
// that camera, decode errors as toasts, a camera's frames released once its tile has left the workspace.
import type { ReactNode } from 'react';
import { createFrameHub, type DeliveredFrames, type FrameHub } from '../frame/hub';
import { decodeErrorToasts } from '../frame/live';
import { saveShown } from '../frame/snapshot';
import { LiveFramesProvider } from '../frame/use-live-frames';
import { requiredContext } from '../lib/required-context';
import type { AppStore } from '../store/app-store';
import { useCameraKey } from '../store/camera-scope';
import { tileKey } from '../store/workspace';

export const [FrameHubProvider, useFrameHub] = requiredContext<FrameHub>('frame hub');

/** `delivered`: the paint worker's decoded frames, where the page has one (else the carrier's frames). */
export function createPageFrames(store: AppStore, delivered: DeliveredFrames | null): FrameHub {
  const { carrier } = store.getState();
  const { showToast, saveSnapshot } = store.actions;
  return createFrameHub(store.api, {
    ...(delivered ? { delivered } : {}),
    onDecodeError: decodeErrorToasts(store),
    snapshot: (camera, shown, picture, format) =>
      saveShown(shown, picture, format, {
        carrier,
        showToast,
        save: (f, seq) => saveSnapshot(camera, f, seq),
      }),
  });
}

/** Release the frames of tiles taken off the page (or re-keyed to their camera id); returns the unwiring. */
export function releaseGoneTiles(store: AppStore, hub: FrameHub): () => void {
  return store.subscribe((s, prev) => {
    if (s.settings.workspace.cameras === prev.settings.workspace.cameras) return;
    const now = new Set(s.settings.workspace.cameras.map(tileKey));
    for (const c of prev.settings.workspace.cameras) if (!now.has(tileKey(c))) hub.release(tileKey(c));
  });
}

/** The scope's camera's live frames for the frame view below. */
export function CameraFrames({ children }: { children: ReactNode }) {
  const hub = useFrameHub();
  const key = useCameraKey();
  return <LiveFramesProvider value={hub.camera(key)}>{children}</LiveFramesProvider>;
}
