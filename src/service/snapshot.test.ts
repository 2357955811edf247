import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FrameMeta } from '../model';
import { SNAPSHOT_LIMITS, SnapshotFolder } from './snapshot';

const meta = { seq: 7, format: 'jpeg' } as FrameMeta;
const frame = (bytes = 100) => ({ meta, image: new Uint8Array(bytes).fill(0xab) });
const folder = () => mkdtempSync(path.join(tmpdir(), 'camdeck-snap-'));
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'saved',
    (e: { code: string }) => e.code,
  );

describe('snapshot files', () => {
  it('two snapshots of the same frame in the same millisecond are both saved, under names of their own', async () => {
    const dir = folder();
    const at = new Date(2026, 11, 1, 20, 30, 15, 42).getTime();
    const snaps = new SnapshotFolder(dir, {}, () => at);
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => snaps.save(frame(), 'jpeg')));
    expect([a!.name, b!.name, c!.name].sort()).toEqual([
      'camdeck-20261201-203015-042-7-2.jpg',
      'camdeck-20261201-203015-042-7-3.jpg',
      'camdeck-20261201-203015-042-7.jpg',
    ]);
    expect(readdirSync(dir)).toHaveLength(3);
    for (const r of [a!, b!, c!]) expect(readFileSync(r.path)).toHaveLength(100);
  });

  it('a burst is cut at the burst size; the rate refills it', async () => {
    let now = 1_000_000;
    const snaps = new SnapshotFolder(folder(), {}, () => now);
    const codes = await Promise.all(Array.from({ length: 299 }, () => codeOf(snaps.save(frame(), 'jpeg'))));
    expect(codes.filter((c) => c === 'saved')).toHaveLength(SNAPSHOT_LIMITS.burst);
    expect(codes.filter((c) => c === 'snapshot-rate')).toHaveLength(299 - SNAPSHOT_LIMITS.burst);
    now += 1000; // a second later: perSecond more
    const again = await Promise.all(Array.from({ length: 20 }, () => codeOf(snaps.save(frame(), 'jpeg'))));
    expect(again.filter((c) => c === 'saved')).toHaveLength(SNAPSHOT_LIMITS.perSecond);
  });

  it('the folder budget: a file count and a byte total, counted again once the user has cleared room', async () => {
    const dir = folder();
    writeFileSync(path.join(dir, 'holiday.jpg'), new Uint8Array(5000)); // not ours: not counted
    const snaps = new SnapshotFolder(dir, { maxFiles: 3, burst: 100 });
    const saved = [];
    for (let i = 0; i < 3; i++) saved.push(await snaps.save(frame(), 'jpeg'));
    const full = snaps.save(frame(), 'jpeg');
    await expect(full).rejects.toMatchObject({
      code: 'snapshot-budget',
      message: 'The snapshots folder is full (at most 3 snapshots and 1 GiB); this one was not saved.',
      hint: `Move or delete old snapshots in ${dir}, then save again.`,
    });
    rmSync(saved[0]!.path);
    await expect(snaps.save(frame(), 'jpeg')).resolves.toMatchObject({ bytes: 100 });

    const bytes = new SnapshotFolder(folder(), { maxBytes: 250, burst: 100 });
    expect(await codeOf(bytes.save(frame(), 'jpeg'))).toBe('saved');
    expect(await codeOf(bytes.save(frame(), 'jpeg'))).toBe('saved');
    expect(await codeOf(bytes.save(frame(), 'jpeg'))).toBe('snapshot-budget');
  });

  it('files already in the folder count from the start', async () => {
    const dir = folder();
    for (let i = 0; i < 2; i++) writeFileSync(path.join(dir, `camdeck-old-${i}.png`), new Uint8Array(10));
    const snaps = new SnapshotFolder(dir, { maxFiles: 2 });
    expect(await codeOf(snaps.save(frame(), 'jpeg'))).toBe('snapshot-budget');
  });

  it('a folder that cannot be written is snapshot-failed, naming the folder', async () => {
    const file = path.join(folder(), 'a-file');
    writeFileSync(file, 'x');
    await expect(new SnapshotFolder(file).save(frame(), 'jpeg')).rejects.toMatchObject({
      code: 'snapshot-failed',
      message: expect.stringContaining(file),
    });
  });
});
