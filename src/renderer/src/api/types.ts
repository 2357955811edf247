import type { CamdeckApi, Unsubscribe } from '../../../shared/contract';
import type { MessagePortLike } from '../../../rpc';

/** How the paint worker reaches the service: the browser host's WebSocket, or a contract port of its own. */
export type FramesCarrier = { kind: 'ws'; url: string } | { kind: 'port'; port: MessagePortLike };

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
  /** A second connection for the paint worker (the grid tiles' frames); absent where the carrier has none. */
  framesCarrier?(): Promise<FramesCarrier>;
}

declare global {
  interface Window {
    /** Set in Electron once the contract client runs (for tools and tests); absent in a browser. */
    camdeck?: CamdeckApi;
  }
}
