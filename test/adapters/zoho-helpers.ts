/** A Zoho simulator served over HTTP on a test clock, for the zoho-*.test.ts files. */
import { afterEach } from "vitest";
import { type FanoutError, isFanoutError } from "../../src/errors.js";
import { createOperationContext } from "../../src/testing/context.js";
import { createSimEnvironment } from "../../src/testing/environment.js";
import { type SimCall, type SimLayer, serveHttp } from "../../src/testing/serve.js";
import type { SimResponse } from "../../src/testing/simulator.js";
import { zohoSimulator } from "../../src/testing/simulators/zoho/index.js";

export const SUBJECT = { email: "jane.doe@acme.test", phone: "+44 20 7946 0018", name: "Jane Doe" };
export const DAY = 86_400_000;

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()?.();
});

/** Starts a simulator; `answer` may replace the simulator's answer to a request. */
export async function zohoSetup(
  opts: {
    pageSize?: number;
    timeScale?: number;
    answer?: (call: { method: string; path: string }) => SimResponse | undefined;
  } = {},
) {
  let clock = Date.parse("2026-11-20T10:00:00Z");
  const env = createSimEnvironment({
    pageSize: opts.pageSize ?? 2,
    timeScale: opts.timeScale ?? 1,
    now: () => clock,
  });
  const sim = zohoSimulator.create(env);
  const calls: SimCall[] = [];
  const layer: SimLayer = async (request, next) => opts.answer?.(request) ?? next();
  const serving = await serveHttp(sim, { layers: [layer], log: (c) => calls.push(c) });
  closers.push(() => serving.close());
  const adapter = zohoSimulator.createAdapter(sim.adapterOptions(serving.baseUrl));
  const ctx = (
    subject: Parameters<typeof createOperationContext>[0]["subject"] = SUBJECT,
    requestId?: string,
  ) => createOperationContext({ subject, now: () => new Date(clock), ...(requestId ? { requestId } : {}) });
  return { sim, adapter, ctx, calls, advance: (ms: number) => (clock += ms), now: () => clock };
}

export async function failure(promise: Promise<unknown>): Promise<FanoutError> {
  try {
    await promise;
  } catch (error) {
    if (isFanoutError(error)) return error;
    throw error;
  }
  throw new Error("expected a FanoutError");
}
