/**
 * How a team tests its own account-closure handler: simulators instead of the providers, a fake
 * clock to cross the 90-day window in milliseconds, and the simulators' oracle as the judge.
 * (CI runs this file; see docs/testing.md.)
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createFanout, memoryStore } from "gdpr-fanout";
import { type Simulators, startSimulators } from "gdpr-fanout/testing";
import { afterEach, expect, it } from "vitest";
import { createAccountClosureHandler } from "./account-closure-handler.js";

let sims: Simulators;
afterEach(() => sims.close());

/** Calls a `(req, res)` handler without a server. */
async function call(
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  method: string,
  url: string,
) {
  let status = 0;
  let body = "";
  const res = {
    writeHead(code: number) {
      status = code;
      return res;
    },
    end(text?: string) {
      body = text ?? "";
      return res;
    },
  };
  await handler({ method, url } as IncomingMessage, res as unknown as ServerResponse);
  return { status, json: body ? JSON.parse(body) : undefined };
}

it("closing an account erases the customer everywhere after 90 days", async () => {
  sims = await startSimulators({ transport: "nock", timeScale: 0.001 });
  const ids = await sims.seedSubject({ email: "jane@acme.test" }, { records: 5 });
  let now = Date.parse("2026-11-28T12:00:00Z");
  const fanout = createFanout({
    adapters: sims.adapters(),
    store: memoryStore(),
    secret: "test-secret-0123456789abcdef",
    now: () => now,
    pollInterval: 1,
  });
  const handler = createAccountClosureHandler(fanout, async (id) =>
    id === "42" ? { email: "jane@acme.test", ids } : undefined,
  );

  const first = await call(handler, "POST", "/accounts/42/close");
  expect(first.status).toBe(202);
  expect((await call(handler, "POST", "/accounts/42/close")).json.requestId).toBe(first.json.requestId); // idempotent
  expect((await call(handler, "POST", "/accounts/7/close")).status).toBe(404);

  await fanout.drain();
  // During the window nothing is destroyed: data is restricted (Zoho's restriction is its recycle
  // bin, so count trashed records too) and no irreversible operation has been applied.
  for (const provider of sims.providers) {
    const view = sims.oracle(provider, "jane@acme.test");
    expect(view.live + view.trashed, provider).toBeGreaterThan(0);
    expect(sims.simulator(provider).destructiveApplications().size, provider).toBe(0);
  }

  // settle moves the shared clock to each next timer: the 90-day window, then the job polls.
  const status = await fanout.settle(first.json.requestId, {
    advance: (ms) => {
      now += ms;
    },
  });
  expect(status.state).toBe("completed");
  expect(now - Date.parse("2026-11-28T12:00:00Z")).toBeGreaterThanOrEqual(90 * 86_400_000);
  expect(Object.values(await sims.remaining("jane@acme.test")).every((n) => n === 0)).toBe(true);
});
