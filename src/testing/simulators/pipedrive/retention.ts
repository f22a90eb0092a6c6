/**
 * Seeding for retention sweeps (`seedSubject(subject, { stage, createdAt, lastActivityAt })`). A
 * Pipedrive person has no lifecycle stage: a customer is a person with a won deal (`customer` and
 * `closed` win the person's first deal), a prospect has none (its deals stay open). `add_time` is
 * the creation, `update_time` the last activity, and the person's records are dated within them.
 */
import { type SeedOptions, seedTimes } from "../../simulator.js";
import type { PipedriveState } from "./model.js";

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/** Gives the seeded person `options`' stage and ages (no-op when none is given). */
export function applyRetentionSeed(state: PipedriveState, personId: number, options: SeedOptions): void {
  const person = state.persons.get(personId);
  if (!person) return;
  const { createdAt, lastActivityAt } = seedTimes(options);
  const deals = Array.from(state.deals.values()).filter((d) => d.person_id === personId);
  if (options.stage === "customer" || options.stage === "closed") {
    const first = deals[0];
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
  const dated = [state.deals, state.activities, state.notes, state.leads] as const;
  for (const map of dated) {
    for (const record of map.values() as Iterable<{
      person_id: number | null;
      add_time: string;
      update_time?: string;
    }>) {
      if (record.person_id !== personId) continue;
      record.add_time = iso(lastActivityAt);
      if (record.update_time !== undefined) record.update_time = iso(lastActivityAt);
    }
  }
}
