// What one immediate erasure costs each provider, request by request: the simulators count every
// call per route (ids and emails in paths replaced), so a change that adds a call, or a second
// locate, shows here. The clock is injected (jobs finish on it), so the counts do not depend on
// timing. Update a pin only for a change that is meant to change what an erasure sends.
import { afterEach, describe, expect, it } from "vitest";
import { createFanout, memoryStore } from "../../src/index.js";
import { type Simulators, startSimulators } from "../../src/testing/index.js";
import { PINNED } from "./calls-per-route.pins.js";

const EMAIL = "erase.me@example.test";
let sims: Simulators | undefined;
afterEach(async () => {
  await sims?.close();
  sims = undefined;
});

/** One immediate erasure of a subject seeded like the bench's sweep (`records: 1`), or of nobody. */
async function eraseOnce(provider: string, found: boolean) {
  let now = Date.parse("2026-12-01T09:00:00Z");
  const clock = () => now;
  sims = await startSimulators({ providers: [provider], transport: "nock", now: clock });
  const ids = found
    ? { [provider]: sims.simulator(provider).seed({ email: EMAIL, name: "Erase Me" }, { records: 1 }) }
    : undefined;
  const store = memoryStore();
  const fanout = createFanout({
    adapters: sims.adapters(),
    store,
    secret: "calls-per-route-secret-0123",
    now: clock,
  });
  const request = await fanout.erase(ids ? { email: EMAIL, ids } : { email: EMAIL });
  for (let round = 0; round < 60; round++) {
    await fanout.drain();
    const { state } = await fanout.status(request.id);
    if (state === "completed" || state === "needs_attention") break;
    const next = await store.nextWake();
    if (next !== null && next > now) now = next;
  }
  const status = await fanout.status(request.id);
  await fanout.close();
  return {
    status,
    routes: sims.callsByRoute()[provider] ?? {},
    live: (await sims.remaining(EMAIL))[provider],
  };
}

describe.each(Object.keys(PINNED))("calls per route for one immediate erasure: %s", (provider) => {
  it("a subject with records: every route as pinned, nothing left live", async () => {
    const { status, routes, live } = await eraseOnce(provider, true);
    expect(status.state).toBe("completed");
    expect(live).toBe(0);
    expect(routes).toEqual(PINNED[provider]!.found);
  });

  it("an unknown subject: one locate, nothing else", async () => {
    const { status, routes } = await eraseOnce(provider, false);
    expect(status.branches[0]?.outcome).toBe("not_found");
    expect(routes).toEqual(PINNED[provider]!.none);
  });
});
