/**
 * Restrictions with a lifetime. Some restrictions destroy data by themselves when they last too
 * long: Zoho's recycle bin, where a restricted record waits, is emptied by Zoho after 60 days. An
 * adapter declares that with `capabilities.restrictionExpiresAfter`, and the engine renews the
 * restriction before it runs out — `unrestrict` (restore) then `restrict` again (a fresh lifetime) —
 * as often as the retention window or a legal hold requires. So nothing the library did destroys
 * data before the pivot, whatever `after` is and however long a hold lasts.
 *
 * The renewal is one durable step (`renew`): both calls are idempotent, so an attempt cut by a crash
 * simply runs again; the compensation registered by the first restriction stays registered
 * throughout, and undoes the latest one. A renewal that keeps failing fails the branch before the
 * pivot, which aborts the saga and compensates (restores) — it never lets the lifetime run out.
 */
import type { SubprocessorAdapter } from "../adapter.js";
import { parseDuration } from "../duration.js";
import type { BranchRecord } from "../store/types.js";
import type { RequestRun } from "./request-run.js";

const DAY = 86_400_000;
/** Renew this long before expiry: a tenth of the lifetime, at most a week (room for retries). */
const MAX_MARGIN_MS = 7 * DAY;

/** The restriction's lifetime in ms, or `null` when it does not expire. */
export function restrictionLifetimeMs(adapter: SubprocessorAdapter): number | null {
  const value = adapter.capabilities.restrictionExpiresAfter;
  return value === undefined ? null : parseDuration(value, "restrictionExpiresAfter");
}

/** When the restriction made at `at` expires, or `null`. */
export function restrictionExpiry(adapter: SubprocessorAdapter, at: number): number | null {
  const lifetime = restrictionLifetimeMs(adapter);
  return lifetime === null ? null : at + lifetime;
}

/** When the branch's restriction must be renewed, or `null` when it need not be. */
export function renewalDueAt(branch: BranchRecord, adapter: SubprocessorAdapter): number | null {
  const expiresAt = branch.data.restrictionExpiresAt;
  const lifetime = restrictionLifetimeMs(adapter);
  if (typeof expiresAt !== "number" || lifetime === null || branch.data.restriction !== "done") return null;
  if (branch.state !== "ready" || branch.step !== "relocate") return null;
  return expiresAt - Math.min(MAX_MARGIN_MS, Math.floor(lifetime / 10));
}

/** The earliest renewal due among the request's branches, or `null`. */
export function nextRenewalAt(run: RequestRun): number | null {
  let next: number | null = null;
  for (const b of run.branches.values()) {
    const due = renewalDueAt(b, run.adapter(b.adapterId));
    if (due !== null) next = next === null ? due : Math.min(next, due);
  }
  return next;
}

/** Starts the `renew` step of every branch whose renewal is due now; true when one was started. */
export async function startDueRenewals(run: RequestRun): Promise<boolean> {
  const due: BranchRecord[] = [];
  for (const b of run.branches.values()) {
    const at = renewalDueAt(b, run.adapter(b.adapterId));
    if (at !== null && at <= run.now()) {
      due.push({ ...b, step: "renew", state: "pending", attempt: 0, inFlight: false, nextAttemptAt: null });
    }
  }
  if (due.length === 0) return false;
  await run.commit({
    branches: due,
    audit: due.map((b) => run.audit("restriction.renewing", { adapter: b.adapterId })),
  });
  return true;
}
