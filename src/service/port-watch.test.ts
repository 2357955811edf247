// Hot-plug: the port list is pushed only when it changes, and a port that flickers while Linux enumerates it
// (appears, vanishes, reappears within the settle time) is one change. A fake clock and a driven poll.
import { describe, expect, it } from 'vitest';
import type { PortInfo } from '../model';
import { PortWatch } from './port-watch';

const port = (target: string): PortInfo => ({ target, path: target, isCamera: true });

function rig() {
  let now = 0;
  let listed: string[] = ['demo'];
  const pushed: string[][] = [];
  let ticking: (() => void) | null = null;
  const watch = new PortWatch({
    list: async () => listed.map(port),
    changed: (ports) => pushed.push(ports.map((p) => p.target).sort()),
    intervalMs: 1000,
    settleMs: 2000,
    now: () => now,
    every: (_ms, fn) => ((ticking = fn), () => (ticking = null)),
  });
  /** `ms` later, with `ports` listed: one poll. */
  const at = async (ms: number, ports: string[]): Promise<void> => {
    now = ms;
    listed = ports;
    await watch.poll();
  };
  return { watch, pushed, at, ticking: () => ticking };
}

describe('port watch', () => {
  it('the first look is the baseline; an unchanged list is never pushed', async () => {
    const r = rig();
    for (let t = 0; t < 5000; t += 1000) await r.at(t, ['demo']);
    expect(r.pushed).toEqual([]);
  });

  it('a new port is pushed at once; one that goes away is pushed once it stayed away', async () => {
    const r = rig();
    await r.at(0, ['demo']);
    await r.at(1000, ['demo', '/dev/ttyACM0']);
    expect(r.pushed).toEqual([['/dev/ttyACM0', 'demo']]);
    await r.at(2000, ['demo']);
    await r.at(3000, ['demo']);
    expect(r.pushed).toHaveLength(1); // away for 1 s: still listed
    await r.at(4000, ['demo']);
    expect(r.pushed).toEqual([['/dev/ttyACM0', 'demo'], ['demo']]);
  });

  it('appearing, vanishing and reappearing within the settle time is one change', async () => {
    const r = rig();
    await r.at(0, ['demo']);
    await r.at(1000, ['demo', '/dev/ttyACM0']);
    await r.at(1500, ['demo']);
    await r.at(2500, ['demo', '/dev/ttyACM0']);
    await r.at(5000, ['demo', '/dev/ttyACM0']);
    expect(r.pushed).toEqual([['/dev/ttyACM0', 'demo']]);
  });

  it('runs on its timer between start and stop', async () => {
    const r = rig();
    expect(r.watch.running).toBe(false);
    r.watch.start();
    expect(r.watch.running).toBe(true);
    expect(r.ticking()).not.toBeNull();
    r.watch.stop();
    expect(r.watch.running).toBe(false);
    expect(r.ticking()).toBeNull();
  });
});
