// Where an access package is built: the destination is checked at export() (a package never lands on
// anything: an existing file, an existing `.zip` path even when it is an empty folder, a folder with
// something in it), and the staging folder beside it is private. A folder left by an interrupted run
// of the same request is reused only when it is a real directory of this user that nobody else can
// enter; anything else there is refused and left alone. A resumed export whose folder survived does
// not ask providers again for what it already holds.
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStaging, stagingDir } from "../../src/engine/export-staging.js";
import { createFanout, defineAdapter, FanoutError, memoryStore } from "../../src/index.js";
import { fakeClock } from "./fake-provider.js";
import { EMAIL, SECRET } from "./helpers.js";

const root = mkdtempSync(join(tmpdir(), "gf-staging-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(root, `case-${++n}`);

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

describe("export() checks its destination", () => {
  const fanout = createFanout({
    adapters: [exporter("alpha", false, [])],
    store: memoryStore(),
    secret: SECRET,
  });

  async function refusal(to: string): Promise<unknown> {
    return fanout.export({ email: EMAIL }, { to, wait: false }).then(
      () => {
        throw new Error("expected a refusal");
      },
      (error: unknown) => error,
    );
  }

  it("refuses a path where a file exists", async () => {
    const dir = fresh();
    mkdirSync(dir);
    writeFileSync(join(dir, "pkg"), "x");
    expect(await refusal(join(dir, "pkg"))).toMatchObject({
      code: "INVALID_ARGUMENT",
      message: "export `to`: something already exists there; choose a new path (a package never overwrites)",
      details: { argument: "to", problem: "exists" },
    });
  });

  it("refuses an existing .zip path, even an empty folder, whatever the case of its extension", async () => {
    for (const name of ["pkg.zip", "PKG.ZIP"]) {
      const to = join(fresh(), name);
      mkdirSync(to, { recursive: true });
      expect(await refusal(to)).toMatchObject({ details: { argument: "to", problem: "exists" } });
    }
  });

  it("refuses a folder with something in it, accepts an empty one", async () => {
    const to = fresh();
    mkdirSync(to);
    writeFileSync(join(to, "old.json"), "{}");
    expect(await refusal(to)).toMatchObject({
      code: "INVALID_ARGUMENT",
      message: "export `to`: the directory is not empty; choose a new or empty directory",
      details: { argument: "to", problem: "not_empty" },
    });
    const empty = fresh();
    mkdirSync(empty);
    await expect(fanout.export({ email: EMAIL }, { to: empty, wait: false })).resolves.toMatchObject({
      state: "pending",
    });
  });
});

describe("openStaging", () => {
  const refused = {
    code: "STEP_FAILED",
    message:
      "Access package: a staging folder of this request exists and is not a private folder of this user; it was left alone",
  };

  it("creates a private folder, then reuses it for the same request", async () => {
    const to = join(fresh(), "pkg");
    const first = await openStaging(to, "req_1");
    expect(first).toEqual({ dir: stagingDir(to, "req_1"), fresh: true });
    expect(statSync(first.dir).mode & 0o777).toBe(0o700);
    expect(await openStaging(to, "req_1")).toEqual({ dir: first.dir, fresh: false });
  });

  it("refuses a file in its place, even a private one, and leaves it alone", async () => {
    const to = join(fresh(), "pkg");
    mkdirSync(join(to, ".."), { recursive: true });
    writeFileSync(stagingDir(to, "req_1"), "planted", { mode: 0o600 });
    await expect(openStaging(to, "req_1")).rejects.toMatchObject(refused);
    expect(statSync(stagingDir(to, "req_1")).isFile()).toBe(true);
  });

  it("refuses a folder others can enter, and a symlink to a private folder", async () => {
    const open = join(fresh(), "pkg");
    mkdirSync(stagingDir(open, "req_1"), { recursive: true });
    chmodSync(stagingDir(open, "req_1"), 0o755);
    await expect(openStaging(open, "req_1")).rejects.toMatchObject(refused);

    const linked = join(fresh(), "pkg");
    const target = join(root, `target-${n}`);
    mkdirSync(target, { mode: 0o700 });
    mkdirSync(join(linked, ".."), { recursive: true });
    symlinkSync(target, stagingDir(linked, "req_1"));
    await expect(openStaging(linked, "req_1")).rejects.toMatchObject(refused);
  });

  it.runIf(process.getuid?.() === 0)("refuses a private folder of another user", async () => {
    const to = join(fresh(), "pkg");
    mkdirSync(stagingDir(to, "req_1"), { recursive: true, mode: 0o700 });
    chownSync(stagingDir(to, "req_1"), 4242, 4242);
    await expect(openStaging(to, "req_1")).rejects.toMatchObject(refused);
  });

  it("says why it cannot create the folder, by error code and without the path", async () => {
    const to = join(fresh(), "p".repeat(250)); // the staging name is longer than a file name may be
    const error = (await openStaging(to, "req_1").catch((e: unknown) => e)) as FanoutError;
    expect(error).toMatchObject({
      code: "STEP_FAILED",
      retryable: false,
      message: "Access package: cannot create the staging folder (ENAMETOOLONG)",
    });
  });
});

describe("a resumed export whose staging folder survived", () => {
  it("asks only the providers it has nothing from yet", async () => {
    const clock = fakeClock();
    const exports: string[] = [];
    const fanout = createFanout({
      adapters: [exporter("quick", false, exports), exporter("later", true, exports)],
      store: memoryStore(),
      secret: SECRET,
      now: clock.now,
      retry: { initialInterval: 1000, maximumInterval: 120_000 },
    });
    const to = join(fresh(), "pkg");
    const first = await fanout.export({ email: EMAIL }, { to, wait: false });
    await fanout.drain();
    expect(exports.sort()).toEqual(["later", "quick"]);
    exports.length = 0;
    clock.advance(61_000);
    await fanout.drain();
    expect((await fanout.status(first.id)).state).toBe("completed");
    expect(exports).toEqual(["later"]);
    await fanout.close();
  });
});
