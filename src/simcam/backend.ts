// Script channel backends, introspected like modules/py_protocol.c does for `protocol.register()`:
// only the methods the object has are wired, the channel flags are derived from them, and every return
// value is converted with the Python bridge's rules (documented per method below).
import { CHANNEL_NAME_MAX, ChannelFlag } from '../protocol';
import type { DeviceChannel } from './channel';

/** The twelve method names the firmware looks up (`is_active` may also be spelled `isActive`). */
export const BACKEND_METHODS = [
  'init',
  'poll',
  'lock',
  'unlock',
  'size',
  'shape',
  'read',
  'readp',
  'write',
  'ioctl',
  'flush',
  'is_active',
] as const;
export type BackendMethod = (typeof BACKEND_METHODS)[number];

type AnyFn = (...args: unknown[]) => unknown;

/** Look a method up the way mp_load_method_maybe does: own or inherited (class prototype) functions. */
function method(backend: object, name: string): AnyFn | undefined {
  if (name in Object.prototype) return undefined; // never pick up Object.prototype helpers
  const fn = (backend as Record<string, unknown>)[name];
  return typeof fn === 'function' ? (fn as AnyFn).bind(backend) : undefined;
}

/** Which of the twelve methods `backend` has (class instances: prototype methods count). */
export function introspect(backend: object): Set<BackendMethod> {
  const found = new Set<BackendMethod>();
  for (const m of BACKEND_METHODS) if (method(backend, m)) found.add(m);
  if (!found.has('is_active') && method(backend, 'isActive')) found.add('is_active');
  return found;
}

/** Flags the firmware derives: READ for read/readp, WRITE for write, LOCK only for lock AND unlock. */
export function derivedFlags(methods: ReadonlySet<BackendMethod>, userFlags = 0): number {
  let flags = (userFlags | ChannelFlag.DYNAMIC) & 0xff;
  if (methods.has('read') || methods.has('readp')) flags |= ChannelFlag.READ;
  if (methods.has('write')) flags |= ChannelFlag.WRITE;
  if (methods.has('lock') && methods.has('unlock')) flags |= ChannelFlag.LOCK;
  return flags;
}

const FAILED = Symbol('exception');

/** Call a backend method; an exception becomes FAILED, as nlr_push/nlr_pop swallow it in py_channel_call. */
function call(fn: AnyFn, ...args: unknown[]): unknown {
  try {
    return fn(...args);
  } catch {
    return FAILED;
  }
}

const encoder = new TextEncoder();

/** mp_get_buffer: bytes, bytearray, memoryview or str; anything else has no buffer. */
function toBytes(v: unknown): Uint8Array | null {
  if (v instanceof Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (typeof v === 'string') return encoder.encode(v);
  return null;
}

/** mp_obj_is_int: integers only (a bool or a float is not an int). */
function asInt(v: unknown): number | null {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'bigint') return Number(BigInt.asIntN(32, v));
  return null;
}

/**
 * Adapt a script backend to a DeviceChannel. Return-value conventions (py_protocol.c):
 * - init(): anything → ok; throws → registration fails.
 * - poll(): truthy → bit set; throws → 0.
 * - lock() / unlock(): truthy → ACK; false/undefined/null/throws → NAK BUSY (so unlock must return true).
 * - size(): integer → u32; throws or not a number → 0.
 * - shape(): an array (the JS stand-in for a tuple) of ≤ 4 ints; anything else → no dimensions.
 * - read(offset, size): buffer/str, copied up to `size`; shorter → called again for the rest;
 *   empty, null/undefined or throws → NAK FAILED (possibly after earlier pieces went out).
 * - readp(offset, size): buffer of ≥ size bytes sent as is (a shorter one is zero-padded where the
 *   firmware would send whatever memory follows); null/undefined/throws → NAK FAILED.
 * - write(offset, data): `data` is a view of the receive buffer valid only during the call (copy to
 *   keep). A non-zero integer → ACK (return data.length); 0, undefined, null, true, a string… → NAK
 *   FAILED; throws → −1 → ACK (firmware quirk).
 * - ioctl(request, length, arg): undefined/null, 0 or a non-integer → ACK; non-zero integer or throws →
 *   NAK FAILED. `arg` is null when length is 0.
 * - flush(), is_active()/isActive(): wired for completeness (transport backends).
 */
export function adaptBackend(name: string, backend: object, userFlags = 0): DeviceChannel {
  const methods = introspect(backend);
  const ch: DeviceChannel = {
    id: -1,
    flags: derivedFlags(methods, userFlags),
    name: name.slice(0, CHANNEL_NAME_MAX),
  };
  const m = (n: string): AnyFn => method(backend, n)!;
  if (methods.has('init')) {
    const f = m('init');
    ch.init = () => (call(f) === FAILED ? -1 : 0);
  }
  if (methods.has('poll')) {
    const f = m('poll');
    ch.poll = () => {
      const r = call(f);
      return r !== FAILED && !!r;
    };
  }
  if (methods.has('lock')) {
    const f = m('lock');
    ch.lock = () => {
      const r = call(f);
      return r !== FAILED && r ? 0 : -1;
    };
  }
  if (methods.has('unlock')) {
    const f = m('unlock');
    ch.unlock = () => {
      const r = call(f);
      return r !== FAILED && r ? 0 : -1;
    };
  }
  if (methods.has('size')) {
    const f = m('size');
    ch.size = () => {
      const r = asInt(call(f));
      return r === null ? 0 : r >>> 0;
    };
  }
  if (methods.has('shape')) {
    const f = m('shape');
    ch.shape = () => {
      const r = call(f);
      if (!Array.isArray(r)) return [];
      return r.slice(0, 4).map((x) => (asInt(x) ?? 0) >>> 0);
    };
  }
  if (methods.has('read')) {
    const f = m('read');
    ch.read = (offset, size, out) => {
      const r = toBytes(call(f, offset, size));
      if (!r) return -1;
      const n = Math.min(r.length, size);
      out.set(r.subarray(0, n));
      return n;
    };
  }
  if (methods.has('readp')) {
    const f = m('readp');
    ch.readp = (offset, size) => {
      const r = toBytes(call(f, offset, size));
      if (!r) return null;
      if (r.length >= size) return r.subarray(0, size);
      const padded = new Uint8Array(size);
      padded.set(r);
      return padded;
    };
  }
  if (methods.has('write')) {
    const f = m('write');
    ch.write = (offset, _length, data) => {
      const r = call(f, offset, data);
      if (r === FAILED) return -1;
      return asInt(r) ?? 0;
    };
  }
  if (methods.has('ioctl')) {
    const f = m('ioctl');
    ch.ioctl = (request, length, arg) => {
      const r = call(f, request, length, length === 0 ? null : arg);
      if (r === FAILED) return -1;
      return asInt(r) ?? 0;
    };
  }
  if (methods.has('flush')) {
    const f = m('flush');
    ch.flush = () => (call(f) === FAILED ? -1 : 0);
  }
  if (methods.has('is_active')) {
    const f = method(backend, 'is_active') ?? m('isActive');
    ch.isActive = () => {
      const r = call(f);
      return r !== FAILED && !!r;
    };
  }
  return ch;
}
