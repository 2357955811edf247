// What a request must look like before it reaches the service: one of the contract's names with the contract's
// argument shapes. Checked once, here, for every carrier.
import { REQUEST_NAMES } from '../shared/contract';
import type { RequestArgs, RequestName, RequestResult } from '../shared/contract';

export class BadRequestError extends Error {
  readonly code = 'bad-request';
  readonly hint = 'This is a bug in the client that sent it; reload the page.';
  constructor(message: string) {
    super(message);
    this.name = 'BadRequestError';
  }
}

const NAMES: ReadonlySet<string> = new Set(REQUEST_NAMES);

export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && NAMES.has(name);
}

type Check = (args: unknown[]) => string | null;

const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 4096;
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);

const none: Check = (a) => (a.length === 0 ? null : 'takes no arguments');

const CHECKS: { [K in RequestName]: Check } = {
  listPorts: none,
  connect: (a) => (a.length === 1 && isString(a[0]) ? null : 'expects (target: string)'),
  disconnect: none,
  getState: none,
  readConfig: none,
  writeConfig: (a) => {
    if (a.length !== 1 || !isPlainObject(a[0])) return 'expects (patch: object)';
    for (const [k, v] of Object.entries(a[0])) {
      if (typeof v === 'number' ? !Number.isFinite(v) : typeof v !== 'boolean' && typeof v !== 'string')
        return `value of "${k}" must be a finite number, boolean or string`;
    }
    return Object.keys(a[0]).length ? null : 'patch is empty';
  },
  readChannel: (a) => (a.length === 1 && isString(a[0]) ? null : 'expects (name: string)'),
  writeChannel: (a) =>
    a.length === 2 && isString(a[0]) && a[1] instanceof Uint8Array
      ? null
      : 'expects (name: string, data: bytes)',
  setStreaming: (a) => (a.length === 1 && typeof a[0] === 'boolean' ? null : 'expects (enable: boolean)'),
  // (an absent seq arrives as null over JSON)
  saveSnapshot: (a) =>
    (a.length === 1 ||
      (a.length === 2 && (a[1] === undefined || a[1] === null || Number.isSafeInteger(a[1])))) &&
    (a[0] === 'jpeg' || a[0] === 'png')
      ? null
      : "expects ('jpeg' | 'png', seq?: integer)",
  getStats: none,
};

/** Throws BadRequestError when `name`/`args` do not match the contract. */
export function validateRequest(name: unknown, args: unknown): asserts args is unknown[] {
  if (!isRequestName(name)) throw new BadRequestError(`unknown request "${String(name).slice(0, 64)}"`);
  if (!Array.isArray(args)) throw new BadRequestError(`${name}: arguments must be an array`);
  const problem = CHECKS[name](args);
  if (problem) throw new BadRequestError(`${name}: ${problem}`);
}

/** Validate and call the provider's method (with `this` bound). */
export async function dispatchRequest<K extends RequestName>(
  provider: { [N in RequestName]: (...a: RequestArgs<N>) => Promise<RequestResult<N>> },
  name: K,
  args: unknown,
): Promise<RequestResult<K>> {
  validateRequest(name, args);
  const fn = provider[name] as (...a: RequestArgs<K>) => Promise<RequestResult<K>>;
  return fn.apply(provider, args as RequestArgs<K>);
}
