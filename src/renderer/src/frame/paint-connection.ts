// The paint worker's own link to the service (paint-worker-core's FramesConnection): the browser host's
// WebSocket (reconnecting, watching again once it is back) or a contract port of its own (Electron).
import type { CameraId } from '../../../shared/contract';
import { contractClient, deferredPagePort, type MessagePortLike } from '../../../rpc';
import { createWsApi } from '../api/ws-client';
import type { RendererApi } from '../api/types';
import type { FramesConnection, FramesHandlers } from './paint-worker-core';

type FramesApi = Pick<RendererApi, 'request' | 'onFrame' | 'credit' | 'onServer'>;

/** Watch, credit and frames over any contract client; `close` ends the carrier under it. */
export function framesConnectionOver(
  api: FramesApi,
  on: FramesHandlers,
  close: () => void,
): FramesConnection {
  let cameras: CameraId[] = [];
  let up = !api.onServer; // a port is up from the start (its requests wait for it); a socket says when
  const send = () => {
    if (!up) return;
    // paced: the worker credits each frame as it takes it, so nothing is sent only to be dropped
    api.request('watch', cameras, { paced: true }).catch((e: unknown) => {
      on.problem(
        `the cameras’ frames could not be asked for (${e instanceof Error ? e.message : String(e)}).`,
      );
    });
  };
  const offFrame = api.onFrame(on.frame);
  const offServer = api.onServer?.((s) => {
    const was = up;
    up = s.up;
    if (up && !was) send(); // a new connection watches nothing until told
  });
  return {
    watch(ids) {
      cameras = ids;
      send();
    },
    credit: (camera) => api.credit(camera),
    close() {
      offFrame();
      offServer?.();
      close();
    },
  };
}

export function wsFrames(url: string, on: FramesHandlers): FramesConnection {
  const api = createWsApi({ url });
  return framesConnectionOver(api, on, () => api.close());
}

export function portFrames(port: MessagePortLike, on: FramesHandlers): FramesConnection {
  const page = deferredPagePort();
  page.attach(port);
  const client = contractClient(page, { carrier: 'electron', peer: 'the camdeck main process' });
  return framesConnectionOver(client, on, () => {
    client.dispose('the frames port is closed');
    port.close();
  });
}
