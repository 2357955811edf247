// The UI is served from `app://camdeck/…` (a standard, secure custom scheme) instead of file://, so the page has a
// real origin, CSP applies, and nothing outside the renderer directory can be loaded.
import path from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'camdeck';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_URL = `${APP_ORIGIN}/index.html`;

/** The page's policy on app:// responses: the same one the browser-host server sends (src/model). */
export { CSP } from '../model';

/** File for an app:// URL, or null when the URL is for another host or escapes the renderer directory. */
export function resolveAppRequest(rendererDir: string, url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const parts = decoded.split('/').filter(Boolean);
  if (parts.some((p) => p === '..' || p.startsWith('.'))) return null;
  const root = path.resolve(rendererDir);
  const file = path.resolve(root, parts.length ? parts.join('/') : 'index.html');
  return file.startsWith(root + path.sep) ? file : null;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

export function appMimeType(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}
