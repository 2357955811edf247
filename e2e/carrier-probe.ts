// A UI-less client of the contract, run inside the page: opens its own WebSocket to /ws (passing on the page URL's
// access token, as the UI does) and records replies, events and frames. Carrier specs use it to test the pipe
// itself, independent of the UI's widgets.
import type { Page } from '@playwright/test';

export interface ProbeFrame {
  seq: number;
  bytes: number;
  width: number;
  height: number;
  quality?: number;
  /** First two bytes of the image: a JPEG starts ff d8. */
  soi: number[];
}

// Plain JS (it runs in the page, and keeps DOM types out of the Node typecheck).
const PROBE_SOURCE = `(() => {
  if (window.__probe) return;
  const token = new URLSearchParams(location.search).get('token');
  const query = token ? '?token=' + encodeURIComponent(token) : '';
  const ws = new WebSocket(location.origin.replace(/^http/, 'ws') + '/ws' + query);
  ws.binaryType = 'arraybuffer';
  const probe = { frames: [], events: [], replies: new Map(), nextId: 1, open: false };
  probe.ready = new Promise((resolve, reject) => {
    ws.onopen = () => { probe.open = true; resolve(); };
    ws.onerror = () => reject(new Error('probe websocket failed'));
  });
  ws.onmessage = (ev) => {
    if (typeof ev.data === 'string') {
      const msg = JSON.parse(ev.data);
      if (msg.type === 'reply') { const r = probe.replies.get(msg.id); if (r) { probe.replies.delete(msg.id); r(msg); } }
      else if (msg.type === 'event') probe.events.push({ name: msg.name, camera: msg.camera ?? null, payload: msg.payload });
      return;
    }
    const b = new Uint8Array(ev.data);
    if (b[0] !== 1) return;
    const n = b[1] | (b[2] << 8);
    const meta = JSON.parse(new TextDecoder().decode(b.subarray(3, 3 + n)));
    const img = b.subarray(3 + n);
    probe.frames.push({ seq: meta.seq, bytes: img.length, width: meta.width, height: meta.height, quality: meta.quality, soi: [img[0], img[1]] });
    if (probe.frames.length > 2000) probe.frames.splice(0, 1000);
  };
  probe.request = async (name, ...args) => {
    await probe.ready;
    const id = probe.nextId++;
    const reply = new Promise((resolve) => probe.replies.set(id, resolve));
    ws.send(JSON.stringify({ type: 'request', id, name, args }));
    return reply;
  };
  probe.sendRaw = (text) => ws.send(text);
  window.__probe = probe;
})()`;

/** An event as it arrived: `camera` is the camera it is about, null for the service's own. */
export interface ProbeEvent {
  name: string;
  camera: string | null;
  payload: unknown;
}

export type Reply = { ok: true; result: unknown } | { ok: false; error: { message: string; code?: string } };

export class Probe {
  constructor(private readonly page: Page) {}

  static async install(page: Page): Promise<Probe> {
    await page.evaluate(PROBE_SOURCE);
    await page.evaluate('window.__probe.ready');
    return new Probe(page);
  }

  request(name: string, ...args: unknown[]): Promise<Reply> {
    return this.page.evaluate(
      ([n, a]) => {
        const p = (
          globalThis as unknown as { __probe: { request(n: string, ...a: unknown[]): Promise<Reply> } }
        ).__probe;
        return p.request(n as string, ...(a as unknown[]));
      },
      [name, args] as const,
    );
  }

  /** Open a camera and watch its frames (the probe's own page subscription); resolves with the reply and its id. */
  async open(target: string): Promise<{ reply: Reply; id: string }> {
    const reply = await this.request('openCamera', target);
    const id = reply.ok ? (reply.result as { id: string }).id : '';
    if (reply.ok) await this.request('watch', [id]);
    return { reply, id };
  }

  sendRaw(text: string): Promise<void> {
    return this.page.evaluate((t) => {
      (globalThis as unknown as { __probe: { sendRaw(t: string): void } }).__probe.sendRaw(t);
    }, text);
  }

  frames(): Promise<ProbeFrame[]> {
    return this.page.evaluate(
      () => (globalThis as unknown as { __probe: { frames: ProbeFrame[] } }).__probe.frames,
    );
  }

  events(name?: string): Promise<ProbeEvent[]> {
    return this.page.evaluate(
      (n) =>
        (globalThis as unknown as { __probe: { events: ProbeEvent[] } }).__probe.events.filter(
          (e) => !n || e.name === n,
        ),
      name ?? '',
    );
  }
}
