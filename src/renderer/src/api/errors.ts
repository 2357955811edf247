import type { AppError } from '../../../shared/contract';
import { ApiError } from '../../../rpc';

export { ApiError };

function field(err: unknown, key: string): string | undefined {
  const v = typeof err === 'object' && err !== null ? (err as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' && v ? v : undefined;
}

/** An older server folded the hint into the message ("cause — hint"); show them apart either way. */
function unfold(message: string, hint: string | undefined): string {
  return hint && message.endsWith(` — ${hint}`) ? message.slice(0, -(hint.length + 3)) : message;
}

/** Turn anything a request rejected with into the AppError shape the toasts render. */
export function toAppError(err: unknown, fallbackCode = 'request-failed', now = Date.now()): AppError {
  if (err instanceof Error) {
    const hint = field(err, 'hint');
    return {
      code: field(err, 'code') ?? fallbackCode,
      message: unfold(err.message, hint),
      ...(hint ? { hint } : {}),
      at: now,
    };
  }
  return { code: fallbackCode, message: String(err), at: now };
}
