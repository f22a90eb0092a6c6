// An access request while the person's erasure waits out its retention window: the erasure's
// restriction may have taken records out of the search's sight (Zoho's recycle bin), yet they are
// still the person's data and the export must contain them. The engine adds what the waiting
// erasure restricted to the export's locate and says how many in the manifest.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createFanout, defineAdapter, memoryStore } from "../../src/index.js";
import { fakeClock } from "./fake-provider.js";
import { EMAIL, SECRET } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "gf-restricted-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A provider whose restriction moves records into a bin its search cannot see. */
function binProvider() {
  const inBin = new Set<string>();
  const records = ["r1", "r2", "r3"];
  const exported: string[][] = [];
  const adapter = defineAdapter({
    id: "bin",
    capabilities: { lookup: ["email"] },
    async locate() {
      return {
        refs: records.filter((id) => !inBin.has(id)).map((id) => ({ type: "record", id })),
        coverage: { searchedBy: ["email"], types: ["record"] },
      };
    },
    async export(refs) {
      exported.push(refs.map((r) => r.id));
      return { records: refs.map((r) => ({ type: r.type, id: r.id, data: { note: "kept" } })) };
    },
    async restrict(refs) {
      for (const r of refs) if (r.id !== "r3") inBin.add(r.id);
      return { undo: null, restricted: refs.filter((r) => r.id !== "r3").length };
    },
    async unrestrict() {
      inBin.clear();
    },
    async delete(refs) {
      return { outcome: "erased", deleted: refs.length };
    },
    async status() {
      return { state: "done", remaining: 0 };
    },
  });
  return { adapter, inBin, exported };
}

describe("an export during an erasure's wait", () => {
  it("contains the records the waiting erasure restricted out of the search's sight, and counts them", async () => {
    const clock = fakeClock();
    const bin = binProvider();
    const fanout = createFanout({
      adapters: [bin.adapter],
      store: memoryStore(),
      secret: SECRET,
      now: clock.now,
    });
    const erasure = await fanout.erase({ email: EMAIL }, { after: "30d" });
    await fanout.drain();
    expect((await fanout.status(erasure.id)).state).toBe("waiting");
    expect([...bin.inBin].sort()).toEqual(["r1", "r2"]);

    const handle = await fanout.export({ email: EMAIL }, { to: join(dir, "pkg") });
    expect(handle.state).toBe("completed");
    // The search saw r3 only; r1 and r2 came from the erasure's restriction.
    expect(bin.exported.at(-1)?.sort()).toEqual(["r1", "r2", "r3"]);
    // `restricted`: the records the waiting erasure holds restricted (all three it located).
    expect(handle.manifest?.adapters.bin).toMatchObject({ records: 3, restricted: 3 });
    await fanout.close();
  });
});
