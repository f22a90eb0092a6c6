/**
 * Waking, at a hold's release, the requests it parked under another fingerprint of the subject.
 * The store's `releaseHold` wakes (and audits) the open erasures filed under the hold's own
 * fingerprint; a request filed under the subject's fingerprint with another secret (before or
 * after a rotation) was parked by the same hold through its aliases (subject-holds.ts), and its
 * doc names the hold (`subjectHolds`). Those are found among the `held` erasures and woken the
 * same way: the `subject.released` audit entry, and a wake-up, in one store transaction each.
 */
import { FanoutError } from "../errors.js";
import type { AuditInput, HoldRecord, RequestRecord } from "../store/types.js";
import type { EngineContext } from "./context.js";

/** Wakes the held erasures `hold` parked under other fingerprints; returns their ids. */
export async function wakeParkedElsewhere(
  ctx: EngineContext,
  hold: HoldRecord,
  now: number,
  audit: AuditInput,
): Promise<string[]> {
  const woken: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.store.list({
      state: "held",
      kind: "erase",
      limit: 500,
      ...(cursor ? { cursor } : {}),
    });
    for (const r of page.items) {
      const holds = r.doc.subjectHolds;
      if (r.fingerprint === hold.fingerprint || !Array.isArray(holds) || !holds.includes(hold.id)) continue;
      // A `legal` change that keeps the legal facts as they are: the store's way to append an
      // audit entry and wake a request in one transaction, the same in every store.
      const stillHeld = (current: RequestRecord) => {
        if (current.state !== "held")
          throw new FanoutError("CONFLICT", "no longer held", { retryable: false });
        return { legal: current.legal };
      };
      try {
        await ctx.store.control(r.id, now, { kind: "legal", update: stillHeld }, audit);
        woken.push(r.id);
      } catch (error) {
        // It moved on meanwhile (a worker looked again, or it was withdrawn): nothing to wake.
        if (!(error instanceof FanoutError && error.code === "CONFLICT")) throw error;
      }
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return woken;
}
