import type { CamdeckApi, Unsubscribe } from '../../../shared/contract';

/** The carrier's own link (the WebSocket to the server); the Electron port is always up. */
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
    /** Set in Electron once the contract client runs (for tools and tests); absent in a browser. */
    camdeck?: CamdeckApi;
  }
}
