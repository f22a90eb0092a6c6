/**
 * What a sweep does with each candidate before filing it: checks its shape, derives its
 * idempotency key, and tells the listing's failures from the store's.
 */
import type { ExpiredRecord } from "../adapter.js";
import { FanoutError, isFanoutError } from "../errors.js";
import { fingerprintValue } from "../fingerprint.js";

/** The idempotency key of a record's sweep erasure; the record id enters it only through the keyed hash. */
export function sweepIdempotencyKey(
  policy: string,
  adapterId: string,
  recordId: string,
  secret: string | Uint8Array,
): string {
  const record = fingerprintValue("sweep-record", `${adapterId}\u0000${recordId}`, secret).slice(4);
  return `sweep:${policy}:${adapterId}:${record}`;
}

export function checkCandidate(value: unknown, adapterId: string): ExpiredRecord {
  const c = value as Partial<ExpiredRecord> | null;
  const text = (v: unknown, max: number) => typeof v === "string" && v.length > 0 && v.length <= max;
  // Identifiers the provider holds for the record (optional): one or a few short strings.
  const identifiers = (v: unknown) =>
    v === undefined || text(v, 320) || (Array.isArray(v) && v.length <= 50 && v.every((x) => text(x, 320)));
  if (
    !c ||
    !text(c.type, 64) ||
    !text(c.id, 200) ||
    !text(c.cursor, 4000) ||
    !identifiers(c.email) ||
    !identifiers(c.phone)
  ) {
    throw new FanoutError("STEP_FAILED", `Adapter "${adapterId}" yielded a malformed sweep candidate`, {
      retryable: false,
      provider: adapterId,
      operation: "expired",
    });
  }
  return c as ExpiredRecord;
}

/** A failure of the store while filing or saving: not the listing's, never retried as one. */
export class StoreFailure {
  constructor(readonly cause: unknown) {}
}

export function asSweepError(error: unknown, adapterId: string): FanoutError {
  if (isFanoutError(error)) return error;
  return new FanoutError("STEP_FAILED", `${adapterId} expired failed with an unexpected error`, {
    retryable: true,
    provider: adapterId,
    operation: "expired",
    cause: error,
  });
}
