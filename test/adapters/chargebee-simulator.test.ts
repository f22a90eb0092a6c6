import { afterEach, describe, expect, it } from "vitest";
import { createSimEnvironment } from "../../src/testing/environment.js";
import { serveHttp } from "../../src/testing/serve.js";
import {
  type ChargebeeSiteSettings,
  chargebeeSimulatorWith,
} from "../../src/testing/simulators/chargebee/index.js";

const EMAIL = "jane.doe@acme.test";
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()?.();
});

describe("chargebee simulator speaks Chargebee", () => {
  async function served(site: Partial<ChargebeeSiteSettings> = {}) {
    const sim = chargebeeSimulatorWith(site).create(createSimEnvironment({ seed: 3 }));
    const ids = sim.seed({ email: EMAIL }, { records: 3 });
    const serving = await serveHttp(sim);
    closers.push(() => serving.close());
    const auth = `Basic ${Buffer.from(`${sim.site.apiKey}:`).toString("base64")}`;
    const call = async (method: string, path: string, headers: Record<string, string> = {}, body = "") => {
      const response = await fetch(`${serving.baseUrl}/api/v2${path}`, {
        method,
        headers: { authorization: auth, "content-type": "application/x-www-form-urlencoded", ...headers },
        ...(method === "POST" ? { body } : {}),
      });
      return {
        status: response.status,
        headers: response.headers,
        body: (await response.json()) as Record<string, unknown>,
      };
    };
    return { sim, ids, call, baseUrl: serving.baseUrl };
  }

  it("answers lists, errors and replays in Chargebee's shapes", async () => {
    const { ids, call, baseUrl } = await served();
    const list = await call("GET", `/customers?email[is]=${encodeURIComponent(EMAIL)}&limit=1`);
    expect(list.status).toBe(200);
    expect((list.body.list as { customer: { email: string } }[])[0]?.customer.email).toBe(EMAIL);
    expect(JSON.parse(String(list.body.next_offset))).toHaveLength(2);
    const next = await call(
      "GET",
      `/customers?email[is]=${encodeURIComponent(EMAIL)}&limit=1&offset=${encodeURIComponent(String(list.body.next_offset))}`,
    );
    expect(next.body.next_offset).toBeUndefined();
    expect((await call("GET", "/customers?limit=101")).body).toMatchObject({
      api_error_code: "param_wrong_value",
      param: "limit",
    });
    expect(await call("GET", "/customers/nope")).toMatchObject({
      status: 404,
      body: { api_error_code: "resource_not_found", type: "invalid_request" },
    });
    const refused = await call("POST", `/customers/${ids[0]}/clear_personal_data`);
    expect(refused).toMatchObject({
      status: 409,
      body: { api_error_code: "invalid_state_for_request", type: "invalid_request" },
    });
    expect(typeof refused.body.message).toBe("string");
    const wrongKey = await fetch(`${baseUrl}/api/v2/customers`, {
      headers: { authorization: `Basic ${Buffer.from("bad:").toString("base64")}` },
    });
    expect(wrongKey.status).toBe(401);
    expect(await wrongKey.json()).toMatchObject({ api_error_code: "api_authentication_failed" });
    const sub = (await call("GET", `/subscriptions?customer_id[is]=${ids[0]}&status[is]=active`)).body
      .list as { subscription: { id: string } }[];
    const path = `/subscriptions/${sub[0]?.subscription.id}/cancel_for_items`;
    const key = { "chargebee-idempotency-key": "k-1" };
    const first = await call("POST", path, key, "end_of_term=true");
    const again = await call("POST", path, key, "end_of_term=true");
    expect((first.body.subscription as { status: string }).status).toBe("non_renewing");
    expect(first.headers.get("chargebee-idempotency-replayed")).toBeNull();
    expect(again.headers.get("chargebee-idempotency-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
  });

  it("filters lists with customer_id[in] and id[in] (a JSON array), and refuses a malformed one", async () => {
    const { ids, call } = await served();
    const both = encodeURIComponent(JSON.stringify(ids));
    const invoices = (await call("GET", `/invoices?customer_id[in]=${both}&limit=100`)).body.list as {
      invoice: { customer_id: string };
    }[];
    // The neighbour's invoices are left out; both of the subject's customers have some.
    expect(new Set(invoices.map((e) => e.invoice.customer_id))).toEqual(new Set(ids));
    const one = encodeURIComponent(JSON.stringify([ids[0]]));
    const only = (await call("GET", `/invoices?customer_id[in]=${one}&limit=100`)).body.list as unknown[];
    expect(only.length).toBeLessThan(invoices.length);
    const customers = (await call("GET", `/customers?id[in]=${both}&include_deleted=true`)).body.list as {
      customer: { id: string };
    }[];
    expect(customers.map((e) => e.customer.id).sort()).toEqual([...ids].sort());
    expect((await call("GET", "/invoices?customer_id[in]=not-json")).body).toMatchObject({
      api_error_code: "param_wrong_value",
    });
  });

  it("refuses `in` on the customer list's email and phone, which Chargebee's reference does not list it for", async () => {
    const { call } = await served();
    for (const field of ["email", "phone"]) {
      const value = encodeURIComponent(JSON.stringify([EMAIL]));
      const answer = await call("GET", `/customers?${field}[in]=${value}`);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ api_error_code: "param_wrong_value" });
    }
  });
});

describe("chargebee simulator lifecycle", () => {
  it("keeps a deleted customer as deleted: true until the purge, then answers 404", async () => {
    let clock = Date.parse("2026-11-28T10:00:00Z");
    const sim = chargebeeSimulatorWith().create(createSimEnvironment({ now: () => clock }));
    const [id] = sim.seed({ email: EMAIL }, { records: 2 });
    const serving = await serveHttp(sim, { now: () => clock });
    closers.push(() => serving.close());
    const auth = { authorization: `Basic ${Buffer.from(`${sim.site.apiKey}:`).toString("base64")}` };
    const get = (path: string) => fetch(`${serving.baseUrl}/api/v2${path}`, { headers: auth });
    const deleted = await fetch(`${serving.baseUrl}/api/v2/customers/${id}/delete`, {
      method: "POST",
      headers: auth,
    });
    expect(deleted.status).toBe(200);
    expect(sim.destructiveApplications().get(`customer:${id}`)).toBe(1);
    expect(
      ((await (await get(`/customers/${id}`)).json()) as { customer: { deleted: boolean } }).customer.deleted,
    ).toBe(true);
    const listed = (await (await get(`/customers?email[is]=${encodeURIComponent(EMAIL)}`)).json()) as {
      list: unknown[];
    };
    expect(listed.list).toHaveLength(1); // the deleted one is hidden unless include_deleted=true
    expect(sim.oracle({ email: EMAIL }).trashed).toBeGreaterThan(0);
    clock += 3 * 60_000;
    expect((await get(`/customers/${id}`)).status).toBe(404);
    expect(sim.oracle({ email: EMAIL }).byType.customer).toEqual({ live: 1, trashed: 0 });
  });

  it("ends a non-renewing subscription at its term end; its scheduled cancellation can no longer be removed", async () => {
    let clock = Date.parse("2026-11-28T10:00:00Z");
    const sim = chargebeeSimulatorWith().create(createSimEnvironment({ now: () => clock }));
    const [id] = sim.seed({ email: EMAIL, phone: "020 7946 0999" }, { records: 3 });
    const serving = await serveHttp(sim, { now: () => clock });
    closers.push(() => serving.close());
    const headers = {
      authorization: `Basic ${Buffer.from(`${sim.site.apiKey}:`).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    };
    const call = async (method: string, path: string, body?: string) => {
      const response = await fetch(`${serving.baseUrl}/api/v2${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    // `phone[is]` compares the stored text: the national form matches, E.164 does not.
    const byPhone = async (phone: string) =>
      ((await call("GET", `/customers?phone[is]=${encodeURIComponent(phone)}`)).body.list as unknown[])
        .length;
    expect(await byPhone("020 7946 0999")).toBe(2);
    expect(await byPhone("+442079460999")).toBe(0);
    const subs = (await call("GET", `/subscriptions?customer_id[is]=${id}&status[is]=active`)).body.list as {
      subscription: { id: string; current_term_end: number };
    }[];
    const sub = subs[0]?.subscription;
    expect(sub).toBeDefined();
    await call("POST", `/subscriptions/${sub?.id}/cancel_for_items`, "end_of_term=true");
    clock = (sub?.current_term_end ?? 0) * 1000 - 1000;
    expect((await call("GET", `/subscriptions/${sub?.id}`)).body).toMatchObject({
      subscription: { status: "non_renewing" },
    });
    clock += 1000;
    expect((await call("GET", `/subscriptions/${sub?.id}`)).body).toMatchObject({
      subscription: { status: "cancelled" },
    });
    expect(await call("POST", `/subscriptions/${sub?.id}/remove_scheduled_cancellation`)).toMatchObject({
      status: 409,
      body: { api_error_code: "invalid_state_for_request" },
    });
  });

  it("enforces the per-minute limit with 429, Retry-After and Chargebee's body", async () => {
    let clock = Date.parse("2026-11-28T10:00:00Z");
    const sim = chargebeeSimulatorWith({ requestsPerMinute: 2 }).create(
      createSimEnvironment({ now: () => clock }),
    );
    const serving = await serveHttp(sim, { now: () => clock });
    closers.push(() => serving.close());
    const auth = { authorization: `Basic ${Buffer.from(`${sim.site.apiKey}:`).toString("base64")}` };
    const get = () => fetch(`${serving.baseUrl}/api/v2/customers`, { headers: auth });
    expect((await get()).status).toBe(200);
    clock += 20_000;
    expect((await get()).status).toBe(200);
    const limited = await get();
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("40");
    expect(await limited.json()).toMatchObject({
      api_error_code: "api_request_limit_exceeded",
      http_status_code: 429,
    });
    clock += 40_000;
    expect((await get()).status).toBe(200);
  });
});
