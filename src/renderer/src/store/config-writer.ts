// Config write logic, pure: what each control shows while the user drags and the camera answers.
// - At most one write in flight for the panel; edits made meanwhile are coalesced into one queued patch
//   (per key the latest value wins; intermediate values are dropped).
// - A control shows the user's value until the camera's readback confirms it (then the readback).
// - A refused write restores the confirmed value of the keys it carried (unless the user has moved on); a
//   write the link failed under shows what the camera has, never a stale value (writeFailed).
// - A pushed config event never overwrites a control that is being dragged or has a write pending.
// The camera names the keys (`constructor`, `__proto__` are keys like any other): membership is an own-property
// check and objects are built with spreads and fromEntries, never by assignment.
import type { ConfigSchema, ConfigSnapshot, ConfigValue, ConfigValues } from '../../../shared/contract';

export interface ConfigState {
  channel: string | null;
  schema: ConfigSchema;
  /** The camera's values as last read back. */
  confirmed: ConfigValues;
  /** What each control displays. */
  shown: ConfigValues;
  /** The patch on the wire, if any. */
  inFlight: ConfigValues | null;
  /** Edits waiting for the in-flight write to finish. */
  queued: ConfigValues;
  dragging: Record<string, boolean>;
  /** Bumped on every readback, so views can tell a fresh confirmation from a stale one. */
  version: number;
}

export const emptyConfig: ConfigState = {
  channel: null,
  schema: { properties: {} },
  confirmed: {},
  shown: {},
  inFlight: null,
  queued: {},
  dragging: {},
  version: 0,
};

const has = (o: object, key: string): boolean => Object.hasOwn(o, key);

export function isPending(s: ConfigState, key: string): boolean {
  return (s.inFlight !== null && has(s.inFlight, key)) || has(s.queued, key);
}

/** Whether a pushed/readback value may replace what the control shows. */
function heldByUser(s: ConfigState, key: string): boolean {
  return isPending(s, key) || (has(s.dragging, key) && s.dragging[key] === true);
}

/** A config snapshot pushed by the service (connect, reconnect, camera-side change). */
export function applySnapshot(s: ConfigState, snap: ConfigSnapshot): ConfigState {
  const shown: ConfigValues = Object.fromEntries(
    Object.entries(snap.values).map(([k, v]) => [k, heldByUser(s, k) && has(s.shown, k) ? s.shown[k]! : v]),
  );
  // A different channel (new camera) invalidates in-progress edits of keys it does not have.
  return readback(s, snap, shown);
}

/** The camera's values become the confirmed ones; `shown` is what the controls display from now on. */
function readback(s: ConfigState, snap: ConfigSnapshot, shown: ConfigValues): ConfigState {
  return {
    ...s,
    channel: snap.channel,
    schema: snap.schema,
    confirmed: { ...snap.values },
    shown,
    version: s.version + 1,
  };
}

/** The user set a value. Returns the new state; call `takeNext` to see whether a write should start. */
export function edit(s: ConfigState, key: string, value: ConfigValue): ConfigState {
  return { ...s, shown: { ...s.shown, [key]: value }, queued: { ...s.queued, [key]: value } };
}

export function setDragging(s: ConfigState, key: string, dragging: boolean): ConfigState {
  if ((has(s.dragging, key) && s.dragging[key] === true) === dragging) return s;
  const d = dragging
    ? { ...s.dragging, [key]: true }
    : Object.fromEntries(Object.entries(s.dragging).filter(([k]) => k !== key));
  let shown = s.shown;
  // Released with nothing pending: show what the camera confirmed.
  if (!dragging && !isPending(s, key) && has(s.confirmed, key))
    shown = { ...s.shown, [key]: s.confirmed[key]! };
  return { ...s, dragging: d, shown };
}

/** If nothing is in flight and edits are queued, move them on the wire. */
export function takeNext(s: ConfigState): { state: ConfigState; patch: ConfigValues | null } {
  if (s.inFlight !== null || Object.keys(s.queued).length === 0) return { state: s, patch: null };
  // Drop edits that equal the confirmed value and are not overriding anything in flight: nothing to do.
  const patch: ConfigValues = Object.fromEntries(
    Object.entries(s.queued).filter(([k, v]) => !has(s.confirmed, k) || s.confirmed[k] !== v),
  );
  if (Object.keys(patch).length === 0) return { state: { ...s, queued: {} }, patch: null };
  return { state: { ...s, inFlight: patch, queued: {} }, patch };
}

/** The in-flight write was accepted; `snap` is the camera's readback. */
export function writeSucceeded(s: ConfigState, snap: ConfigSnapshot): ConfigState {
  const written = s.inFlight ?? {};
  const shownFor = (k: string, v: ConfigValue): ConfigValue => {
    if (has(s.queued, k)) return s.shown[k]!; // a newer edit is waiting: keep showing it
    if (has(written, k)) return v; // confirmed (or clamped) by the camera
    return has(s.dragging, k) && s.dragging[k] === true && has(s.shown, k) ? s.shown[k]! : v;
  };
  const shown: ConfigValues = Object.fromEntries(
    Object.entries(snap.values).map(([k, v]) => [k, shownFor(k, v)]),
  );
  return readback({ ...s, inFlight: null }, snap, shown);
}

/**
 * The in-flight write failed. `known`: the confirmed values are what the camera has (it refused the write,
 * so nothing changed, or its values were read since the write went out): show them. Not known (the link
 * failed and nothing was read since): the write may have landed, so the controls keep the value written
 * rather than restore a stale one, and the next snapshot (the service pushes one once the link is back)
 * shows what the camera has, as they are no longer pending.
 */
export function writeFailed(s: ConfigState, known = true): ConfigState {
  if (!known) return { ...s, inFlight: null };
  const written = s.inFlight ?? {};
  // keys the user moved on from (queued: that edit goes out next) keep what they show
  const restored = Object.keys(written)
    .filter((k) => !has(s.queued, k) && has(s.confirmed, k))
    .map((k) => [k, s.confirmed[k]!] as const);
  return { ...s, inFlight: null, shown: { ...s.shown, ...Object.fromEntries(restored) } };
}

/** Disconnect: nothing can be written any more; drop queued edits and show the last confirmed values. */
export function resetPending(s: ConfigState): ConfigState {
  return { ...s, inFlight: null, queued: {}, dragging: {}, shown: { ...s.confirmed } };
}
