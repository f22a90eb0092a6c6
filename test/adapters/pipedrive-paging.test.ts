// Pipedrive's v1 offset lists shift down when records before the reader are deleted (other
// erasures in the same company do it while a list is read). `v1All` re-reads an overlap of each
// previous page and steps back when even that was deleted, so no record is ever skipped; a list
// that keeps moving ends with a retryable error. Driven here on an in-memory offset list.
import { describe, expect, it } from "vitest";
import { type PipedriveSdk, PipedriveSession } from "../../adapters/pipedrive/api.js";
import { createOperationContext } from "../../src/testing/index.js";

const PAGE = 6;

/** An offset list of ids 1..n that answers like Pipedrive's v1 (`start`/`limit`, `next_start`). */
function offsetList(n: number) {
  const rows = Array.from({ length: n }, (_, i) => ({ id: i + 1 }));
  const starts: number[] = [];
  let beforePage: ((page: number) => void) | undefined;
  return {
    rows,
    starts,
    onPage(fn: (page: number) => void) {
      beforePage = fn;
    },
    /** Deletes `count` rows that sit before offset `before` (already read by the walker). */
    deleteBehind(count: number, before: number) {
      rows.splice(Math.max(0, before - count), count);
    },
    async page(start: number) {
      beforePage?.(starts.length);
      starts.push(start);
      const data = rows.slice(start, start + PAGE);
      const more = start + PAGE < rows.length;
      return {
        success: true,
        data,
        additional_data: { pagination: { more_items_in_collection: more, next_start: start + PAGE } },
      };
    },
  };
}

function session(): PipedriveSession {
  const ctx = createOperationContext({ subject: { email: "paging@example.test" } });
  return new PipedriveSession(
    {} as PipedriveSdk,
    { v1: "http://127.0.0.1:9", v2: "http://127.0.0.1:9" },
    ctx,
    [],
    [],
    1000,
  );
}

const ids = (list: { id?: unknown }[]) => list.map((r) => r.id as number).sort((a, b) => a - b);

describe("pipedrive v1 paging while records are deleted behind the reader", () => {
  it("re-reads an overlap of the previous page, so two deletions behind it skip nothing", async () => {
    const list = offsetList(20);
    list.onPage((page) => {
      // Before every further page, two rows already read (others' records) are deleted.
      if (page > 0) list.deleteBehind(2, list.starts.at(-1)! + PAGE);
    });
    const read = await session().v1All("callLogs.list", (start) => list.page(start));
    // Every row still in the list was read; the deleted ones may have been read before they went.
    for (const row of list.rows) expect(ids(read)).toContain(row.id);
    expect(list.starts[1], "the second page starts inside the first").toBeLessThan(PAGE);
    expect(new Set(ids(read)).size).toBe(read.length);
  });

  it("steps back a page when more rows than the overlap were deleted behind it", async () => {
    const list = offsetList(24);
    list.onPage((page) => {
      if (page === 1) list.deleteBehind(PAGE, PAGE); // the whole first page goes before page 2
    });
    const read = await session().v1All("callLogs.list", (start) => list.page(start));
    for (const row of list.rows) expect(ids(read)).toContain(row.id);
    expect(list.starts).toContain(0); // read again from the start after the step back
    expect(list.starts.filter((s) => s === 0).length).toBe(2);
  });

  it("gives up with a retryable error on a list that keeps moving", async () => {
    const list = offsetList(400);
    list.onPage((page) => {
      if (page > 0) list.deleteBehind(PAGE, list.starts.at(-1)! + PAGE);
    });
    await expect(session().v1All("callLogs.list", (start) => list.page(start))).rejects.toMatchObject({
      code: "PROVIDER_RESPONSE",
      retryable: true,
    });
  });
});
