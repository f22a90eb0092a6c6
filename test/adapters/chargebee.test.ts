import { afterEach, describe, expect, it } from "vitest";
import { type ChargebeeAdapterOptions, chargebeeAdapter } from "../../adapters/chargebee/index.js";
import { runAdapterConformance } from "../../src/testing/conformance/index.js";
import { CHARGEBEE_SIM_ORIGIN, chargebeeSimulator } from "../../src/testing/simulators/chargebee/index.js";
import {
  caught,
  closers,
  DAY,
  EMAIL,
  expectNoLeak,
  harness as start,
  statuses,
} from "./chargebee-harness.js";

// The shared suite, over HTTP and nock. No `specs`: there is no Chargebee OpenAPI file in the
// shared specs folder (chargebee/openapi's v2 spec is ~12 MB and not mirrored there).
runAdapterConformance({ simulator: chargebeeSimulator });

afterEach(async () => {
  while (closers.length > 0) await closers.pop()?.();
});

for (const transport of ["http", "nock"] as const) {
  const harness = (...args: Parameters<typeof start> extends [unknown, ...infer R] ? R : never) =>
    start(transport, ...args);

  describe(`chargebee adapter over ${transport}`, () => {
    it("locates every customer of an email (by id first), and nothing for an unknown subject", async () => {
      const h = await harness();
      const { refs } = await h.adapter.locate(h.ctx().subject, h.ctx());
      expect(refs.map((r) => r.id).sort()).toEqual([...h.ids].sort());
      expect(refs.every((r) => r.type === "customer")).toBe(true);
      const byId = h.ctx("req_1", { ids: { chargebee: [h.ids[1] as string, "AzZ-unknown"] } });
      expect((await h.adapter.locate(byId.subject, byId)).refs).toEqual([{ type: "customer", id: h.ids[1] }]);
      const nobody = h.ctx("req_1", { email: "nobody@acme.test" });
      expect((await h.adapter.locate(nobody.subject, nobody)).refs).toEqual([]);
      expect((await h.adapter.export([], nobody)).records).toEqual([]);
    });

    it("exports every record kind across at least three pages, with invoice PDFs", async () => {
      const h = await harness();
      const ctx = h.ctx();
      const { refs } = await h.adapter.locate(ctx.subject, ctx);
      const result = await h.adapter.export(refs, ctx);
      const view = h.sim.oracle({ email: EMAIL });
      const counts: Record<string, number> = {};
      for (const r of result.records) counts[r.type] = (counts[r.type] ?? 0) + 1;
      for (const [type, { live }] of Object.entries(view.byType)) expect(counts[type], type).toBe(live);
      expect(result.records.length).toBe(view.live);
      const invoiceListCalls = h.calls.filter((c) => c.path === "/api/v2/invoices").length;
      expect(invoiceListCalls).toBeGreaterThanOrEqual(4); // 6 + 3 invoices at 2 a page
      const invoice = result.records.find((r) => r.type === "invoice");
      const pdf = (invoice?.data as { pdf?: { download_url?: string } } | undefined)?.pdf;
      expect(pdf?.download_url).toMatch(/\.pdf$/);
      const pdfs = result.files ?? [];
      expect(pdfs.length).toBe((counts.invoice ?? 0) + (counts.credit_note ?? 0));
      expect(Buffer.from(pdfs[0]?.bytes ?? []).toString("utf8")).toMatch(/^%PDF/);
    });

    it("restricts by cancelling at end of term and unrestricts exactly those, twice over", async () => {
      const h = await harness();
      const ctx = h.ctx("req_r");
      const { refs } = await h.adapter.locate(ctx.subject, ctx);
      const before = statuses(h);
      const viewBefore = h.sim.oracle({ email: EMAIL });
      const active = before.filter((s) => s.endsWith(":active")).length;
      const first = await h.adapter.restrict?.(refs, ctx);
      expect(first?.restricted).toBe(active);
      expect(h.sim.oracle({ email: EMAIL })).toMatchObject({ restricted: active, live: viewBefore.live });
      // A re-run (crash before restrict's result was recorded) recognises its own cancellations.
      const second = await h.adapter.restrict?.(refs, h.ctx("req_r"));
      expect(second?.undo).toEqual(first?.undo);
      expect(h.sim.oracle({ email: EMAIL }).restricted).toBe(active);
      // Another request does not claim them.
      expect((await h.adapter.restrict?.(refs, h.ctx("req_other")))?.restricted).toBe(0);
      await h.adapter.unrestrict?.(refs, first?.undo, ctx);
      expect(h.sim.oracle({ email: EMAIL }).restricted).toBe(0);
      await h.adapter.unrestrict?.(refs, first?.undo, ctx);
      // The customer's own scheduled cancellations and cancelled subscriptions are untouched.
      expect(statuses(h)).toEqual(before);
      // Only restrict's own marker comments were removed; the subject's records are all there.
      expect(h.sim.oracle({ email: EMAIL })).toEqual(viewBefore);
      for (const [key, count] of h.sim.destructiveApplications()) {
        expect(key).toMatch(/^comment:/);
        expect(count).toBe(1);
      }
    });

    it("unrestricts without an undo record (restrict crashed) using the marker it left", async () => {
      const h = await harness();
      const ctx = h.ctx("req_crash");
      const { refs } = await h.adapter.locate(ctx.subject, ctx);
      const before = statuses(h);
      await h.adapter.restrict?.(refs, ctx);
      expect(h.sim.oracle({ email: EMAIL }).restricted).toBeGreaterThan(0);
      await h.adapter.unrestrict?.(refs, undefined, h.ctx("req_crash"));
      expect(h.sim.oracle({ email: EMAIL }).restricted).toBe(0);
      expect(statuses(h)).toEqual(before);
    });

    it("deletes by clearing personal data, verifies, and never applies anything twice", async () => {
      const h = await harness();
      const ctx = h.ctx("req_d");
      const { refs } = await h.adapter.locate(ctx.subject, ctx);
      await h.adapter.restrict?.(refs, ctx);
      const result = await h.adapter.delete(refs, ctx);
      expect(result.outcome).toBe("anonymized");
      expect(result.deleted).toBe(2);
      expect(h.sim.oracle({ email: EMAIL }).live).toBe(0);
      const applied = new Map(h.sim.destructiveApplications());
      expect([...applied.keys()].filter((k) => k.startsWith("customer:")).sort()).toEqual(
        h.ids.map((id) => `customer:${id}`).sort(),
      );
      expect(await h.adapter.delete(refs, h.ctx("req_d"))).toMatchObject({ deleted: 0 });
      expect(h.sim.destructiveApplications()).toEqual(applied);
      for (const count of applied.values()) expect(count).toBe(1);
      // Done; what Chargebee keeps by design (invoices…) stays reported.
      expect(await h.adapter.status(refs, result, ctx)).toEqual({
        state: "done",
        remaining: 0,
        residual: result.residual,
      });
      expect((await h.adapter.locate(ctx.subject, ctx)).refs).toEqual([]);
      expect(JSON.stringify(result)).not.toContain(EMAIL);
    });

    it("deletes whole customers in delete mode; verify waits for the purge (404)", async () => {
      const h = await harness({}, { deleteMode: "delete" });
      const ctx = h.ctx("req_del");
      const { refs } = await h.adapter.locate(ctx.subject, ctx);
      const result = await h.adapter.delete(refs, ctx);
      expect(result.outcome).toBe("erased");
      const view = h.sim.oracle({ email: EMAIL });
      expect(view.live).toBe(0);
      expect(view.trashed).toBeGreaterThan(0);
      expect((await h.adapter.status(refs, result, ctx)).state).toBe("pending");
      h.advance(4 * 60_000);
      expect(h.sim.oracle({ email: EMAIL })).toMatchObject({ live: 0, trashed: 0 });
      expect(await h.adapter.status(refs, result, ctx)).toEqual({ state: "done", remaining: 0 });
      expect(await h.adapter.delete(refs, ctx)).toMatchObject({ deleted: 0 });
      for (const count of h.sim.destructiveApplications().values()) expect(count).toBe(1);
    });

    it("turns delete preconditions into typed, non-retryable errors", async () => {
      for (const blocker of [
        "account_hierarchy",
        "gift_subscription",
        "invoice_paid_by_other",
        "credit_note_allocated_to_other",
      ] as const) {
        const h = await harness({}, { deleteMode: "delete" }, 2);
        h.sim.blockDelete(h.ids[0] as string, blocker);
        const ctx = h.ctx("req_pre");
        const { refs } = await h.adapter.locate(ctx.subject, ctx);
        const error = await caught(h.adapter.delete(refs, ctx));
        expect(error.code).toBe("CONFLICT");
        expect(error.retryable).toBe(false);
        expect(error.providerCode).toBe("invalid_state_for_request");
        expect(error.details?.precondition).toMatch(/precondition/);
        expectNoLeak(error, String(h.options.apiKey));
        // The blocked customer is still there, untouched.
        expect(h.sim.oracle({ email: EMAIL }).byType.customer?.live).toBeGreaterThanOrEqual(1);
        expect(h.sim.destructiveApplications().has(`customer:${h.ids[0]}`)).toBe(false);
      }
    });

    it("reports a deferred clear (site retention setting) as scheduled with an ETA", async () => {
      const h = await harness({ piiRetentionMs: 30 * DAY });
      const ctx = h.ctx("req_s");
      const { refs } = await h.adapter.locate(ctx.subject, ctx);
      const result = await h.adapter.delete(refs, ctx);
      expect(result.outcome).toBe("scheduled");
      expect(Date.parse(result.eta ?? "")).toBe(ctx.now().getTime() + 30 * DAY);
      expect(h.sim.oracle({ email: EMAIL }).live).toBeGreaterThan(0); // not wiped yet
      const status = await h.adapter.status(refs, result, ctx);
      expect(status).toMatchObject({ state: "scheduled", remaining: 0, eta: result.eta });
      h.advance(31 * DAY);
      expect(h.sim.oracle({ email: EMAIL }).live).toBe(0);
      expect((await h.adapter.status(refs, result, ctx)).state).toBe("done");
      for (const count of h.sim.destructiveApplications().values()) expect(count).toBe(1);
    });

    it("sends a stable idempotency key on every POST and is safe when a response is lost", async () => {
      const h = await harness();
      const ctx = h.ctx("req_k");
      const { refs } = await h.adapter.locate(ctx.subject, ctx);
      let lost = false;
      h.fault = (request, next) => {
        if (lost || !request.path.endsWith("/clear_personal_data")) return undefined;
        lost = true;
        return next().then(() => ({ fault: "reset" }) as const); // applied, but the answer never arrives
      };
      const error = await caught(h.adapter.delete(refs, ctx));
      expect(error.code).toBe("NETWORK");
      expect(error.retryable).toBe(true);
      const result = await h.adapter.delete(refs, h.ctx("req_k"));
      expect(result.outcome).toBe("anonymized");
      for (const count of h.sim.destructiveApplications().values()) expect(count).toBe(1);
      const posts = h.sim.received().filter((r) => r.method === "POST");
      expect(posts.length).toBeGreaterThan(0);
      for (const post of posts) expect(post.idempotencyKey).toMatch(/^gf-[0-9a-f]{40}$/);
      const clears = posts.filter((p) => p.path.endsWith("/clear_personal_data"));
      const replayed = clears.filter((p) => p.replayed);
      expect(replayed.length).toBeLessThanOrEqual(1);
      for (const id of h.ids) {
        const keys = new Set(clears.filter((p) => p.path.includes(`/${id}/`)).map((p) => p.idempotencyKey));
        expect(keys).toEqual(new Set([ctx.idempotencyKey("delete", id)]));
      }
    });

    it("sends the business-entity header when configured", async () => {
      const h = await harness({}, { businessEntityId: "acme-eu" });
      const ctx = h.ctx();
      await h.adapter.locate(ctx.subject, ctx);
      const received = h.sim.received();
      expect(received.length).toBeGreaterThan(0);
      for (const r of received) expect(r.businessEntityId).toBe("acme-eu");
    });

    it("classifies 401, 404, 429 (with Retry-After) and 5xx without leaking anything", async () => {
      const h = await harness();
      const ctx = h.ctx();
      const apiKey = String(h.options.apiKey);
      const wrong = h.build({ apiKey: "test_wrong_key_123456" });
      const denied = await caught(wrong.locate(ctx.subject, ctx));
      expect(denied).toMatchObject({
        code: "AUTHENTICATION",
        status: 401,
        retryable: false,
        providerCode: "api_authentication_failed",
      });
      expectNoLeak(denied, "test_wrong_key_123456");

      const inject = (status: number, retryAfterMs?: number) => {
        h.fault = async () =>
          h.sim.errorResponse(status, retryAfterMs === undefined ? undefined : { retryAfterMs });
      };
      inject(404);
      const missing = await caught(h.adapter.locate(ctx.subject, ctx));
      expect(missing).toMatchObject({
        code: "NOT_FOUND",
        status: 404,
        retryable: false,
        providerCode: "resource_not_found",
      });
      inject(429, 7_000);
      const limited = await caught(h.adapter.locate(ctx.subject, ctx));
      expect(limited).toMatchObject({
        code: "RATE_LIMITED",
        status: 429,
        retryable: true,
        retryAfterMs: 7_000,
      });
      for (const status of [500, 503]) {
        inject(status);
        const unavailable = await caught(h.adapter.locate(ctx.subject, ctx));
        expect(unavailable).toMatchObject({ code: "PROVIDER_UNAVAILABLE", status, retryable: true });
        expectNoLeak(unavailable, apiKey);
      }
      h.fault = async (_request, next) => ({ fault: "malformed", response: await next() });
      const unreadable = await caught(h.adapter.locate(ctx.subject, ctx));
      expect(unreadable).toMatchObject({ code: "PROVIDER_RESPONSE", retryable: true });
      h.fault = async () => ({ fault: "reset" });
      expect(await caught(h.adapter.locate(ctx.subject, ctx))).toMatchObject({
        code: "NETWORK",
        retryable: true,
      });
      for (const e of [missing, limited, unreadable]) expectNoLeak(e, apiKey);
    });

    it("answers the site's own rate limit with 429 and Retry-After", async () => {
      const h = await harness({ requestsPerMinute: 3 });
      const ctx = h.ctx();
      const { refs } = await h.adapter.locate(ctx.subject, ctx); // 2 calls (2 customers, 1 page)
      const error = await caught(h.adapter.export(refs, ctx));
      expect(error.code).toBe("RATE_LIMITED");
      expect(error.retryAfterMs).toBeGreaterThan(0);
      expect(error.retryAfterMs).toBeLessThanOrEqual(60_000);
      h.advance(60_000);
      await expect(h.adapter.locate(ctx.subject, ctx)).resolves.toBeDefined();
    });

    it("maps a clear_personal_data refusal to a typed CONFLICT", async () => {
      const h = await harness();
      const ctx = h.ctx("req_refused");
      const { refs } = await h.adapter.locate(ctx.subject, ctx);
      h.fault = async (request, next) =>
        request.path.endsWith("/clear_personal_data") ? h.sim.errorResponse(409) : next();
      const error = await caught(h.adapter.delete(refs, ctx));
      expect(error).toMatchObject({
        code: "CONFLICT",
        retryable: false,
        operation: "customers.clear_personal_data",
      });
      expect(String(error.details?.precondition)).toMatch(/cancelled/);
      expect(h.sim.oracle({ email: EMAIL }).byType.customer?.live).toBe(2);
    });

    it("uses an injected chargebee client", async () => {
      const h = await harness();
      const { default: Chargebee } = await import("chargebee");
      const origin = new URL(String(h.options.baseUrl ?? CHARGEBEE_SIM_ORIGIN));
      // 127.0.0.1 split into "site" + "hostSuffix", since the SDK builds the host as site + suffix.
      const client =
        transport === "http"
          ? new Chargebee({
              site: "127",
              hostSuffix: ".0.0.1",
              protocol: "http",
              port: Number(origin.port),
              apiKey: String(h.options.apiKey),
            })
          : new Chargebee({ site: `${h.sim.site.site}-test`, apiKey: String(h.options.apiKey) });
      const adapter = h.build({ client });
      const ctx = h.ctx();
      expect((await adapter.locate(ctx.subject, ctx)).refs).toHaveLength(2);
    });

    it("rejects bad options with a configuration error naming the option", () => {
      expect(() => chargebeeAdapter({ site: "acme" } as ChargebeeAdapterOptions)).toThrowError(/apiKey/);
      // Fails when the adapter accepts an unknown deleteMode (no throw), not only on a wrong error.
      expect(() =>
        chargebeeAdapter({ site: "acme", apiKey: "test_abcdefgh", deleteMode: "purge" as never }),
      ).toThrowError(expect.objectContaining({ code: "CONFIGURATION", details: { option: "deleteMode" } }));
      expect(() =>
        chargebeeAdapter({ site: "acme", apiKey: "test_abcdefgh", baseUrl: "ftp://x" }),
      ).toThrowError(/baseUrl/);
    });
  });
}
