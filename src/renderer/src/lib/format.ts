// Number formatting for the overlay, status bar and stats panel.

export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '–';
  if (n < 1024) return `${Math.round(n)} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

export function formatKbps(kbps: number): string {
  if (!Number.isFinite(kbps) || kbps < 0) return '–';
  if (kbps >= 10_000) return `${(kbps / 1000).toFixed(1)} Mbit/s`;
  return `${Math.round(kbps)} kbit/s`;
}

export function formatFps(fps: number): string {
  if (!Number.isFinite(fps) || fps < 0) return '–';
  return fps >= 10 ? fps.toFixed(0) : fps.toFixed(1);
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms)} ms`;
}

export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '–';
  return Math.round(n).toLocaleString('en-US');
}

export function formatUsbId(vid?: number, pid?: number): string {
  if (vid === undefined || pid === undefined) return '';
  const h = (x: number) => x.toString(16).toUpperCase().padStart(4, '0');
  return `${h(vid)}:${h(pid)}`;
}
