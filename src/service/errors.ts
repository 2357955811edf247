// Every failure the UI sees is an AppError: a stable code, the cause, and what to do about it when we know.
import type { AppError } from '../shared/contract';
import { udevHint } from './udev-hint';

/** An error with a code and hint, thrown by the service so carriers can forward both. */
export class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

function field(err: unknown, key: string): unknown {
  return typeof err === 'object' && err !== null ? (err as Record<string, unknown>)[key] : undefined;
}

/** Classify any thrown value into a code + hint. */
export function classifyError(err: unknown): { code: string; message: string; hint?: string } {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof ServiceError)
    return { code: err.code, message, ...(err.hint ? { hint: err.hint } : {}) };
  const name = err instanceof Error ? err.name : '';
  const code = field(err, 'code');
  if (
    code === 'EACCES' ||
    code === 'EPERM' ||
    code === 'port-permission' ||
    /permission denied|EACCES/i.test(message)
  )
    return { code: 'port-permission', message, hint: udevHint() };
  if (code === 'ENOENT' || /no such file|ENOENT|not found/i.test(message))
    return { code: 'port-not-found', message, hint: 'Check the cable and pick the port again (Refresh).' };
  if (code === 'EBUSY' || /resource busy|EBUSY|cannot lock/i.test(message))
    return {
      code: 'port-busy',
      message,
      hint: 'Another program (an IDE, ModemManager) holds the port; close it and retry.',
    };
  if (name === 'ConfigRejectedError')
    return {
      code: 'config-rejected',
      message,
      hint: 'The camera refused the value; the confirmed value is shown.',
    };
  if (name === 'ConfigFormatError')
    return { code: 'config-invalid', message, hint: 'The camera script sent config that is not valid JSON.' };
  if (name === 'BadRequestError') return { code: 'bad-request', message };
  if (name === 'TimeoutError' || /timed? ?out/i.test(message))
    return { code: 'timeout', message, hint: 'The camera did not answer in time; check the link.' };
  const hint = field(err, 'hint');
  if (typeof code === 'string' && /^[a-z][a-z-]*$/.test(code))
    return { code, message, ...(typeof hint === 'string' && hint ? { hint } : {}) };
  return { code: 'internal', message };
}

export function toAppError(err: unknown, now: () => number = Date.now): AppError {
  return { ...classifyError(err), at: now() };
}

/** An Error carrying the classified code/hint, for rejecting a request. */
export function asServiceError(err: unknown): ServiceError {
  if (err instanceof ServiceError) return err;
  const c = classifyError(err);
  const e = new ServiceError(c.code, c.message, c.hint);
  if (err instanceof Error) e.stack = err.stack;
  return e;
}

/** The text a person sees for a failed request: the cause, then what to do (carriers that cannot carry a hint). */
export function userMessage(c: { message: string; hint?: string }): string {
  return c.hint ? `${c.message} — ${c.hint}` : c.message;
}
