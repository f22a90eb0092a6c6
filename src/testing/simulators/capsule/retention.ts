/**
 * Seeding for retention sweeps (`seedSubject(subject, { stage, createdAt, lastActivityAt })`).
 * Capsule has no lifecycle stage; an account marks its customers with a tag (the simulator's
 * `existingTags`, `Customer` by default). A prospect carries none of those tags; a customer or a
 * closed account keeps them. `createdAt` is the party's `addedOn`, `lastActivityAt` its
 * `updatedOn` and `lastContactedOn` (its entries keep their seeded dates: finding them is a scan of
 * the account, too slow for a 100,000-record seed).
 */
import { type SeedOptions, seedTimes } from "../../simulator.js";
import type { CapsuleState } from "./state.js";

/** Gives the seeded party `options`' stage and ages (no-op when none is given). */
export function applyRetentionSeed(
  state: CapsuleState,
  partyId: number,
  options: SeedOptions,
  customerTags: readonly string[],
): void {
  const party = state.parties.get(partyId);
  if (!party) return;
  const customer = new Set(customerTags.map((t) => state.tagId(t)));
  if (options.stage === "prospect") party.tagIds = party.tagIds.filter((id) => !customer.has(id));
  else if (options.stage !== undefined) party.tagIds = [...new Set([...party.tagIds, ...customer])];
  const { createdAt, lastActivityAt } = seedTimes(options);
  if (createdAt === undefined || lastActivityAt === undefined) return;
  party.createdAt = state.iso(createdAt);
  party.updatedAt = state.iso(lastActivityAt);
  party.lastContactedAt = state.iso(lastActivityAt);
}
