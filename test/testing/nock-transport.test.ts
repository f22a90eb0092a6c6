// The nock transport on the installed nock: 14 by default, 15 in CI's extra step
// (`.ci/run`: nock@15.0.0 in a temp dir, `vitest.nock15.config.ts`). Every simulator answers over
// nock — headers, JSON and form bodies, binary downloads, resets — and an erasure across the seven
// providers goes through. nock 15 replaced the reply function's `this.req` with a fetch Request.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createFanout, memoryStore } from "../../src/index.js";
import { startSimulators } from "../../src/testing/index.js";

const sims = await startSimulators({ transport: "nock", timeScale: 0.01 });
afterAll(() => sims.close());

describe(`the nock transport (nock ${nockVersion()})`, () => {
  it("erases one subject across every simulator, through a connection reset", async () => {
    const subject = { email: "jane.nock@acme.test", name: "Jane Nock" };
    const ids = await sims.seedSubject(subject, { records: 2 });
    sims.inject("stripe", { fault: "reset", afterCalls: 1 });
    const fanout = createFanout({
      adapters: sims.adapters(),
      store: memoryStore(),
      secret: "nock-transport-secret-0123456789",
      pollInterval: sims.pollInterval,
    });
    const exported = await fanout.inspect(subject);
    expect(exported.every((r) => r.error === null && (r.records ?? 0) > 0)).toBe(true);
    const req = await fanout.erase({ ...subject, ids });
    expect((await fanout.settle(req.id, { timeoutMs: 18_000 })).state).toBe("completed");
    expect(Object.values(await sims.remaining(subject)).every((n) => n === 0)).toBe(true);
    const calls = sims.calls();
    expect(calls.some((c) => c.method === "POST")).toBe(true);
    expect(calls.filter((c) => c.status === 401)).toEqual([]); // credentials read from the headers
  });

  it("serves a wrong key as the provider's 401", async () => {
    const [stripe] = sims.adapters();
    expect(stripe?.id).toBe("stripe");
    const fanout = createFanout({
      adapters: [stripe!],
      store: memoryStore(),
      secret: "nock-transport-secret-0123456789",
    });
    sims.inject("stripe", { status: 401 });
    const [result] = await fanout.inspect({ email: "nobody@acme.test" });
    expect(result?.error?.code).toBe("AUTHENTICATION");
  });
});

/** The version of the nock the tests load (the config's alias, or the repository's). */
function nockVersion(): string {
  const dir = process.env.GDPR_FANOUT_NOCK_DIR ?? dirname(createRequire(import.meta.url).resolve("nock"));
  return (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }).version;
}
