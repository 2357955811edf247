import type { CamdeckApi, Unsubscribe } from '../../../shared/contract';

/** The page's connection to the camdeck server (the WebSocket); the Electron port is always up. */
export interface ServerState {
  up: boolean;
  /** Reconnect attempt number while down (0 before the first failure). */
  attempt: number;
  error?: string;
  nextInMs?: number;
}

/** CamdeckApi plus the state of the connection to the server, which the UI shows separately from the camera's. */
export interface RendererApi extends CamdeckApi {
  onServer?(listener: (s: ServerState) => void): Unsubscribe;
}

declare global {
  interface Window {
    /** Set in Electron once the contract client runs (for tools and tests); absent in a browser. */
    camdeck?: CamdeckApi;
  }
}
