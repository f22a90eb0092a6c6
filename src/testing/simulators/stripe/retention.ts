/**
 * Seeding for retention sweeps (`seedSubject(subject, { stage, createdAt, lastActivityAt })`) on the
 * seeded customer: `closed` ends every subscription at `lastActivityAt` (`canceled_at`, `ended_at`),
 * as a closed account's would be; `customer` keeps them running; `prospect` removes them (a
 * customer object that never subscribed). `createdAt` dates the customer and its subscriptions.
 */
import { type SeedOptions, seedTimes } from "../../simulator.js";
import type { StripeState } from "./state.js";

const seconds = (ms: number) => Math.floor(ms / 1000);

/** Gives the seeded customer `options`' stage and ages (no-op when none is given). */
export function applyRetentionSeed(state: StripeState, customerId: string, options: SeedOptions): void {
  const { createdAt, lastActivityAt } = seedTimes(options);
  if (options.stage === undefined && createdAt === undefined) return;
  const customer = state.customers.get(customerId);
  if (customer && createdAt !== undefined) customer.created = seconds(createdAt);
  for (const [id, o] of [...state.children]) {
    if (o.object !== "subscription" || o.customer !== customerId) continue;
    if (createdAt !== undefined) o.created = seconds(createdAt);
    if (options.stage === "prospect") state.children.delete(id);
    else if (options.stage === "closed") {
      const ended = seconds(lastActivityAt ?? state.env.now());
      Object.assign(o, {
        status: "canceled",
        canceled_at: ended,
        ended_at: ended,
        cancel_at_period_end: false,
        cancel_at: null,
      });
    } else if (options.stage === "customer") {
      Object.assign(o, {
        status: "active",
        canceled_at: null,
        ended_at: null,
        cancel_at_period_end: false,
        cancel_at: null,
      });
    }
  }
}
