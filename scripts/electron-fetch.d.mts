export interface FetchFailure {
  at: number;
  version: string;
  why: string;
}
export type FetchDecision = { attempt: true } | { attempt: false; why: string };
export const RETRY_AFTER_MS: number;
export function recordPath(root: string): string;
export function readFailure(file: string): FetchFailure | null;
export function writeFailure(file: string, failure: unknown): void;
export function fetchDecision(o: {
  failure: FetchFailure | null;
  version: string;
  now: number;
  force: boolean;
}): FetchDecision;
export function failureReason(stderr: string | Buffer | null | undefined): string;
