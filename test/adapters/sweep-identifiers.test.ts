/**
 * The built-in adapters' `expired()` reports the email addresses and phone numbers the provider
 * holds for each record (`ExpiredRecord.email`/`phone`), from what its listing already reads, so
 * a sweep can check subject holds placed by email or phone before filing.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { ExpiredRecord } from "../../src/adapter.js";
import { normalizeSubject } from "../../src/subject.js";
import type { SeedOptions, SimulatorFactory } from "../../src/testing/simulator.js";
import { capsuleSimulator } from "../../src/testing/simulators/capsule/index.js";
import { chargebeeSimulator } from "../../src/testing/simulators/chargebee/index.js";
import { hubspotSimulator } from "../../src/testing/simulators/hubspot/index.js";
import { pipedriveSimulator } from "../../src/testing/simulators/pipedrive/index.js";
import { stripeSimulator } from "../../src/testing/simulators/stripe/index.js";
import { zohoSimulator } from "../../src/testing/simulators/zoho/index.js";
import { DAY, inactive90, list, months, NOW, prospect24, simulated } from "./sweep-helpers.js";

const open: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()!();
});

const PHONE = "+442079460123";
const cases: [string, SimulatorFactory, "prospect" | "inactive"][] = [
  ["hubspot", hubspotSimulator, "prospect"],
  ["pipedrive", pipedriveSimulator, "prospect"],
  ["zoho", zohoSimulator, "prospect"],
  ["capsule", capsuleSimulator, "prospect"],
  ["stripe", stripeSimulator, "inactive"],
  ["chargebee", chargebeeSimulator, "inactive"],
];

const values = (v: ExpiredRecord["email"]) => (v === undefined ? [] : typeof v === "string" ? [v] : [...v]);

describe.each(cases)("%s expired() reports the record's identifiers", (_id, factory, policy) => {
  it("yields each record's email (and phone where the provider holds one), as the listing read them", async () => {
    const { sim, adapter } = await simulated(factory, (c) => open.push(c));
    const options: SeedOptions =
      policy === "prospect"
        ? { records: 1, stage: "prospect", createdAt: months(30) }
        : { records: 1, stage: "closed", createdAt: months(30), lastActivityAt: NOW - 120 * DAY };
    const ids = sim.seed({ email: "Held.Person@Example.test", phone: PHONE, name: "Held Person" }, options);
    sim.seed({ email: "other@example.test", name: "Other Person" }, options);
    const found = await list(adapter, policy === "prospect" ? prospect24 : inactive90);
    const isHeld = (r: ExpiredRecord) => ids.includes(r.id) || ids.some((id) => r.id.endsWith(`:${id}`));
    const held = found.filter(isHeld);
    const other = found.filter((r) => !isHeld(r));
    expect(held.length, "the seeded records are listed").toBeGreaterThan(0);
    expect(other.length).toBeGreaterThan(0);
    for (const r of held) {
      expect(values(r.email).map((e) => e.toLowerCase())).toContain("held.person@example.test");
      // A number stored in national form matches once the fanout knows the calling code.
      const phones = values(r.phone).flatMap((p) => {
        try {
          return [normalizeSubject({ phone: p }, { defaultCallingCode: "44" }).phone];
        } catch {
          return [];
        }
      });
      if (values(r.phone).length > 0) expect(phones).toContain(PHONE);
    }
    for (const r of other) expect(values(r.email)).toEqual(["other@example.test"]);
  });
});
