// The Stripe simulator refuses what Stripe documents it refuses: redaction jobs over the 10-object
// limit, young transactions, objects another job holds; list parameters the API does not have;
// updates of redacted objects. And its Search API lags behind deletes.
import { describe, expect, it } from "vitest";
import { createStripeSimulator } from "../../src/testing/index.js";
import { DAY, movableClock, raw, start } from "./stripe-helpers.js";

const JOBS = "/v1/privacy/redaction_jobs";
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function errorsOf(get: ReturnType<typeof raw>, id: string) {
  await wait(60); // validation: 2 s × 0.01
  expect((await get("GET", `${JOBS}/${id}`)).body.status).toBe("failed");
  return ((await get("GET", `${JOBS}/${id}/validation_errors`)).body.data as { code: string }[]).map(
    (e) => e.code,
  );
}

describe("stripe simulator: redaction job rules", () => {
  it("refuses more than 10 objects, transactions younger than 90 days, and objects another job holds", async () => {
    const sims = await start({ providers: [createStripeSimulator({ recentCharges: 1 })], pageSize: 100 });
    const ids = await sims.seedSubject({ email: "jane@acme.test" }, { records: 3 });
    const customer = ids.stripe?.[0] ?? "";
    const get = raw(sims);
    const list = async (path: string) =>
      (
        (await get("GET", `${path}?customer=${customer}&limit=100`)).body.data as {
          id: string;
          created: number;
        }[]
      ).sort((a, b) => a.created - b.created);
    const charges = await list("/v1/charges");
    const eleven: Record<string, string> = {};
    for (let i = 0; i < 11; i += 1) eleven[`objects[invoices][${i}]`] = `in_unknown${i}`;
    const tooMany = await get("POST", JOBS, eleven);
    expect(await errorsOf(get, String(tooMany.body.id))).toContain("too_many_objects");

    // The customer's cascade reaches its charge from ten days ago.
    const young = await get("POST", JOBS, { "objects[customers][0]": customer });
    expect(await errorsOf(get, String(young.body.id))).toEqual(["invalid_state", "invalid_state"]);
    const old = await get("POST", JOBS, { "objects[charges][0]": charges[0]!.id });
    await wait(60);
    expect((await get("GET", `${JOBS}/${old.body.id}`)).body.status).toBe("ready");
    const again = await get("POST", JOBS, { "objects[charges][0]": charges[0]!.id });
    expect(await errorsOf(get, String(again.body.id))).toEqual(["locked_by_other_job"]);
    // `objects` is expandable: shown only when asked for.
    expect((await get("GET", `${JOBS}/${old.body.id}`)).body.objects).toBeUndefined();
    expect((await get("GET", `${JOBS}/${old.body.id}?expand[]=objects`)).body.objects).toMatchObject({
      charges: [charges[0]!.id],
      customers: null,
    });
    // Redacted objects can no longer be updated.
    await get("POST", `${JOBS}/${old.body.id}/run`);
    await wait(80);
    const update = await get("POST", `/v1/charges/${charges[0]!.id}`, { "metadata[k]": "v" });
    expect(update.status).toBe(400);
  });

  it("refuses list parameters the API does not define", async () => {
    const sims = await start();
    const ids = await sims.seedSubject({ email: "jane@acme.test" }, { records: 1 });
    const get = raw(sims);
    // Refunds and disputes are listed by charge or payment intent, not by customer.
    const refunds = await get("GET", `/v1/refunds?customer=${ids.stripe?.[0]}`);
    expect(refunds.status).toBe(400);
    expect(refunds.body).toMatchObject({ error: { code: "parameter_unknown", param: "customer" } });
    expect((await get("GET", `/v1/payment_intents?customer=${ids.stripe?.[0]}`)).status).toBe(200);
  });
});

describe("stripe simulator: customer search", () => {
  it("matches the phone as stored, and keeps finding a deleted customer until the index catches up", async () => {
    const clock = movableClock();
    const sims = await start({ now: clock.now });
    const ids = await sims.seedSubject({ email: "Ann@Acme.test", phone: "020 7946 0000" }, { records: 1 });
    const get = raw(sims);
    const search = async (query: string) =>
      (await get("GET", `/v1/customers/search?query=${encodeURIComponent(query)}`)).body.data as {
        id: string;
      }[];
    expect(await search('phone:"+442079460000"')).toEqual([]);
    expect((await search('phone:"020 7946 0000"')).map((c) => c.id)).toEqual(ids.stripe);
    expect((await search('email:"ann@acme.test"')).map((c) => c.id)).toEqual(ids.stripe);
    await get("DELETE", `/v1/customers/${ids.stripe?.[0]}`);
    expect(await search('phone:"020 7946 0000"')).toHaveLength(1);
    clock.advance(DAY / 24);
    expect(await search('phone:"020 7946 0000"')).toEqual([]);
  });
});
