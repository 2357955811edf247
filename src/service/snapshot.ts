// Snapshot files: the JPEG exactly as the camera sent it, or a PNG re-encoded by sharp.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { snapshotFileName } from '../model';
import type { FrameMeta, SnapshotResult } from '../model';
import { ServiceError } from './errors';

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
        `this frame is ${frame.meta.format}, not JPEG`,
        'Save as PNG.',
      );
    bytes = frame.image;
  } else {
    try {
      bytes = await sharp(frame.image).png({ compressionLevel: 6 }).toBuffer();
    } catch (err) {
      throw new ServiceError(
        'snapshot-failed',
        `cannot encode the frame as PNG (${(err as Error).message})`,
        'The frame may be damaged; save the next one.',
      );
    }
  }
  const name = snapshotFileName(frame.meta, format, now);
  const file = path.join(dir, name);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(file, bytes, { flag: 'wx' });
  } catch (err) {
    // a file-system failure here is about the snapshot folder, never the camera port (EACCES ≠ udev)
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new ServiceError(
      'snapshot-failed',
      `cannot save the snapshot in ${dir} (${why})`,
      'Check that the folder exists and is writable, or choose another one with CAMDECK_SNAPSHOTS_DIR.',
    );
  }
  return { path: file, name, seq: frame.meta.seq, bytes: bytes.length, format };
}
