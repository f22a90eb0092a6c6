// Finding requests with more than one store query: a subject's fingerprints (one per secret after
// a rotation) and an idempotency-key prefix looked for in several stored forms. The pages the store
// answers are merged into one in the store's own order (newest first, then id descending), cut to
// the limit, and continued by a cursor at the last row returned; the query, limit and cursor given
// reach every store query. A store stub answers scripted pages, so each merge case is exact.
import { describe, expect, it } from "vitest";
import { listByKeyPrefixes, listBySubject } from "../../src/engine/find-requests.js";
import { encodeCursor } from "../../src/store/cursor.js";
import type { ListPage, ListQuery, SagaStore } from "../../src/store/types.js";

type Row = { id: string; createdAt: number };

/** A store whose `list` answers, per fingerprint or prefix, the scripted rows and cursor. */
function stub(pages: Record<string, { items: Row[]; nextCursor?: string | null }>) {
  const queries: ListQuery[] = [];
  const store = {
    async list(query: ListQuery): Promise<ListPage> {
      queries.push(query);
      const page = pages[query.fingerprint ?? query.idempotencyKeyPrefix ?? ""] ?? { items: [] };
      return { items: page.items as unknown as ListPage["items"], nextCursor: page.nextCursor ?? null };
    },
  } as unknown as SagaStore;
  return { store, queries };
}

const ids = (page: ListPage) => page.items.map((r) => r.id);
const cursorAt = (row: Row) => encodeCursor(row);

const finders = [
  ["listBySubject", listBySubject, "fingerprint"],
  ["listByKeyPrefixes", listByKeyPrefixes, "idempotencyKeyPrefix"],
] as const;

describe.each(finders)("%s merging store pages", (_name, find, field) => {
  it("orders rows from every page newest first, then by id descending on a tie", async () => {
    const { store } = stub({
      a: {
        items: [
          { id: "r-5", createdAt: 500 },
          { id: "r-b", createdAt: 300 },
          { id: "r-1", createdAt: 100 },
        ],
      },
      b: {
        items: [
          { id: "r-9", createdAt: 400 },
          { id: "r-c", createdAt: 300 },
          { id: "r-a", createdAt: 300 },
        ],
      },
    });
    const page = await find(store, ["a", "b"], {}, 10, undefined);
    expect(ids(page)).toEqual(["r-5", "r-9", "r-c", "r-b", "r-a", "r-1"]);
    expect(page.nextCursor).toBeNull();
  });

  it("a newer row with a smaller id still comes first (time before id)", async () => {
    const { store } = stub({
      a: { items: [{ id: "r-1", createdAt: 200 }] },
      b: { items: [{ id: "r-9", createdAt: 100 }] },
    });
    expect(ids(await find(store, ["b", "a"], {}, 10, undefined))).toEqual(["r-1", "r-9"]);
    const { store: reversed } = stub({
      a: { items: [{ id: "r-9", createdAt: 200 }] },
      b: { items: [{ id: "r-1", createdAt: 100 }] },
    });
    expect(ids(await find(reversed, ["b", "a"], {}, 10, undefined))).toEqual(["r-9", "r-1"]);
  });

  it("cuts the merged rows to the limit, with a cursor at the last row returned", async () => {
    const rows: Row[] = [
      { id: "r-4", createdAt: 400 },
      { id: "r-3", createdAt: 300 },
      { id: "r-2", createdAt: 200 },
      { id: "r-1", createdAt: 100 },
    ];
    const { store } = stub({ a: { items: [rows[0]!, rows[2]!] }, b: { items: [rows[1]!, rows[3]!] } });
    const page = await find(store, ["a", "b"], {}, 3, undefined);
    expect(ids(page)).toEqual(["r-4", "r-3", "r-2"]);
    expect(page.nextCursor).toBe(cursorAt(rows[2]!));
  });

  it("ends with a null cursor when the rows fill the limit exactly and no store page has more", async () => {
    const { store } = stub({
      a: { items: [{ id: "r-2", createdAt: 200 }] },
      b: { items: [{ id: "r-1", createdAt: 100 }] },
    });
    const page = await find(store, ["a", "b"], {}, 2, undefined);
    expect(ids(page)).toEqual(["r-2", "r-1"]);
    expect(page.nextCursor).toBeNull();
  });

  it("goes on when any one store page has more, even within the limit", async () => {
    const last = { id: "r-1", createdAt: 100 };
    const { store } = stub({
      a: { items: [{ id: "r-2", createdAt: 200 }], nextCursor: "more-of-a" },
      b: { items: [last] },
    });
    const page = await find(store, ["a", "b"], {}, 5, undefined);
    expect(ids(page)).toEqual(["r-2", "r-1"]);
    expect(page.nextCursor).toBe(cursorAt(last));
  });

  it("ends with no rows and a null cursor when a store page has more but nothing matched", async () => {
    const { store } = stub({ a: { items: [], nextCursor: "odd" }, b: { items: [] } });
    expect(await find(store, ["a", "b"], {}, 5, undefined)).toEqual({ items: [], nextCursor: null });
  });

  it("passes the query, the limit and the cursor to every store query, and no cursor on a first page", async () => {
    const { store, queries } = stub({});
    await find(store, ["a", "b"], { state: "completed", tenant: "acme" }, 7, "from-here");
    expect(queries).toEqual([
      { state: "completed", tenant: "acme", [field]: "a", limit: 7, cursor: "from-here" },
      { state: "completed", tenant: "acme", [field]: "b", limit: 7, cursor: "from-here" },
    ]);
    queries.length = 0;
    await find(store, ["a", "b"], {}, 7, undefined);
    expect(queries).toEqual([
      { [field]: "a", limit: 7 },
      { [field]: "b", limit: 7 },
    ]);
    for (const query of queries) expect(Object.hasOwn(query, "cursor")).toBe(false);
  });
});

describe("listBySubject", () => {
  it("asks once per distinct fingerprint and returns a single page as the store gave it", async () => {
    const { store, queries } = stub({
      a: { items: [{ id: "r-1", createdAt: 100 }], nextCursor: "store-cursor" },
    });
    const page = await listBySubject(store, ["a", "a"], {}, 1, undefined);
    expect(queries).toHaveLength(1);
    expect(page).toEqual({ items: [{ id: "r-1", createdAt: 100 }], nextCursor: "store-cursor" });
  });
});

describe("listByKeyPrefixes", () => {
  it("returns a request found under two prefixes once", async () => {
    const row = { id: "r-1", createdAt: 100 };
    const { store } = stub({ "dsr-": { items: [row] }, "idk_x/": { items: [{ ...row }] } });
    expect(ids(await listByKeyPrefixes(store, ["dsr-", "idk_x/"], {}, 10, undefined))).toEqual(["r-1"]);
  });
});
