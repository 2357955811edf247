// What the app benchmark runs inside the page (plain JS strings: they are evaluated there, not bundled).

/**
 * Installed before the app's scripts: times the WebSocket message handler (receive + hand-off) and
 * drawImage on the main thread, and records, for every frame message received while recording, its host seq,
 * the camera's own frame number and capture time (from the frame's meta, the header of the binary message).
 */
export const PAGE_INIT = `(() => {
  const rec = { on: false, msgs: 0, recvMs: 0, draws: 0, drawMs: 0, frames: [] };
  window.__benchPage = rec;
  const dec = new TextDecoder();
  const Native = window.WebSocket;
  const desc = Object.getOwnPropertyDescriptor(Native.prototype, 'onmessage');
  class Timed extends Native {}
  Object.defineProperty(Timed.prototype, 'onmessage', {
    get() { return desc.get.call(this); },
    set(h) {
      desc.set.call(this, h && ((ev) => {
        if (rec.on && ev.data instanceof ArrayBuffer) {
          const b = new Uint8Array(ev.data);
          const n = b[1] | (b[2] << 8);
          try {
            const m = JSON.parse(dec.decode(b.subarray(3, 3 + n)));
            rec.frames.push([m.seq, m.cameraFrame ?? -1, m.captureTime ?? -1, m.camera ?? '', m.bytes]);
          } catch {}
        }
        const t0 = performance.now();
        h.call(this, ev);
        if (rec.on) { rec.recvMs += performance.now() - t0; rec.msgs++; }
      }));
    },
  });
  window.WebSocket = Timed;
  const draw = CanvasRenderingContext2D.prototype.drawImage;
  CanvasRenderingContext2D.prototype.drawImage = function (...a) {
    const t0 = performance.now();
    const r = draw.apply(this, a);
    if (rec.on) { rec.drawMs += performance.now() - t0; rec.draws++; }
    return r;
  };
})()`;

/**
 * Records every drawn frame: the UI stamps `data-seq` on frame-bytes once per frame it draws, after the camera's
 * frame number and capture time (the frames reach the page's main thread decoded from the paint worker, so the
 * drawn frame's stamp is where the camera's numbering is read).
 */
export const COUNTER = `(() => {
  const el = document.querySelector('[data-testid="frame-bytes"]');
  const drawn = [];
  const shown = [];
  const obs = new MutationObserver((records) => {
    for (const r of records) {
      if (r.attributeName !== 'data-seq') continue;
      const d = el.dataset;
      drawn.push(Number(d.seq));
      shown.push([Number(d.seq), Number(d.cameraFrame ?? -1), Number(d.captureTime ?? -1), Number(d.value ?? 0)]);
    }
  });
  obs.observe(el, { attributes: true, attributeFilter: ['data-seq'] });
  const rec = window.__benchPage;
  rec.on = true;
  window.__bench = { drawn, stop: () => { obs.disconnect(); rec.on = false; return { drawn, shown, ...rec }; } };
})()`;

/** Set the quality slider like a drag step would and resolve with ms until a frame at that quality is drawn. */
export const SLIDE = `(async (q) => {
  const input = document.querySelector('[data-testid="config-quality"]');
  const bytes = document.querySelector('[data-testid="frame-bytes"]');
  const done = new Promise((resolve) => {
    const obs = new MutationObserver(() => {
      if (bytes.dataset.quality === String(q)) { obs.disconnect(); resolve(performance.now()); }
    });
    obs.observe(bytes, { attributes: true, attributeFilter: ['data-seq'] });
  });
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  const t0 = performance.now();
  setter.call(input, String(q));
  input.dispatchEvent(new Event('input', { bubbles: true }));
  input.dispatchEvent(new Event('change', { bubbles: true }));
  const t1 = await Promise.race([done, new Promise((r) => setTimeout(() => r(NaN), 5000))]);
  return t1 - t0;
})`;

/** What COUNTER's stop() returns. */
export interface PageRecord {
  drawn: number[];
  /** [seq, cameraFrame, captureTime, bytes] per frame drawn. */
  shown: Array<[number, number, number, number]>;
  msgs: number;
  recvMs: number;
  draws: number;
  drawMs: number;
  /** [seq, cameraFrame, captureTime, camera, bytes] per frame message received. */
  frames: Array<[number, number, number, string, number]>;
}
