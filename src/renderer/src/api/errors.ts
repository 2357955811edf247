import type { AppError } from '../../../shared/contract';

/** An Error that carries the contract's machine-readable code, so toasts can show and tests can match it. */
export class ApiError extends Error {
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }
}

/** Turn anything a request rejected with into the AppError shape the toasts render. */
export function toAppError(err: unknown, fallbackCode = 'request-failed', now = Date.now()): AppError {
  if (err instanceof ApiError) return { code: err.code, message: err.message, at: now };
  if (err instanceof Error) {
    const code = (err as Error & { code?: unknown }).code;
    return { code: typeof code === 'string' && code ? code : fallbackCode, message: err.message, at: now };
  }
  return { code: fallbackCode, message: String(err), at: now };
}
