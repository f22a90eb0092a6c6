// A sweep checks subject holds before filing, through the identifiers the adapter reports for each
// expired record (ExpiredRecord.email / phone): by phone as by email, only holds covering the swept
// adapter, unusable values counted `unchecked` and never echoed, malformed ones an adapter bug.
import { describe, expect, it } from "vitest";
import type { ExpiredRecord, SubprocessorAdapter } from "../../src/adapter.js";
import { monthsBefore } from "../../src/engine/sweep-cutoff.js";
import { createFanout, defineAdapter, memoryStore } from "../../src/index.js";
import { fakeClock } from "./fake-provider.js";
import { SECRET } from "./helpers.js";
import { FakeCrm } from "./sweep-fake.js";

type Identifiers = { email?: unknown; phone?: unknown };

/** The fake CRM, its expired records carrying the given identifiers. */
function reporting(crm: FakeCrm, identifiers: Record<string, Identifiers>): SubprocessorAdapter {
  const base = crm.adapter();
  return {
    ...base,
    async *expired(policy, ctx) {
      for await (const r of base.expired!(policy, ctx)) yield { ...r, ...identifiers[r.id] } as ExpiredRecord;
    },
  };
}

const other = defineAdapter({
  id: "billing",
  capabilities: { restrict: false, unrestrict: false, lookup: ["id"] },
  async locate() {
    return { refs: [], coverage: { searchedBy: ["id"], types: ["customer"] } };
  },
  async export() {
    return { records: [] };
  },
  async delete() {
    return { outcome: "erased", deleted: 0 };
  },
  async status() {
    return { state: "done", remaining: 0 };
  },
});

function setup(identifiers: (ids: string[]) => Record<string, Identifiers>) {
  const clock = fakeClock();
  const crm = new FakeCrm();
  const ids = crm.add(4, "prospect", monthsBefore(clock.now(), 30));
  const logs: unknown[] = [];
  const log = (obj: unknown, msg?: string) => logs.push({ obj, msg });
  const fanout = createFanout({
    adapters: [reporting(crm, identifiers(ids)), other],
    store: memoryStore(),
    secret: SECRET,
    now: clock.now,
    random: () => 0.5,
    logger: { debug: log, info: log, warn: log, error: log },
  });
  const events: unknown[] = [];
  fanout.on("*", (e) => events.push(e));
  return { crm, ids, fanout, logs, events };
}

describe("a sweep's hold check", () => {
  it("matches a hold placed by phone, ignores holds on other adapters, and counts unusable identifiers unchecked", async () => {
    const { crm, ids, fanout, logs, events } = setup((ids) => ({
      [ids[0]!]: { phone: "+44 20 7946 0123" }, // held by phone
      [ids[1]!]: { email: ["x@other.test", "Partial@Held.test"] }, // a hold on billing only: filed
      [ids[2]!]: { email: "not an email" }, // cannot be checked
    }));
    await fanout.holdSubject({ phone: "+442079460123" }, { reason: "court order", reference: "C-1" });
    await fanout.holdSubject(
      { email: "partial@held.test" },
      { reason: "invoices in dispute", reference: "C-2", adapters: ["billing"] },
    );
    const result = await fanout.sweep({ policy: "prospect", olderThan: "24mo" });
    expect(result).toMatchObject({ found: 4, filed: 3, held: 1, unchecked: 2 });
    await fanout.drain();
    // Oracle: only the record held by phone is left.
    expect(crm.live().map((p) => p.id)).toEqual([ids[0]]);
    const text = JSON.stringify([logs, events, result]);
    for (const value of ["7946", "other.test", "held.test", "not an email"])
      expect(text).not.toContain(value);
  });

  it("a malformed identifier is an adapter bug: its part fails, the value is not echoed", async () => {
    const { crm, fanout, logs, events } = setup((ids) => ({
      [ids[0]!]: { email: { secret: "jane@x.test" } },
    }));
    const result = await fanout.sweep({ policy: "prospect", olderThan: "24mo" });
    expect(result.adapters.crm).toMatchObject({ state: "failed", filed: 0, error: { code: "STEP_FAILED" } });
    expect(crm.live()).toHaveLength(4);
    expect(JSON.stringify([logs, events, result])).not.toContain("jane");
  });
});
