// A raw-packet host for device conformance tests and the benchmark: no protocol logic beyond what a
// test spells out (it never resyncs or retries on its own), so the device's behaviour is what is checked.
import {
  EVENT_NOTIFY,
  Flag,
  Opcode,
  PacketParser,
  Status,
  encodePacket,
  concatBytes as concat,
  readU16,
  type ByteLink,
  type Packet,
} from '../protocol';

export interface Reply {
  /** Non-event packets of the reply, in order. */
  packets: Packet[];
  /** Concatenated payloads (data replies). */
  body: Uint8Array;
  /** NAK status, when the reply (or its last packet) was a NAK. */
  nak?: number;
  ack: boolean;
}

export class RawHost {
  seq = 0;
  crc = true;
  /** ACK every packet with ACK_REQ automatically (data and events). */
  autoAck = true;
  /**
   * Wall-clock deadline of next() when none is given: generous, since it only ends a test that is failing
   * anyway, and a loaded machine must not make a passing one fail.
   */
  timeoutMs = 10_000;
  readonly parser = new PacketParser({ maxPayload: 0xffff, crc: true });
  readonly events: Packet[] = [];
  readonly all: Packet[] = [];
  private inbox: Packet[] = [];
  private waiters: (() => void)[] = [];
  private eventWaiters: { pred: (e: Packet) => boolean; resolve: (e: Packet) => void }[] = [];
  private unlisten: () => void;

  constructor(readonly link: ByteLink) {
    this.unlisten = link.onData((chunk) => {
      for (const p of this.parser.push(chunk)) {
        this.all.push(p);
        if (this.autoAck && p.flags & Flag.ACK_REQ) this.ack(p);
        if (p.flags & Flag.EVENT) {
          this.events.push(p);
          const i = this.eventWaiters.findIndex((w) => w.pred(p));
          if (i >= 0) this.eventWaiters.splice(i, 1)[0]!.resolve(p);
        } else this.inbox.push(p);
      }
      for (const w of this.waiters.splice(0)) w();
    });
  }

  dispose(): void {
    this.unlisten();
  }

  setCrc(on: boolean): void {
    this.crc = on;
    this.parser.configure({ crc: on });
  }

  /** Write raw bytes. */
  raw(bytes: Uint8Array): void {
    this.link.write(bytes);
  }

  packet(p: {
    opcode: number;
    channel?: number;
    flags?: number;
    seq?: number;
    payload?: Uint8Array;
  }): Uint8Array {
    return encodePacket(
      {
        seq: p.seq ?? this.seq,
        channel: p.channel ?? 0,
        flags: p.flags ?? 0,
        opcode: p.opcode,
        payload: p.payload,
      },
      { crc: this.crc },
    );
  }

  send(p: { opcode: number; channel?: number; flags?: number; seq?: number; payload?: Uint8Array }): void {
    this.raw(this.packet(p));
  }

  ack(p: Packet, seq = p.seq): void {
    this.send({ opcode: p.opcode, channel: p.channel, flags: Flag.ACK, seq });
  }

  /** Next non-event packet; rejects after `timeoutMs` of (real or fake) time via `wait`. */
  async next(wait: (ms: number) => Promise<void> = realWait, timeoutMs = this.timeoutMs): Promise<Packet> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const p = this.inbox.shift();
      if (p) return p;
      if (Date.now() > deadline) throw new Error('timeout waiting for a device packet');
      await Promise.race([new Promise<void>((r) => this.waiters.push(r)), wait(5)]);
    }
  }

  /** The next event matching `pred` (events already received are not considered). */
  waitEvent(pred: (e: Packet) => boolean, timeoutMs = 2000): Promise<Packet> {
    return new Promise((resolve, reject) => {
      const w = {
        pred,
        resolve: (e: Packet) => {
          clearTimeout(t);
          resolve(e);
        },
      };
      const t = setTimeout(() => {
        this.eventWaiters = this.eventWaiters.filter((x) => x !== w);
        reject(new Error('timeout waiting for an event'));
      }, timeoutMs);
      this.eventWaiters.push(w);
    });
  }

  /** Packets currently received and not yet taken. */
  pending(): Packet[] {
    return this.inbox.splice(0);
  }

  /** Send a request with the current seq and collect its reply like §12 does (seq advances per packet). */
  async request(
    opcode: number,
    channel = 0,
    payload?: Uint8Array,
    wait?: (ms: number) => Promise<void>,
  ): Promise<Reply> {
    this.send({ opcode, channel, payload });
    const packets: Packet[] = [];
    const parts: Uint8Array[] = [];
    for (;;) {
      const p = await this.next(wait);
      packets.push(p);
      this.seq = (this.seq + 1) & 0xff;
      if (p.flags & Flag.NAK) return { packets, body: concat(parts), nak: readU16(p.payload), ack: false };
      parts.push(p.payload);
      if (!(p.flags & Flag.FRAGMENT)) return { packets, body: concat(parts), ack: !!(p.flags & Flag.ACK) };
    }
  }

  async sync(wait?: (ms: number) => Promise<void>): Promise<void> {
    this.seq = 0;
    this.send({ opcode: Opcode.PROTO_SYNC, seq: 0 });
    const p = await this.next(wait);
    if (!(p.flags & Flag.ACK) || p.opcode !== Opcode.PROTO_SYNC) throw new Error('no SYNC ACK');
    this.seq = 0;
  }

  /** Event codes received so far on `channel` (NOTIFY = 0xFFFF). */
  eventCodes(channel?: number): number[] {
    return this.events
      .filter((e) => channel === undefined || e.channel === channel)
      .map((e) => (e.payload.length >= 2 ? readU16(e.payload) : EVENT_NOTIFY));
  }
}

export const realWait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export { Status };

/** A manual clock: timers fire only from advance(). */
export class FakeClock {
  t = 1000;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private ids = 0;

  now = (): number => this.t;

  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = ++this.ids;
    this.timers.push({ at: this.t + Math.max(0, ms), fn, id });
    return id;
  };

  clearTimeout = (h: unknown): void => {
    this.timers = this.timers.filter((x) => x.id !== h);
  };

  /** Move time forward, firing due timers in order and letting promises settle after each. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await settle();
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.t = end;
    await settle();
  }

  get pendingTimers(): number {
    return this.timers.length;
  }
}

/** Let microtasks and already-due I/O callbacks run. */
export function settle(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}
