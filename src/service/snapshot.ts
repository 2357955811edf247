// Snapshot files: the JPEG exactly as the camera sent it, or a PNG re-encoded by sharp.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { FrameMeta, SnapshotResult } from '../shared/contract';
import { ServiceError } from './errors';

function stamp(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}-${p(d.getMilliseconds(), 3)}`;
}

export async function saveSnapshotFile(
  dir: string,
  frame: { meta: FrameMeta; image: Uint8Array },
  format: 'jpeg' | 'png',
  now = new Date(),
): Promise<SnapshotResult> {
  let bytes: Uint8Array;
  if (format === 'jpeg') {
    if (frame.meta.format !== 'jpeg')
      throw new ServiceError(
        'snapshot-format',
        `the latest frame is ${frame.meta.format}, not JPEG`,
        'Save as PNG.',
      );
    bytes = frame.image;
  } else {
    try {
      bytes = await sharp(frame.image).png({ compressionLevel: 6 }).toBuffer();
    } catch (err) {
      throw new ServiceError('snapshot-failed', `cannot encode the frame as PNG: ${(err as Error).message}`);
    }
  }
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `camdeck-${stamp(now)}-${frame.meta.seq}.${format === 'jpeg' ? 'jpg' : 'png'}`);
  await writeFile(file, bytes, { flag: 'wx' });
  return { path: file, bytes: bytes.length, format };
}
