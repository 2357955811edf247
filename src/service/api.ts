// The service surface both carriers (Electron main, browser-host server) drive. It is the contract's
// requests plus typed event subscription and a newest-frame-only frame feed.
import type { CamdeckEvents, CamdeckRequests, EventName, FrameMeta, Unsubscribe } from '../shared/contract';

export interface CamdeckService extends CamdeckRequests {
  on<K extends EventName>(name: K, listener: (payload: CamdeckEvents[K]) => void): Unsubscribe;
  /** Newest frame only; `image` is the JPEG exactly as received from the camera. */
  onFrame(listener: (meta: FrameMeta, image: Uint8Array) => void): Unsubscribe;
  close(): Promise<void>;
}
