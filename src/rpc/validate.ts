// What a request must look like before it reaches the service: one of the contract's names with the contract's
// argument shapes. Checked once, here, for every carrier.
import { CAMERA_ID_PATTERN } from '../model';
import { PAGE_REQUEST_NAMES, REQUEST_NAMES } from '../shared/contract';
import type {
  PageRequestName,
  ProviderRequests,
  RequestArgs,
  RequestContext,
  RequestName,
  RequestResult,
} from '../shared/contract';

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

const isCamera = (v: unknown): v is string => typeof v === 'string' && CAMERA_ID_PATTERN.test(v);
const CAMERA = 'camera: camera id';

/** A camera request: (camera, ...rest), the rest checked by `rest` (null when fine). */
const onCamera =
  (shape: string, rest: Check = none): Check =>
  (a) =>
    isCamera(a[0]) && rest(a.slice(1)) === null
      ? null
      : `expects (${shape ? `${CAMERA}, ${shape}` : CAMERA})`;

const isPatch = (p: unknown): string | null => {
  if (!isPlainObject(p)) return 'patch must be an object';
  for (const [k, v] of Object.entries(p)) {
    if (typeof v === 'number' ? !Number.isFinite(v) : typeof v !== 'boolean' && typeof v !== 'string')
      return `value of "${k}" must be a finite number, boolean or string`;
  }
  return Object.keys(p).length ? null : 'patch is empty';
};

const CHECKS: { [K in RequestName]: Check } = {
  listPorts: none,
  listCameras: none,
  openCamera: (a) =>
    isString(a[0]) &&
    (a.length === 1 ||
      (a.length === 2 &&
        (a[1] === undefined ||
          a[1] === null ||
          (isPlainObject(a[1]) &&
            Object.keys(a[1]).every((k) => k === 'token') &&
            (a[1]['token'] === undefined || isString(a[1]['token']))))))
      ? null
      : 'expects (target: string, options?: {token?: string})',
  closeCamera: onCamera(''),
  watch: (a) =>
    (a.length === 1 ||
      (a.length === 2 &&
        (a[1] === undefined ||
          a[1] === null ||
          (isPlainObject(a[1]) &&
            Object.keys(a[1]).every((k) => k === 'paced') &&
            (a[1]['paced'] === undefined || typeof a[1]['paced'] === 'boolean'))))) &&
    Array.isArray(a[0]) &&
    a[0].length <= 256 &&
    a[0].every(isCamera)
      ? null
      : 'expects (cameras: camera id[], options?: {paced?: boolean})',
  getState: onCamera(''),
  readConfig: onCamera(''),
  writeConfig: (a) => {
    if (a.length !== 2 || !isCamera(a[0])) return `expects (${CAMERA}, patch: object)`;
    return isPatch(a[1]);
  },
  readChannel: onCamera('name: string', (r) => (r.length === 1 && isString(r[0]) ? null : 'x')),
  writeChannel: onCamera('name: string, data: bytes', (r) =>
    r.length === 2 && isString(r[0]) && r[1] instanceof Uint8Array ? null : 'x',
  ),
  setStreaming: onCamera('enable: boolean', (r) =>
    r.length === 1 && typeof r[0] === 'boolean' ? null : 'x',
  ),
  // (an absent seq arrives as null over JSON)
  saveSnapshot: onCamera("'jpeg' | 'png', seq?: integer", (r) =>
    (r.length === 1 ||
      (r.length === 2 && (r[1] === undefined || r[1] === null || Number.isSafeInteger(r[1])))) &&
    (r[0] === 'jpeg' || r[0] === 'png')
      ? null
      : 'x',
  ),
  getStats: onCamera(''),
};

/** Throws BadRequestError when `name`/`args` do not match the contract. */
export function validateRequest(name: unknown, args: unknown): asserts args is unknown[] {
  if (!isRequestName(name)) throw new BadRequestError(`unknown request "${String(name).slice(0, 64)}"`);
  if (!Array.isArray(args)) throw new BadRequestError(`${name}: arguments must be an array`);
  const problem = CHECKS[name](args);
  if (problem) throw new BadRequestError(`${name}: ${problem}`);
}

/** Arguments of each provider request, optional ones included: the request context comes after them. */
const ARITY: { [K in Exclude<RequestName, PageRequestName>]: number } = {
  listPorts: 0,
  listCameras: 0,
  openCamera: 2,
  closeCamera: 1,
  getState: 1,
  readConfig: 1,
  writeConfig: 2,
  readChannel: 2,
  writeChannel: 3,
  setStreaming: 2,
  saveSnapshot: 3,
  getStats: 1,
};

const PAGE_NAMES: ReadonlySet<string> = new Set(PAGE_REQUEST_NAMES);

/** Validate and call: a page request on `page` (the port's own), any other on the provider, told who asked. */
export async function dispatchRequest<K extends RequestName>(
  provider: ProviderRequests,
  page: { [N in PageRequestName]: (...a: RequestArgs<N>) => Promise<RequestResult<N>> },
  name: K,
  args: unknown,
  context: RequestContext,
): Promise<RequestResult<K>> {
  validateRequest(name, args);
  if (PAGE_NAMES.has(name)) {
    const fn = page[name as PageRequestName] as (...a: unknown[]) => Promise<RequestResult<K>>;
    return fn.apply(page, args);
  }
  // Absent optional arguments are filled, so the context always lands in its own place.
  const full = [...args];
  while (full.length < ARITY[name as Exclude<K, PageRequestName>]) full.push(undefined);
  const fn = provider[name as Exclude<K, PageRequestName>] as (...a: unknown[]) => Promise<RequestResult<K>>;
  return fn.apply(provider, [...full, context]);
}
