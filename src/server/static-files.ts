// Serves the built renderer (out/renderer): safe path resolution (no traversal, no dotfiles, no symlink out of the
// root), MIME types, and the same strict Content-Security-Policy the Electron window uses.
import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CSP } from '../model';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export function mimeType(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
};

/**
 * Map a URL path to a file under `root`, or null when it escapes the root, names a dotfile, or is malformed.
 * `/` maps to index.html.
 */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const parts = decoded.split('/').filter((p) => p.length > 0);
  if (parts.some((p) => p === '..' || p.startsWith('.'))) return null;
  const rel = parts.length ? parts.join('/') : 'index.html';
  const absRoot = path.resolve(root);
  const full = path.resolve(absRoot, rel);
  if (full !== absRoot && !full.startsWith(absRoot + path.sep)) return null;
  return full;
}

/**
 * The real file behind `file` (symlinks resolved) when it lies inside the real `root` and names no dotfile
 * there; null when it leads out. Throws (ENOENT) when either does not exist.
 */
export async function containedRealPath(root: string, file: string): Promise<string | null> {
  const [realRoot, real] = await Promise.all([realpath(root), realpath(file)]);
  const rel = path.relative(realRoot, real);
  if (!rel || path.isAbsolute(rel) || rel.split(path.sep).some((p) => p.startsWith('.'))) return null;
  return real;
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}

/** Open the real file without following a link swapped in since (the last component), or null. */
async function openFile(real: string): Promise<{ fh: FileHandle; size: number } | null> {
  let fh: FileHandle;
  try {
    fh = await open(real, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch {
    return null;
  }
  const st = await fh.stat().catch(() => null);
  if (st?.isFile()) return { fh, size: st.size };
  await fh.close();
  return null;
}

export async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return sendText(res, 405, 'method not allowed\n');
  }
  const urlPath = (req.url ?? '/').split('?')[0]!.split('#')[0]!;
  const file = resolveStaticPath(root, urlPath);
  if (!file) return sendText(res, 400, 'bad path\n');
  let real: string | null;
  try {
    real = await containedRealPath(root, file);
  } catch {
    if (urlPath === '/' || urlPath === '/index.html')
      return sendText(
        res,
        503,
        `The UI is not built yet (${root} is missing). Run: npx electron-vite build\n`,
      );
    return sendText(res, 404, 'not found\n');
  }
  if (!real)
    return sendText(
      res,
      403,
      'This path leads outside the UI folder, so it is not served; use the page links.\n',
    );
  const opened = await openFile(real);
  if (!opened) return sendText(res, 404, 'not found\n');
  const { fh, size } = opened;
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': mimeType(file),
    'Content-Length': String(size),
    // Hashed asset names can be cached forever; the page itself never.
    'Cache-Control': urlPath.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (req.method === 'HEAD') {
    await fh.close();
    res.end();
    return;
  }
  // pipeline closes the file when the client goes away mid-file
  await pipeline(fh.createReadStream(), res).catch(() => res.destroy());
}
