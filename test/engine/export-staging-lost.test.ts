// An export that waits between runs (a provider asked to retry later) keeps the files written so far
// in its staging folder. If that folder is gone when the next run starts (another machine took the
// request, a tmp cleaner, an operator), the files of the branches already exported are gone with
// it: those branches export again, so the package still holds everything.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stagingDir } from "../../src/engine/export-staging.js";
import { createFanout, defineAdapter, FanoutError, memoryStore } from "../../src/index.js";
import { fakeClock } from "./fake-provider.js";
import { EMAIL, SECRET } from "./helpers.js";

const root = mkdtempSync(join(tmpdir(), "gf-staging-lost-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function exporter(id: string, failFirst: boolean, exports: string[]) {
  let fail = failFirst;
  return defineAdapter({
    id,
    capabilities: { lookup: ["email"] },
    async locate() {
      return {
        refs: [{ type: "record", id: `${id}-1` }],
        coverage: { searchedBy: ["email"], types: ["record"] },
      };
    },
    async export() {
      exports.push(id);
      if (fail) {
        fail = false;
        throw new FanoutError("PROVIDER_UNAVAILABLE", `${id}: 503`, {
          retryable: true,
          retryAfterMs: 60_000,
        });
      }
      return { records: [{ type: "record", id: `${id}-1`, data: { plan: "pro" } }] };
    },
    delete: async () => ({ outcome: "erased", deleted: 1 }),
    status: async () => ({ state: "done", remaining: 0 }),
  });
}

describe("an export whose staging folder is lost between runs", () => {
  it("exports the finished branches again, and the package holds every provider's records", async () => {
    const clock = fakeClock();
    const exports: string[] = [];
    const store = memoryStore();
    const fanout = createFanout({
      adapters: [exporter("quick", false, exports), exporter("later", true, exports)],
      store,
      secret: SECRET,
      now: clock.now,
      retry: { initialInterval: 1000, maximumInterval: 120_000 },
    });
    const to = join(root, "pkg");
    const first = await fanout.export({ email: EMAIL }, { to, wait: false });
    await fanout.drain();
    expect((await fanout.status(first.id)).state).not.toBe("completed");
    expect(exports.sort()).toEqual(["later", "quick"]);
    exports.length = 0;
    const staging = stagingDir(to, first.id);
    expect(existsSync(staging)).toBe(true);
    rmSync(staging, { recursive: true, force: true });

    clock.advance(61_000);
    await fanout.drain();
    const done = await fanout.status(first.id);
    expect(done.state).toBe("completed");
    // The second run: "later" now answers, and "quick", whose file went with the folder, again.
    expect(exports.sort()).toEqual(["later", "quick"]);
    expect(existsSync(join(to, "quick.json"))).toBe(true);
    expect(existsSync(join(to, "later.json"))).toBe(true);
    await fanout.close();
  });
});
