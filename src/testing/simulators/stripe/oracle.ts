/**
 * The Stripe simulator's oracle: what holds the subject's personal data right now, by type. A
 * record belongs to the subject when it was seeded for a customer of the subject's email (the
 * `owner` map survives detaching and redaction); it is live while `StripeState.isLive` says so.
 */
import type { OracleView, SimSubject } from "../../simulator.js";
import type { StripeObject } from "./objects.js";
import type { StripeState } from "./state.js";

export function stripeOracle(state: StripeState, subject: SimSubject): OracleView {
  const byType: Record<string, { live: number; trashed: number }> = {};
  let live = 0;
  let restricted = 0;
  const count = (o: StripeObject) => {
    const entry = byType[o.object] ?? { live: 0, trashed: 0 };
    byType[o.object] = entry;
    if (state.isLive(o)) {
      entry.live += 1;
      live += 1;
    }
  };
  const ids = new Set<string>();
  for (const c of state.customers.values()) {
    if (state.seededEmail.get(c.id) !== subject.email) continue;
    ids.add(c.id);
    count(c);
  }
  for (const o of state.children.values()) {
    const owner = state.owner.get(o.id);
    if (owner === undefined || !ids.has(owner)) continue;
    count(o);
    if (o.object === "subscription" && o.status !== "canceled" && o.cancel_at_period_end === true)
      restricted += 1;
  }
  return { live, trashed: 0, restricted, byType };
}
