// The receive side of a ProtocolClient: each device packet against the firmware's one-counter sequence
// model (events pass regardless of seq; an RTX with seq ≠ H is a duplicate, re-ACKed and dropped; a
// mismatch is a fault), then as an event, the SYNC ACK, a stale tail, a NAK, a fragment or the reply.
// A corrupted packet is never NAKed: see corrupted().
import { EMPTY, Flag, Opcode, OPCODE_NAMES, Status, decodeEventCode, readU16 } from '../protocol';
import type { CorruptHeader, Packet, PacketParser } from '../protocol';
import type { AckWriter } from './ack-writer';
import type { ClientState } from './client-state';
import type { CommandQueue, Pending } from './command-queue';
import { DamageWatch, RTX_WAIT_MS, damagesReply } from './corruption';
import type { Damage } from './corruption';
import { ChecksumError, DeviceResponseError, ProtocolError, SequenceError, needsResync } from './errors';
import { appendPayload, replyBody } from './reassembly';
import type { StaleReplies } from './reassembly';

export interface ReceiverDeps {
  state: ClientState;
  parser: PacketParser;
  queue: CommandQueue;
  acks: AckWriter;
  /** Exchanges we gave up on: their late packets are not replies to anything (see dropStale). */
  stale: StaleReplies;
  now: () => number;
  closed: () => boolean;
  /** The exchange in flight failed in a way that leaves the link out of step. */
  fault: (err: Error) => void;
  requestResync: (reason: string) => void;
  /** Send the next queued request, if it may go. */
  pump: () => void;
  /** Put `cmd` on the link (again). */
  send: (cmd: Pending) => void;
  /** A device event (NOTIFY = 0xFFFF). */
  event: (channel: number, code: number) => void;
}

const opName = (opcode: number): string => OPCODE_NAMES[opcode] ?? String(opcode);

export class Receiver {
  private readonly damage: DamageWatch;

  constructor(private readonly d: ReceiverDeps) {
    this.damage = new DamageWatch(d.parser);
  }

  onData(chunk: Uint8Array): void {
    const { d } = this;
    if (d.closed()) return;
    d.state.counters.bytesReceived += chunk.length;
    const damage = this.damage.watch(chunk);
    // Damage in this chunk can only belong to an exchange already in flight (not one sent meanwhile).
    const inFlight = d.queue.current;
    for (const p of d.parser.push(chunk)) {
      this.onPacket(p);
      if (d.closed()) return;
    }
    if (d.queue.current !== inFlight) return;
    const found = damage(d.state.caps.crc);
    if (found) this.corrupted(found);
  }

  /**
   * A corrupted device packet while a reply is due. Never NAK it: the firmware answers a NAK with all its
   * retransmissions back to back and then resets its protocol state (§2.3), and a status reply (LOCK,
   * WRITE, …) is never re-sent at all. Abandon the exchange instead and resync at once: the device takes a
   * SYNC even while it waits for an ACK.
   */
  private corrupted(found: Damage): void {
    const { d } = this;
    const cur = d.queue.current;
    if (!cur || cur.isSync) return; // until the SYNC ACK everything else is void anyway
    const ours = damagesReply(found, cur, {
      seqOn: d.state.caps.seq,
      seq: () => d.state.seq,
      isStale: (h) => d.stale.has(h, cur),
      dropStale: (h) => this.dropStale(h, cur),
    });
    if (!ours) return;
    if (cur.awaitRtx && d.state.caps.ack && !found.oversize) {
      // The camera waits for our ACK and re-sends the packet, clean, after its RTX timer (then twice that):
      // give it that long before calling the reply lost.
      d.state.recovery.awaitedRtx++;
      const until = d.now() + Math.max(cur.timeoutMs, RTX_WAIT_MS);
      cur.idleDeadline = Math.max(cur.idleDeadline, until);
      cur.totalDeadline = Math.max(cur.totalDeadline, until);
      d.queue.arm();
      return;
    }
    d.state.recovery.abandoned++;
    d.fault(new ChecksumError(`${opName(cur.opcode)} on channel ${cur.channel}`));
  }

  /**
   * Discard a late packet of an abandoned reply. Before our SYNC is answered the device's wait ends with
   * the SYNC, so nothing is owed. After it, the firmware's read() path (stdout, Python read() channels)
   * keeps sending its remaining pieces with fresh sequence numbers, each waiting for its ACK: ACK them and
   * count them (the device did), so the request behind them stays in step.
   */
  private dropStale(p: Packet | CorruptHeader, cur: Pending | null): void {
    const { d } = this;
    d.state.recovery.stalePackets++;
    if (!d.stale.afterSync) return;
    if (p.flags & Flag.ACK_REQ) d.acks.ack(p);
    d.state.seq = (p.seq + 1) & 0xff;
    if (cur) {
      cur.sawTail = true;
      cur.idleDeadline = d.now() + cur.timeoutMs; // the device is busy with the tail, not silent
    }
  }

  private onPacket(p: Packet): void {
    const { d } = this;
    const { state, acks } = d;
    const c = state.counters;
    c.packetsReceived++;
    const f = p.flags;
    if (f & Flag.EVENT) {
      if (f & Flag.ACK_REQ) acks.ack(p);
      c.events++;
      d.event(p.channel, decodeEventCode(p.payload));
      return;
    }
    if (f & Flag.RTX) c.retransmits++;
    const cur = d.queue.current;
    if (cur?.isSync) {
      // Until the SYNC ACK, everything else is the tail of what the SYNC cancelled.
      if (p.opcode === Opcode.PROTO_SYNC && f & Flag.ACK) {
        state.seq = 0;
        state.syncEpoch++;
        d.stale.synced();
        d.queue.finish(cur);
        cur.resolve(EMPTY);
      }
      return;
    }
    if (d.stale.has(p, cur)) {
      this.dropStale(p, cur);
      return;
    }
    if (f & Flag.ACK_REQ && !state.caps.ack && state.negotiated) {
      // We turned ACKs off, so the device is back at its defaults: it reset behind our back (a NAK burst,
      // RTX exhaustion, a reboot). Take this packet as it is, then restore the caps.
      state.recovery.resetsDetected++;
      state.negotiated = false;
      d.requestResync('camera reset its protocol state (ACK_REQ with ACKs off)');
    }
    if (f & Flag.RTX && p.seq !== state.seq) {
      // Our ACK was lost: the device repeats a packet we already took. ACK it with its own seq, drop it.
      c.duplicates++;
      if (f & Flag.ACK_REQ) acks.ack(p);
      return;
    }
    const seqOn = state.caps.seq;
    if (seqOn && p.seq !== state.seq && cur?.sawTail && f & Flag.NAK && p.opcode === cur.opcode) {
      // the device counted a tail packet we never saw whole: its NAK tells where it stands
      state.seq = p.seq;
    }
    if (seqOn && p.seq !== state.seq) {
      if (f & Flag.ACK_REQ) acks.ack(p);
      c.sequenceErrors++;
      d.fault(new SequenceError(state.seq, p.seq));
      return;
    }
    if (!cur) {
      if (f & Flag.ACK_REQ) acks.ack(p);
      state.seq = (state.seq + 1) & 0xff;
      d.requestResync(`unexpected ${opName(p.opcode)} packet with no request pending`);
      return;
    }
    if (p.opcode !== cur.opcode) {
      if (f & Flag.ACK_REQ) acks.ack(p);
      const want = OPCODE_NAMES[cur.opcode];
      d.fault(new DeviceResponseError(`reply opcode ${opName(p.opcode)} does not match request ${want}`));
      return;
    }
    state.seq = (state.seq + 1) & 0xff;
    if (f & Flag.NAK) {
      this.onNak(p, cur);
      return;
    }
    if (f & Flag.FRAGMENT) {
      if (f & Flag.ACK_REQ) acks.ack(p);
      if (!this.append(cur, p.payload)) return;
      cur.idleDeadline = d.now() + cur.timeoutMs;
      return;
    }
    if (f & Flag.ACK_REQ) acks.ackLater(p);
    if (!this.append(cur, p.payload)) return;
    const body = replyBody(cur, p.payload);
    state.rtt.add(d.now() - cur.sentAt);
    // The device answered a request sent after the SYNC: whatever it still owed an abandoned reply is done.
    d.stale.settled();
    cur.onAccept?.();
    d.queue.finish(cur);
    cur.resolve(body);
    d.pump();
  }

  /** A NAK ends the reply, even after some fragments (read()-based channels). */
  private onNak(p: Packet, cur: Pending): void {
    const { d } = this;
    const status = p.payload.length >= 2 ? readU16(p.payload) : Status.UNKNOWN;
    if (status === Status.SEQUENCE && cur.sawTail && !cur.resent && cur.received === 0) {
      // Our request reached the device while it was still sending a stale tail: refused unread, so it
      // is safe to send again, now in step.
      cur.resent = true;
      cur.sawTail = false;
      d.state.recovery.tailResends++;
      d.queue.finish(cur);
      d.send(cur);
      return;
    }
    const err = new ProtocolError(status, cur.opcode, cur.channel);
    d.state.counters.naks++;
    if (err.busy) d.state.counters.busy++;
    d.queue.finish(cur);
    cur.reject(err);
    if (needsResync(err)) d.requestResync(err.message);
    else d.pump();
  }

  /** Reassemble; false (and a fault) when the reply outgrows its cap. */
  private append(cur: Pending, payload: Uint8Array): boolean {
    if (appendPayload(cur, payload)) return true;
    const name = OPCODE_NAMES[cur.opcode];
    this.d.fault(new DeviceResponseError(`reply to ${name} exceeds ${cur.maxBytes} bytes`));
    return false;
  }
}
