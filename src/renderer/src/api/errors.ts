import type { AppError } from '../../../shared/contract';
import { isErrorCode } from '../../../model';
import type { ErrorCode } from '../../../model';
import { ApiError } from '../../../rpc';

export { ApiError };

function field(err: unknown, key: string): string | undefined {
  const v = typeof err === 'object' && err !== null ? (err as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' && v ? v : undefined;
}

/** A code we know (a newer server may send one this page does not). */
function codeOf(err: unknown): ErrorCode | undefined {
  const c = field(err, 'code');
  return isErrorCode(c) ? c : undefined;
}

/** An older server folded the hint into the message ("cause — hint"); show them apart either way. */
function unfold(message: string, hint: string | undefined): string {
  return hint && message.endsWith(` — ${hint}`) ? message.slice(0, -(hint.length + 3)) : message;
}

/** Turn anything a request rejected with into the AppError shape the toasts render. */
export function toAppError(
  err: unknown,
  fallbackCode: ErrorCode = 'request-failed',
  now = Date.now(),
): AppError {
  if (err instanceof Error) {
    const hint = field(err, 'hint');
    return {
      code: codeOf(err) ?? fallbackCode,
      message: unfold(err.message, hint),
      ...(hint ? { hint } : {}),
      at: now,
    };
  }
  return { code: fallbackCode, message: String(err), at: now };
}
