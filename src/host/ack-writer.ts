// The host's writes: ACKs of received packets and the requests themselves. Fragments and events are ACKed
// at once; the ACK of a reply's last packet is folded into the next request's write (the firmware takes
// both in one buffer), or written alone after this I/O turn when nothing follows. UDP never folds.
import { Flag, HEADER_SIZE, packetSize, writePacket } from '../protocol';
import type { ByteLink, Packet } from '../protocol';

/** The packet an ACK answers. */
export interface AckTarget {
  seq: number;
  channel: number;
  opcode: number;
}

/** The HostStats counters the writer keeps. */
export interface WriteCounters {
  packetsSent: number;
  bytesSent: number;
  foldedAcks: number;
}

export interface AckWriterOptions {
  link: ByteLink;
  /** One protocol packet per write (UDP): never fold. */
  packetized: boolean;
  counters: WriteCounters;
  /** Whether packets carry CRCs now (the link's caps). */
  crc: () => boolean;
  /** Runs a callback after the current I/O turn. */
  defer: (fn: () => void) => void;
  closed: () => boolean;
  /** A write threw: the link is gone. */
  onWriteError: (err: Error) => void;
}

export class AckWriter {
  private pending: AckTarget | null = null;
  private flushScheduled = false;

  constructor(private readonly o: AckWriterOptions) {}

  /** ACK `a` now, in a write of its own. */
  ack(a: AckTarget): void {
    const out = new Uint8Array(HEADER_SIZE);
    writeAck(out, a, this.o.crc());
    this.count(1, HEADER_SIZE);
    try {
      this.o.link.write(out);
    } catch (err) {
      this.o.onWriteError(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** The last packet of a reply: ACK it with the next request, or alone if none follows this turn. */
  ackLater(p: AckTarget): void {
    if (this.o.packetized) {
      this.ack(p);
      return;
    }
    if (this.pending) this.ack(this.pending);
    this.pending = { seq: p.seq, channel: p.channel, opcode: p.opcode };
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      this.o.defer(() => this.flush());
    }
  }

  /** Write the ACK still owed, if any. */
  flush(): void {
    this.flushScheduled = false;
    const a = this.pending;
    if (!a || this.o.closed()) return;
    this.pending = null;
    this.ack(a);
  }

  /** Forget the ACK still owed: a SYNC voids it. */
  drop(): void {
    this.pending = null;
  }

  /** Write a request, with the ACK still owed folded in front of it; false when the write failed. */
  send(req: Packet): boolean {
    const crc = this.o.crc();
    const size = packetSize(req.payload.length);
    const ack = this.pending;
    this.pending = null;
    try {
      if (ack && !this.o.packetized) {
        const out = new Uint8Array(HEADER_SIZE + size);
        writeAck(out, ack, crc);
        writePacket(out, HEADER_SIZE, req, { crc });
        this.o.counters.foldedAcks++;
        this.count(2, out.length);
        this.o.link.write(out);
      } else {
        if (ack) this.ack(ack);
        const out = new Uint8Array(size);
        writePacket(out, 0, req, { crc });
        this.count(1, size);
        this.o.link.write(out);
      }
    } catch (err) {
      this.o.onWriteError(err instanceof Error ? err : new Error(String(err)));
      return false;
    }
    return true;
  }

  private count(packets: number, bytes: number): void {
    this.o.counters.packetsSent += packets;
    this.o.counters.bytesSent += bytes;
  }
}

function writeAck(out: Uint8Array, a: AckTarget, crc: boolean): void {
  writePacket(out, 0, { seq: a.seq, channel: a.channel, opcode: a.opcode, flags: Flag.ACK }, { crc });
}
