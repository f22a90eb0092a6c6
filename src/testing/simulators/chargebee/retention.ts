/**
 * Seeding for retention sweeps (`seedSubject(subject, { stage, createdAt, lastActivityAt })`) on
 * the customers the seed creates: `closed` cancels every subscription at `lastActivityAt`, as a
 * closed account's would be; `customer` keeps them all active; `prospect` removes them (a billing
 * customer that never subscribed). `createdAt` dates the customer and its subscriptions.
 */
import { type SeedOptions, seedTimes } from "../../simulator.js";
import type { ChargebeeState } from "./model.js";

const seconds = (ms: number) => Math.floor(ms / 1000);

/** Gives the seeded customers `options`' stage and ages (no-op when none is given). */
export function applyRetentionSeed(
  state: ChargebeeState,
  customerIds: readonly string[],
  options: SeedOptions,
): void {
  const { createdAt, lastActivityAt } = seedTimes(options);
  if (options.stage === undefined && createdAt === undefined) return;
  for (const id of customerIds) {
    const customer = state.customers.get(id);
    if (!customer) continue;
    if (createdAt !== undefined) customer.created_at = seconds(createdAt);
    if (lastActivityAt !== undefined) customer.updated_at = seconds(lastActivityAt);
    for (const sub of [...state.children.subscription.values()]) {
      if (sub.customer_id !== id) continue;
      if (createdAt !== undefined) sub.created_at = seconds(createdAt);
      if (options.stage === "prospect") state.children.subscription.delete(sub.id);
      else if (options.stage === "customer") {
        sub.status = "active";
        delete sub.cancelled_at;
        delete sub.cancel_schedule_created_at;
      } else if (options.stage === "closed") {
        sub.status = "cancelled";
        sub.cancelled_at = seconds(lastActivityAt ?? state.env.now());
        sub.updated_at = sub.cancelled_at;
        delete sub.cancel_schedule_created_at;
      }
    }
  }
}
