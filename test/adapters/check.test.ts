// fanout.check() and each adapter's check(): SDK installed, credential accepted (a read-only lookup
// of an address that cannot exist), provider features (Stripe's redaction jobs, Postmark's Data
// Removals) — and run() refusing to start when something fails. Effects checked through the
// simulators: the check changes nothing and reads no one.
import { afterEach, describe, expect, it } from "vitest";
import { createFanout, memoryStore, sdkItem } from "../../src/index.js";
import {
  createPostmarkSimulator,
  createStripeSimulator,
  type Simulators,
  startSimulators,
} from "../../src/testing/index.js";

const SECRET = "check-test-secret-0123456789";
let sims: Simulators | undefined;
afterEach(async () => {
  await sims?.close();
  sims = undefined;
});

describe("fanout.check()", () => {
  it("every built-in adapter: SDK, credential and features ok against its simulator; nothing changed", async () => {
    sims = await startSimulators({ transport: "nock", timeScale: 0.01 });
    await sims.seedSubject({ email: "jane@acme.test" }, { records: 2 });
    const before = Object.fromEntries(sims.providers.map((p) => [p, sims!.oracle(p, "jane@acme.test")]));
    const fanout = createFanout({ adapters: sims.adapters(), store: memoryStore(), secret: SECRET });
    const report = await fanout.check();
    expect(report.ok).toBe(true);
    expect(report.store.status).toBe("ok");
    expect(report.secret.status).toBe("ok");
    const byAdapter = Object.fromEntries(
      report.adapters.map((a) => [a.adapter, a.items.map((i) => `${i.name}:${i.status}`)]),
    );
    expect(byAdapter).toEqual({
      stripe: ["sdk:ok", "credential:ok", "redaction-jobs:ok"],
      chargebee: ["sdk:ok", "credential:ok"],
      postmark: ["sdk:ok", "credential:ok", "data-removals:ok"],
      hubspot: ["sdk:ok", "credential:ok"],
      pipedrive: ["sdk:ok", "credential:ok"],
      zoho: ["credential:ok"],
      capsule: ["credential:ok"],
    });
    // Read-only: the oracle is unchanged, and nothing was written.
    expect(Object.fromEntries(sims.providers.map((p) => [p, sims!.oracle(p, "jane@acme.test")]))).toEqual(
      before,
    );
    for (const provider of sims.providers) {
      expect(sims.simulator(provider).destructiveApplications().size, provider).toBe(0);
    }
    // Only reads went out (Capsule's party filter is a POST that reads; Zoho's token is OAuth).
    const writes = sims.calls().filter((c) => c.method !== "GET");
    expect(writes.map((c) => `${c.provider} ${c.method} ${c.path}`).sort()).toEqual([
      "capsule POST /api/v2/parties/filters/results",
      "zoho POST /oauth/v2/token",
    ]);
    expect(JSON.stringify(report)).not.toContain(String(sims.options.stripe?.apiKey));
  });

  it("a refused key fails; an account without the features warns; an unreachable provider warns", async () => {
    sims = await startSimulators({
      transport: "nock",
      timeScale: 0.01,
      providers: [
        createStripeSimulator({ redactionJobs: false }),
        createPostmarkSimulator({ dataRemovalEnabled: false }),
        "capsule",
      ],
    });
    const fanout = createFanout({ adapters: sims.adapters(), store: memoryStore(), secret: SECRET });
    sims.inject("capsule", { status: 503, times: 3 });
    const report = await fanout.check();
    const find = (adapter: string, name: string) =>
      report.adapters.find((a) => a.adapter === adapter)?.items.find((i) => i.name === name);
    expect(find("stripe", "redaction-jobs")).toMatchObject({
      status: "warn",
      detail: expect.stringContaining("manual_required"),
    });
    expect(find("postmark", "data-removals")).toMatchObject({
      status: "warn",
      detail: expect.stringContaining("not enabled"),
    });
    expect(find("capsule", "credential")).toMatchObject({
      status: "warn",
      error: { code: "PROVIDER_UNAVAILABLE" },
    });
    expect(report.ok).toBe(true);

    sims.inject("stripe", { status: 401 });
    sims.inject("postmark", { status: 403 });
    const refused = await fanout.check();
    expect(refused.ok).toBe(false);
    const stripe = refused.adapters.find((a) => a.adapter === "stripe");
    expect(stripe?.items.find((i) => i.name === "credential")).toMatchObject({
      status: "fail",
      error: { code: "AUTHENTICATION" },
    });
    const postmark = refused.adapters.find((a) => a.adapter === "postmark");
    expect(postmark?.items.find((i) => i.name === "credential")).toMatchObject({
      status: "fail",
      error: { code: "PERMISSION_DENIED" },
    });
  });

  it("run() refuses to start when the check fails, before claiming anything", async () => {
    sims = await startSimulators({ transport: "nock", timeScale: 0.01, providers: ["stripe"] });
    const ids = await sims.seedSubject({ email: "jane@acme.test" }, { records: 1 });
    const fanout = createFanout({ adapters: sims.adapters(), store: memoryStore(), secret: SECRET });
    const req = await fanout.erase({ email: "jane@acme.test", ids });
    sims.inject("stripe", { status: 401, times: 5 });
    const error = await fanout.run({ signal: AbortSignal.timeout(5000) }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "CONFIGURATION",
      message: expect.stringContaining("stripe credential"),
    });
    expect((await fanout.status(req.id)).state).toBe("pending");
  });

  it("a missing SDK is a failing, non-retryable finding naming the package", async () => {
    const item = await sdkItem("postmark", async () => {
      throw Object.assign(new Error("Cannot find package 'postmark' imported from /app/x.js"), {
        code: "ERR_MODULE_NOT_FOUND",
      });
    });
    expect(item).toMatchObject({
      name: "sdk",
      status: "fail",
      error: { code: "CONFIGURATION", retryable: false },
    });
    expect(item.detail).toContain("npm install postmark");
  });

  it("reports open requests sealed with another secret", async () => {
    const store = memoryStore();
    sims = await startSimulators({ transport: "nock", providers: ["capsule"] });
    const before = createFanout({ adapters: sims.adapters(), store, secret: "old-secret-0123456789abcdef" });
    await before.erase({ email: "jane@acme.test" }, { after: "30d" });
    const after = createFanout({ adapters: sims.adapters(), store, secret: SECRET });
    const report = await after.check();
    expect(report.ok).toBe(false);
    expect(report.secret).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("sealed with a different secret"),
    });
    const rotated = createFanout({
      adapters: sims.adapters(),
      store,
      secret: SECRET,
      previousSecrets: ["old-secret-0123456789abcdef"],
    });
    expect((await rotated.check()).secret.status).toBe("ok");
  });
});
