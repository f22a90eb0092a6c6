// Shredding reaches the disk: once a request completes, its sealed subject is in neither the
// SQLite file nor its write-ahead log, while the store (and a worker) still has the file open.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sqliteStore } from "../../src/store/sqlite-store.js";
import { EMAIL, settle, setup } from "../engine/helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "gf-shred-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function onDisk(path: string): string {
  return [path, `${path}-wal`]
    .filter((f) => existsSync(f))
    .map((f) => readFileSync(f, "latin1"))
    .join("\n");
}

/** A stretch of a sealed value's ciphertext (after the `v2:<key id>:` prefix). */
const body = (sealed: string) => sealed.slice(sealed.indexOf(":", 3) + 1).slice(0, 57);

describe("sqlite shredding", () => {
  it("leaves no copy of a completed request's sealed subject in the db or -wal file", async () => {
    const path = join(tmp, "shred.db");
    const env = setup(["alpha", "beta"], { store: sqliteStore({ path }) });
    const ids: string[] = [];
    const sealed: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { id } = await env.fanout.erase({ email: `person${i}.${EMAIL}` }, { after: "1d" });
      ids.push(id);
      await env.fanout.drain(); // restricted, waiting: sealed subject on disk (WAL and file)
      const value = (await env.store.getRequest(id))?.sealed;
      expect(value).toMatch(/^v2:[0-9a-f]+:/);
      sealed.push(body(value!));
    }
    expect(sealed.every((s) => onDisk(path).includes(s))).toBe(true);
    // An export's destination is sealed the same way.
    const exp = await env.fanout.export({ email: EMAIL }, { to: join(tmp, "pkg"), wait: false });
    const exportSealed = body((await env.store.getRequest(exp.id))?.sealed ?? "");
    for (const id of [...ids, exp.id]) expect(await settle(env, id)).toBe("completed");

    const bytes = onDisk(path); // the store is still open: nothing checkpointed it at close
    for (const s of [...sealed, exportSealed!]) expect(bytes).not.toContain(s);
    for (const id of ids) expect((await env.store.getRequest(id))?.sealed).toBeNull();
    await env.fanout.close();
  });
});
