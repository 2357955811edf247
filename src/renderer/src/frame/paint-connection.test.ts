// The paint worker's connection over a fake contract client: watch waits for the socket, is said again after a
// reconnect, and a refused watch becomes a sentence for the page.
import { describe, expect, it } from 'vitest';
import type { FrameListener } from '../../../shared/contract';
import type { ServerState } from '../api/types';
import { framesConnectionOver } from './paint-connection';

function fakeApi(opts: { socket: boolean; refuse?: boolean }) {
  const requests: unknown[][] = [];
  const credits: string[] = [];
  let server: ((s: ServerState) => void) | null = null;
  let frame: FrameListener | null = null;
  const api = {
    request: (...args: unknown[]) => {
      requests.push(args);
      return opts.refuse ? Promise.reject(new Error('not allowed')) : Promise.resolve(undefined);
    },
    onFrame: (l: FrameListener) => ((frame = l), () => (frame = null)),
    credit: (c: string) => void credits.push(c),
    ...(opts.socket
      ? {
          onServer: (l: (s: ServerState) => void) => {
            server = l;
            l({ up: false, attempt: 0 });
            return () => (server = null);
          },
        }
      : {}),
  };
  return {
    api: api as never,
    requests,
    credits,
    server: (up: boolean) => server?.({ up, attempt: 0 }),
    frame: () => frame,
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('framesConnectionOver', () => {
  it('over a socket: watches once it is up, and again after every reconnect', () => {
    const f = fakeApi({ socket: true });
    const frames: number[] = [];
    let closed = 0;
    const c = framesConnectionOver(
      f.api,
      { frame: (m) => void frames.push(m.seq), problem: () => undefined },
      () => void closed++,
    );
    c.watch(['a']);
    expect(f.requests).toEqual([]); // not up yet
    f.server(true);
    expect(f.requests).toEqual([['watch', ['a'], { paced: true }]]);
    c.watch(['a', 'b']);
    f.server(false);
    f.server(true); // a new socket watches nothing until told
    expect(f.requests.at(-1)).toEqual(['watch', ['a', 'b'], { paced: true }]);
    expect(f.requests).toHaveLength(3);
    c.credit('a');
    expect(f.credits).toEqual(['a']);
    f.frame()!({ seq: 4 } as never, new Uint8Array());
    expect(frames).toEqual([4]);
    c.close();
    expect(closed).toBe(1);
    expect(f.frame()).toBeNull();
  });

  it('over a port: watches at once; a refused watch is a sentence for the page', async () => {
    const f = fakeApi({ socket: false, refuse: true });
    const problems: string[] = [];
    const c = framesConnectionOver(
      f.api,
      { frame: () => undefined, problem: (m) => void problems.push(m) },
      () => undefined,
    );
    c.watch(['a']);
    expect(f.requests).toHaveLength(1);
    await settle();
    expect(problems).toEqual(['the cameras’ frames could not be asked for (not allowed).']);
  });
});
