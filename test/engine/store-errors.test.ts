import { describe, expect, it } from "vitest";
import { memoryStore, type SagaStore } from "../../src/index.js";
import { isTransientStoreError } from "../../src/store/transient-error.js";
import { EMAIL, setup } from "./helpers.js";

describe("store errors during a run", () => {
  it.each([
    [
      Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" }),
      true,
    ],
    [Object.assign(new Error("could not serialize access"), { code: "40001" }), true],
    [Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" }), true],
    [Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }), true],
    [new Error("Connection terminated unexpectedly"), true],
    [Object.assign(new Error("syntax error"), { code: "42601" }), false],
    [new TypeError("x is undefined"), false],
  ])("classifies %s as transient: %s", (error, transient) => {
    expect(isTransientStoreError(error)).toBe(transient);
  });

  it("a passing database error delays the request instead of asking for attention", async () => {
    const inner = memoryStore();
    let failNext = 0;
    const store: SagaStore = {
      ...inner,
      async getBranches(id) {
        if (failNext > 0) {
          failNext--;
          throw Object.assign(new Error("terminating connection due to administrator command"), {
            code: "57P01",
          });
        }
        return inner.getBranches(id);
      },
    };
    const env = setup(["alpha"], { store });
    const req = await env.fanout.erase({ email: EMAIL });
    failNext = 1;
    await env.fanout.drain();
    const after = await env.fanout.status(req.id);
    expect(after.state).toBe("pending");
    expect(after.attention).toBeNull();
    env.clock.advance(5000);
    await env.fanout.drain();
    expect((await env.fanout.status(req.id)).state).toBe("completed");
  });
});
