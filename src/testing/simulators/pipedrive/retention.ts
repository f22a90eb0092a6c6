/**
 * Seeding for retention sweeps (`seedSubject(subject, { stage, createdAt, lastActivityAt })`). A
 * Pipedrive person has no lifecycle stage: a customer is a person with a won deal (`customer` and
 * `closed` win the person's first deal), a prospect has none (its deals stay open). `add_time` is
 * the creation, `update_time` the last activity, and the person's records are dated within them.
 */
import { type SeedOptions, seedTimes } from "../../simulator.js";
import type { PipedriveState } from "./model.js";

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

interface Dated {
  person_id?: number | null;
  status?: string;
  add_time?: string;
  update_time?: string;
}

/**
 * Runs `seed` and returns what it returned with the records it added (watching `state.add`, so a
 * large seed stays linear: scanning every deal after each seed would not).
 */
export function seeding<T>(state: PipedriveState, seed: () => T): { result: T; added: Dated[] } {
  const added: Dated[] = [];
  const original = state.add;
  state.add = ((map, value) => {
    added.push(value as Dated);
    return original.call(state, map, value);
  }) as PipedriveState["add"];
  try {
    return { result: seed(), added };
  } finally {
    state.add = original;
  }
}

/** Gives the seeded person `options`' stage and ages (no-op when none is given); `added`: its records. */
export function applyRetentionSeed(
  state: PipedriveState,
  personId: number,
  options: SeedOptions,
  added: readonly Dated[],
): void {
  const person = state.persons.get(personId);
  if (!person) return;
  const { createdAt, lastActivityAt } = seedTimes(options);
  const mine = added.filter((r) => r.person_id === personId);
  if (options.stage === "customer" || options.stage === "closed") {
    // The person's first deal: one of the records the seed added that is in the deals map.
    const first = mine
      .map((r) => state.deals.get((r as { id?: number }).id ?? -1))
      .find((d, i) => d !== undefined && (d as Dated) === mine[i]);
    if (first) first.status = "won";
    else {
      const now = iso(lastActivityAt ?? state.env.now());
      const deal = { id: state.id(), title: `${person.name} — subscription`, value: 100, currency: "EUR" };
      state.add(state.deals, {
        ...deal,
        person_id: personId,
        owner_id: person.owner_id,
        status: "won" as const,
        add_time: now,
        update_time: now,
      });
    }
  }
  if (createdAt === undefined || lastActivityAt === undefined) return;
  person.add_time = iso(createdAt);
  person.update_time = iso(lastActivityAt);
  for (const record of mine) {
    if (record.add_time !== undefined) record.add_time = iso(lastActivityAt);
    if (record.update_time !== undefined) record.update_time = iso(lastActivityAt);
  }
}
