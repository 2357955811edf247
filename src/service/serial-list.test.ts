import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PortInfo } from '../model';
import { SerialList } from './serial-list';

const port = (p: string): PortInfo => ({ target: p, path: p, isCamera: false });

describe('SerialList', () => {
  const dirs: string[] = [];
  const lists: SerialList[] = [];
  afterEach(() => {
    for (const l of lists.splice(0)) l.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  function setup(devDir: string | null) {
    let calls = 0;
    let clock = 0;
    const ports = [port('/dev/ttyACM0')];
    const list = new SerialList({
      list: async () => (calls++, [...ports]),
      devDir,
      maxAgeMs: 10_000,
      now: () => clock,
    });
    lists.push(list);
    return { list, ports, calls: () => calls, tick: (ms: number) => (clock += ms) };
  }

  it('a watched read reuses the listing until the folder changes or it is too old', async () => {
    const dev = mkdtempSync(path.join(tmpdir(), 'camdeck-dev-'));
    dirs.push(dev);
    const s = setup(dev);
    await s.list.watched();
    await s.list.watched();
    s.tick(9000);
    await s.list.watched();
    expect(s.calls()).toBe(1);
    // a tty appears: the next read lists again and sees it
    s.ports.push(port('/dev/ttyACM1'));
    writeFileSync(path.join(dev, 'ttyACM1'), '');
    await expect.poll(async () => (await s.list.watched()).length, { timeout: 10_000 }).toBe(2);
    const after = s.calls();
    s.tick(10_001);
    await s.list.watched();
    expect(s.calls()).toBe(after + 1); // the backstop
  });

  it('fresh always lists; with nothing to watch every read lists', async () => {
    const s = setup(null);
    await s.list.watched();
    await s.list.watched();
    await s.list.fresh();
    expect(s.calls()).toBe(3);
  });
});
