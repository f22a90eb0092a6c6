// Shared by the sweep integration tests: a test clock the simulators and the fanout share, the
// requests a sweep filed, and working requests to their end by moving that clock.
import type { Fanout, SagaStore } from "../../src/index.js";

/** The instant the sweep tests start at. */
export const NOW = Date.parse("2026-12-01T09:00:00Z");

export function clock(start = NOW) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

/** The requests a sweep filed (idempotency key `sweep:…`), newest first. */
export async function sweepRequests(store: SagaStore) {
  const page = await store.list({ limit: 1000 });
  return page.items.filter((r) => r.idempotencyKey?.startsWith("sweep:"));
}

/** Works the requests until each is final, moving the shared clock to each next timer. */
export async function settleAll(fanout: Fanout, c: ReturnType<typeof clock>, ids: readonly string[]) {
  for (let round = 0; round < 300; round++) {
    await fanout.drain();
    const states = await Promise.all(ids.map(async (id) => (await fanout.status(id)).state));
    if (states.every((s) => s === "completed" || s === "needs_attention")) return states;
    const next = await fanout.store.nextWake();
    c.advance(Math.max(1, Math.min((next ?? c.now() + 1000) - c.now(), 3_600_000)));
    await new Promise((r) => setTimeout(r, 5));
  }
  return Promise.all(ids.map(async (id) => (await fanout.status(id)).state));
}
