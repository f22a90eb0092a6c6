import { afterEach, describe, expect, it } from "vitest";
import {
  createOperationContext,
  type Simulators,
  startSimulators,
  stripeSimulator,
} from "../../src/testing/index.js";
import { notebookSimulator } from "./example/notebook.js";

const jane = { email: "jane@acme.test", name: "Jane Doe" };
let open: Simulators[] = [];
async function start(options: Parameters<typeof startSimulators>[0]) {
  const sims = await startSimulators(options);
  open.push(sims);
  return sims;
}
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});

const auth = (sims: Simulators) => ({ authorization: `Bearer ${String(sims.options.notebook?.token)}` });

describe.each(["http", "nock"] as const)("startSimulators over %s", (transport) => {
  it("serves, seeds, counts, logs and builds adapters from serialisable options", async () => {
    const sims = await start({ providers: [notebookSimulator], transport, pageSize: 2 });
    expect(sims.providers).toEqual(["notebook"]);
    const options = JSON.parse(JSON.stringify(sims.options)) as typeof sims.options;
    expect(options).toEqual(sims.options);
    const base = String(sims.options.notebook?.baseUrl);
    expect(base).toMatch(
      transport === "http" ? /^http:\/\/127\.0\.0\.1:\d+$/ : /^https:\/\/notebook\.simulator\.test$/,
    );

    const ids = await sims.seedSubject(jane, { records: 3 });
    expect(ids.notebook).toHaveLength(1);
    expect(await sims.remaining(jane)).toEqual({ notebook: 4 });
    expect(await sims.remaining(jane.email)).toEqual({ notebook: 4 });

    const [adapter] = sims.adapters();
    const ctx = createOperationContext({ subject: jane });
    const { refs } = await adapter!.locate(ctx.subject, ctx);
    expect(refs.map((r) => r.id)).toEqual(ids.notebook);
    await adapter!.delete(refs, ctx);
    expect(sims.oracle("notebook", jane)).toMatchObject({ live: 0, trashed: 4 });

    const calls = sims.calls();
    expect(calls.map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual([
      "GET /contacts 200",
      `DELETE /contacts/${ids.notebook?.[0]} 204`,
    ]);
    expect(calls[0]?.queryKeys).toEqual(["email", "page"]);
    expect(calls[0]?.provider).toBe("notebook");
    expect(typeof calls[0]?.at).toBe("number");
    expect(sims.calls("stripe")).toEqual([]);
  });

  it("injects statuses, resets and slow answers on the next matching requests only", async () => {
    const sims = await start({ providers: [notebookSimulator], transport });
    await sims.seedSubject(jane);
    const base = String(sims.options.notebook?.baseUrl);
    const get = () => fetch(`${base}/contacts?email=x`, { headers: auth(sims) });

    const handle = sims.inject("notebook", { status: 503, times: 2, afterCalls: 1 });
    expect((await get()).status).toBe(200);
    expect((await get()).status).toBe(503);
    expect((await get()).status).toBe(503);
    expect((await get()).status).toBe(200);
    expect(handle.fired).toBe(2);
    expect(handle.done).toBe(true);

    sims.inject("notebook", { status: 429, retryAfterMs: 4000 });
    const limited = await get();
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("4");

    sims.inject("notebook", { fault: "reset" });
    await expect(get()).rejects.toThrow();
    expect(sims.calls().at(-1)?.status).toBe(0);

    sims.inject("notebook", { fault: "malformed" });
    await expect((await get()).json()).rejects.toThrow(SyntaxError);

    // HTTP: the body stops half-way and the socket closes; nock: the body arrives unparseable.
    sims.inject("notebook", { fault: "truncate" });
    await expect(get().then((r) => r.json())).rejects.toThrow();

    sims.inject("notebook", { fault: "slow", delayMs: 150 });
    const t0 = Date.now();
    expect((await get()).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);

    const seen: string[] = [];
    sims.inject("notebook", { match: { method: "DELETE" }, status: 500, onMatch: (r) => seen.push(r.path) });
    expect((await get()).status).toBe(200);
    const del = await fetch(`${base}/contacts/c1`, { method: "DELETE", headers: auth(sims) });
    expect(del.status).toBe(500);
    expect(seen).toEqual(["/contacts/c1"]);

    const cancelled = sims.inject("notebook", { status: 401 });
    cancelled.cancel();
    expect((await get()).status).toBe(200);
    sims.inject("notebook", { status: 401, times: 5 });
    sims.clearInjections();
    expect((await get()).status).toBe(200);
  });

  it("a reset after the simulator handled a request applies its effect (the hard case)", async () => {
    const sims = await start({ providers: [notebookSimulator], transport });
    const ids = await sims.seedSubject(jane);
    const base = String(sims.options.notebook?.baseUrl);
    sims.inject("notebook", { fault: "reset" });
    await expect(
      fetch(`${base}/contacts/${ids.notebook?.[0]}`, { method: "DELETE", headers: auth(sims) }),
    ).rejects.toThrow();
    expect(sims.oracle("notebook", jane).live).toBe(0);

    const other = { email: "other@acme.test" };
    const more = await sims.seedSubject(other);
    sims.inject("notebook", { fault: "reset", before: true });
    await expect(
      fetch(`${base}/contacts/${more.notebook?.[0]}`, { method: "DELETE", headers: auth(sims) }),
    ).rejects.toThrow();
    expect(sims.oracle("notebook", other).live).toBeGreaterThan(0);
  });
});

describe("startSimulators options", () => {
  it("starts every registered simulator by default and rejects unknown or duplicate ids", async () => {
    const sims = await start({});
    expect(sims.providers).toContain("stripe");
    await expect(startSimulators({ providers: ["nope"] })).rejects.toThrow(/unknown simulator "nope"/);
    await expect(startSimulators({ providers: [stripeSimulator, "stripe"] })).rejects.toThrow(/listed twice/);
    expect(() => sims.oracle("nope", jane)).toThrow(/not running/);
  });

  it("adds latency, globally or per provider", async () => {
    const sims = await start({
      providers: [notebookSimulator, stripeSimulator],
      latencyMs: { notebook: 400 },
    });
    const t0 = Date.now();
    await fetch(`${String(sims.options.notebook?.baseUrl)}/contacts?email=x`, { headers: auth(sims) });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(390);
    // An upper bound on real time is only as good as the machine is idle: a wide margin (a loopback
    // request takes milliseconds) rather than one a loaded runner can cross.
    const t1 = Date.now();
    await fetch(`${String(sims.options.stripe?.baseUrl)}/v1/customers`);
    expect(Date.now() - t1).toBeLessThan(390);
  });

  it("injects random faults at the given rates, the same ones for the same seed", async () => {
    const run = async (seed: number) => {
      const sims = await start({
        providers: [notebookSimulator],
        seed,
        faults: { serverError: 0.2, rateLimit: 0.05, stormLength: 3, retryAfterMs: 2000 },
      });
      const base = String(sims.options.notebook?.baseUrl);
      const statuses: number[] = [];
      for (let i = 0; i < 120; i += 1)
        statuses.push((await fetch(`${base}/contacts?email=x`, { headers: auth(sims) })).status);
      await sims.close();
      return statuses;
    };
    const a = await run(7);
    expect(await run(7)).toEqual(a);
    expect(await run(8)).not.toEqual(a);
    const errors = a.filter((s) => s >= 500).length;
    expect(errors).toBeGreaterThan(8);
    expect(errors).toBeLessThan(45);
    const storm = a.indexOf(429);
    expect(storm).toBeGreaterThanOrEqual(0);
    expect(a.slice(storm, storm + 3)).toEqual([429, 429, 429]);
  });

  it("rejects fault probabilities outside 0..1", async () => {
    await expect(startSimulators({ providers: [notebookSimulator], faults: { reset: 2 } })).rejects.toThrow(
      /probability/,
    );
  });

  it("picks another nock host while one nock run is open", async () => {
    const a = await start({ providers: [notebookSimulator], transport: "nock" });
    const b = await start({ providers: [notebookSimulator], transport: "nock" });
    expect(a.options.notebook?.baseUrl).toBe("https://notebook.simulator.test");
    expect(b.options.notebook?.baseUrl).toBe("https://notebook-2.simulator.test");
    await b.seedSubject(jane);
    const res = await fetch(
      `https://notebook-2.simulator.test/contacts?email=${encodeURIComponent(jane.email)}`,
      {
        headers: auth(b),
      },
    );
    expect(((await res.json()) as { data: unknown[] }).data).toHaveLength(1);
    expect(a.calls()).toEqual([]);
  });
});
