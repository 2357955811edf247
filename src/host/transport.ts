// One interface over every carrier (serial, TCP, UDP, in-memory): the client never knows which it has.
import type { ByteLink } from '../protocol';

export type TransportKind = 'serial' | 'tcp' | 'udp' | 'memory';

export interface Transport {
  link: ByteLink;
  /** Human-readable target, e.g. "/dev/ttyACM0" or "udp://10.0.0.2:5555". */
  describe: string;
  kind: TransportKind;
  /** One protocol packet per write/datagram (UDP): never coalesce packets into one write. */
  packetized: boolean;
}

export function memoryTransport(link: ByteLink, describe = 'memory'): Transport {
  return { link, describe, kind: 'memory', packetized: false };
}

export type ParsedTarget =
  { kind: 'serial'; path: string } | { kind: 'tcp' | 'udp'; host: string; port: number };

/** Default UDP/TCP port of the firmware's network transport. */
const DEFAULT_NET_PORT = 5555;

/** Split a --port value into its carrier: `udp://h:p`, `tcp://h:p`, else a serial path. */
export function parseTarget(target: string): ParsedTarget {
  const m = /^(udp|tcp):\/\/(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/?$/i.exec(target.trim());
  if (m) {
    const port = m[3] ? Number(m[3]) : DEFAULT_NET_PORT;
    if (!(port > 0 && port < 65536)) throw new RangeError(`bad port number in "${target}"`);
    return { kind: m[1]!.toLowerCase() as 'tcp' | 'udp', host: m[2]!.replace(/^\[|\]$/g, ''), port };
  }
  if (/^[a-z]+:\/\//i.test(target))
    throw new RangeError(`unsupported target "${target}" (use udp:// or tcp://)`);
  if (!target) throw new RangeError('empty target');
  return { kind: 'serial', path: target };
}
