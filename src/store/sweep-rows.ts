/**
 * The rules of sweep rows, shared by every store so they behave the same: who may claim a row and
 * what a claim does ({@link decideClaim}), who may write progress ({@link applyProgress}), and the
 * row codec (key, owner and claim expiry as columns; the rest as one JSON document).
 */
import { FanoutError } from "../errors.js";
import type { SweepClaim, SweepCounts, SweepProgress, SweepRecord } from "./types.js";

const ZERO: SweepCounts = { found: 0, filed: 0, existing: 0 };

/** The error for a sweep write by a holder that lost its claim. */
export function sweepLeaseLost(key: string): FanoutError {
  return new FanoutError("LEASE_LOST", `The claim on sweep ${key} was lost; the write was rejected`, {
    retryable: false,
  });
}

/**
 * The row after `claim`, or `null` when another holder's claim is still valid (see
 * `SagaStore.claimSweep`).
 */
export function decideClaim(existing: SweepRecord | undefined, claim: SweepClaim): SweepRecord | null {
  const leaseUntil = claim.now + claim.leaseMs;
  if (!existing || existing.state === "done") {
    return {
      key: claim.key,
      policy: claim.policy,
      adapterId: claim.adapterId,
      state: "running",
      cursor: null,
      olderThan: claim.olderThan,
      startedAt: claim.now,
      updatedAt: claim.now,
      completedAt: null,
      resumes: 0,
      counts: ZERO,
      owner: claim.owner,
      leaseUntil,
    };
  }
  const held =
    existing.owner !== null &&
    existing.owner !== claim.owner &&
    existing.leaseUntil !== null &&
    existing.leaseUntil >= claim.now;
  if (held) return null;
  return {
    ...existing,
    owner: claim.owner,
    leaseUntil,
    updatedAt: claim.now,
    resumes: existing.owner === claim.owner ? existing.resumes : existing.resumes + 1,
  };
}

/**
 * The row after the holder's `progress`; throws `LEASE_LOST` unless `owner` still holds it. A claim
 * that ran out but that nobody took over is still the holder's: its write is safe (no one else
 * lists that adapter) and renews the claim. Once another sweep claimed the row, the old holder's
 * writes are refused.
 */
export function applyProgress(
  existing: SweepRecord | undefined,
  owner: string,
  now: number,
  progress: SweepProgress,
): SweepRecord {
  if (!existing || existing.owner !== owner || existing.state !== "running") {
    throw sweepLeaseLost(progress.key);
  }
  return {
    ...existing,
    state: progress.state,
    cursor: progress.cursor,
    counts: { ...progress.counts },
    completedAt: progress.completedAt,
    updatedAt: now,
    leaseUntil: progress.leaseUntil,
    owner: progress.leaseUntil === null ? null : owner,
  };
}

/** The JSON document of a row (everything but key, owner and claim expiry). */
export function sweepDoc(record: SweepRecord): string {
  const { key: _key, owner: _owner, leaseUntil: _leaseUntil, ...doc } = record;
  return JSON.stringify(doc);
}

/** A row as stored (`key`, `owner`, `lease_until`, `doc`) back into a record. */
export function sweepFromRow(row: Record<string, unknown>): SweepRecord {
  const doc = JSON.parse(String(row.doc)) as Omit<SweepRecord, "key" | "owner" | "leaseUntil">;
  const leaseUntil = row.lease_until;
  return {
    ...doc,
    key: String(row.key),
    owner: row.owner === null || row.owner === undefined ? null : String(row.owner),
    leaseUntil: leaseUntil === null || leaseUntil === undefined ? null : Number(leaseUntil),
  };
}
