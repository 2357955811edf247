// The messages of the one RPC core, the same on every carrier (the Electron MessagePort, the WebSocket): requests
// from a page, replies and events from the service, and frames. A carrier only moves them; it never looks inside.
import type { CameraId, CamdeckEvents, EventName, FrameMeta, Unsubscribe } from '../shared/contract';

/** How a failure travels: the service's stable code, the cause as a sentence, and the hint apart. */
export interface WireError {
  code: string;
  message: string;
  hint?: string;
}

export interface RequestMessage {
  type: 'request';
  id: number;
  name: string;
  args: unknown[];
}

export type ReplyMessage =
  | { type: 'reply'; id: number; ok: true; result: unknown }
  | { type: 'reply'; id: number; ok: false; error: WireError };

/** `camera` names the camera a camera event is about; absent on the service's own events. */
export type EventMessage = {
  [K in EventName]: { type: 'event'; name: K; camera?: CameraId; payload: CamdeckEvents[K] };
}[EventName];

export interface FrameMessage {
  type: 'frame';
  meta: FrameMeta;
  /** The encoded image exactly as the camera sent it. */
  image: Uint8Array;
}

/** A paced page took `camera`'s last frame: the next may come (see `watch`'s `paced`). No reply. */
export interface CreditMessage {
  type: 'credit';
  camera: CameraId;
}

export type PageMessage = RequestMessage | CreditMessage;
export type ServiceMessage = ReplyMessage | EventMessage | FrameMessage;
export type RpcMessage = PageMessage | ServiceMessage;

/** What a carrier hands the core for input it could not decode (bad JSON, a stray binary message). */
export interface UndecodableMessage {
  type: 'undecodable';
  why: string;
}

/**
 * One end of a message-passing link. `receive` gets whatever arrived (the core checks its shape: carriers never
 * trust input); `onClose` fires when messages in flight are lost (socket gone, window reloaded).
 */
export interface RpcPort<Out extends RpcMessage> {
  send(message: Out): void;
  onMessage(listener: (message: unknown) => void): Unsubscribe;
  onClose(listener: (reason: string) => void): Unsubscribe;
}

/** A page-side port that may be down for a while (a WebSocket between reconnects). */
export interface PagePort extends RpcPort<PageMessage> {
  /** Why a request cannot be sent now (a sentence), or null when it can. */
  unavailable(): string | null;
}

export type ServicePort = RpcPort<ServiceMessage>;

/** The listener half every port repeats: message and close subscribers, and telling them. */
export function portListeners(): Pick<RpcPort<never>, 'onMessage' | 'onClose'> & {
  message(m: unknown): void;
  close(why: string): void;
} {
  const messages = new Set<(m: unknown) => void>();
  const closes = new Set<(why: string) => void>();
  return {
    onMessage(l) {
      messages.add(l);
      return () => void messages.delete(l);
    },
    onClose(l) {
      closes.add(l);
      return () => void closes.delete(l);
    },
    message: (m) => messages.forEach((l) => l(m)),
    close: (why) => closes.forEach((l) => l(why)),
  };
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
