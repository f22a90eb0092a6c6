import { expect, it } from "vitest";
import { createFanout, memoryStore } from "../../src/index.js";
import { FakeProvider } from "./fake-provider.js";

it("run() adds one listener to the caller's signal whatever the concurrency", async () => {
  const p = new FakeProvider("alpha");
  p.latencyMs = 30;
  for (let i = 0; i < 20; i++) p.seed(`u${i}@acme.test`, 1);
  const fanout = createFanout({
    adapters: [p.adapter()],
    store: memoryStore(),
    secret: "s".repeat(32),
    concurrency: 20,
  });
  for (let i = 0; i < 20; i++) await fanout.erase({ email: `u${i}@acme.test` });
  const controller = new AbortController();
  const warnings: string[] = [];
  process.on("warning", (w) => warnings.push(w.name));
  const running = fanout.run({ signal: controller.signal, idleMs: 10 });
  // Until requests are running concurrently and some finished (not a fixed time: a loaded runner is slow).
  const until = Date.now() + 15_000;
  while ((await fanout.list({ state: "completed" })).items.length === 0 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 20));
  }
  controller.abort();
  await running;
  expect(warnings).not.toContain("MaxListenersExceededWarning");
  expect((await fanout.list({ state: "completed" })).items.length).toBeGreaterThan(0);
});
