import type { CamdeckApi, Unsubscribe } from '../../../shared/contract';

/** The carrier link (WebSocket to the server); Electron IPC is always up. */
export interface LinkState {
  up: boolean;
  /** Reconnect attempt number while down (0 before the first failure). */
  attempt: number;
  error?: string;
  nextInMs?: number;
}

/** CamdeckApi plus the carrier's own link state, which the UI shows separately from the camera's. */
export interface RendererApi extends CamdeckApi {
  onLink?(listener: (s: LinkState) => void): Unsubscribe;
}

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent in a browser. */
    camdeck?: CamdeckApi;
  }
}
