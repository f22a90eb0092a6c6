// `list()` where the store is asked more than once and the pages are merged: a subject after a
// secret rotation (one fingerprint per secret) and an idempotency-key prefix (looked for as given
// and as stored). Paging with a small limit must return every matching request exactly once, newest
// first, and end with a null cursor; a prefix that holds an identifier cannot match and is refused.
import { describe, expect, it } from "vitest";
import { createFanout, memoryStore } from "../../src/index.js";
import { FakeProvider, fakeClock } from "./fake-provider.js";
import { EMAIL } from "./helpers.js";

const OLD = "old-secret-0123456789abcdef-aaaa";
const NEW = "new-secret-0123456789abcdef-bbbb";

async function pages(
  list: (cursor?: string) => Promise<{ items: { id: string }[]; nextCursor: string | null }>,
) {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 20; i++) {
    const page = await list(cursor);
    expect(page.items.length).toBeLessThanOrEqual(2);
    ids.push(...page.items.map((r) => r.id));
    if (page.nextCursor === null) return ids;
    cursor = page.nextCursor;
  }
  throw new Error("list did not end");
}

describe("list() across merged store pages", () => {
  it("a subject's requests under the current and a previous secret, two a page", async () => {
    const clock = fakeClock();
    const store = memoryStore();
    const alpha = new FakeProvider("alpha");
    const before = createFanout({ adapters: [alpha.adapter()], store, secret: OLD, now: clock.now });
    const after = createFanout({
      adapters: [alpha.adapter()],
      store,
      secret: NEW,
      previousSecrets: [OLD],
      now: clock.now,
    });
    // Alternate the two secrets (a fleet mid-rotation), so no fingerprint's page is ahead of the other.
    const created: string[] = [];
    for (let i = 0; i < 5; i++) {
      const fanout = i % 2 === 0 ? before : after;
      created.push((await fanout.erase({ email: EMAIL }, { after: "30d", idempotencyKey: `dsr-${i}` })).id);
      clock.advance(1000);
      if (i === 2) await before.erase({ email: "someone.else@acme.test" }, { after: "30d" });
    }
    const ids = await pages((cursor) =>
      after.list({ subject: { email: EMAIL }, limit: 2, ...(cursor ? { cursor } : {}) }),
    );
    expect(ids).toEqual([...created].reverse());
  });

  it("an idempotency-key prefix, two a page, and a prefix with an identifier refused", async () => {
    const clock = fakeClock();
    const alpha = new FakeProvider("alpha");
    const fanout = createFanout({
      adapters: [alpha.adapter()],
      store: memoryStore(),
      secret: NEW,
      now: clock.now,
    });
    const created: string[] = [];
    for (let i = 0; i < 5; i++) {
      created.push(
        (await fanout.erase({ email: `p${i}@acme.test` }, { after: "30d", idempotencyKey: `dsr-${i}` })).id,
      );
      clock.advance(1000);
    }
    await fanout.erase({ email: "x@acme.test" }, { after: "30d", idempotencyKey: "other-1" });
    const ids = await pages((cursor) =>
      fanout.list({ idempotencyKeyPrefix: "dsr-", limit: 2, ...(cursor ? { cursor } : {}) }),
    );
    expect(ids).toEqual([...created].reverse());
    await expect(fanout.list({ idempotencyKeyPrefix: `close-${EMAIL}` })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      details: { argument: "idempotencyKeyPrefix" },
    });
  });
});
