// Shared by the Stripe adapter tests: simulators closed after each test, raw requests to the
// simulator, and a full erasure (locate → restrict? → delete → status until settled).
import { afterEach } from "vitest";
import type { DeleteResult, RecordRef, StatusResult, SubprocessorAdapter } from "../../src/adapter.js";
import type { SubjectInput } from "../../src/subject.js";
import {
  createOperationContext,
  type Simulators,
  startSimulators,
  stripeSimulator,
} from "../../src/testing/index.js";

let open: Simulators[] = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});

/** Stripe's simulator (or the given ones), page size 2, fast jobs; closed after the test. */
export async function start(options: Parameters<typeof startSimulators>[0] = {}): Promise<Simulators> {
  const sims = await startSimulators({
    providers: [stripeSimulator],
    pageSize: 2,
    timeScale: 0.01,
    ...options,
  });
  open.push(sims);
  return sims;
}

/** A raw request to the simulator with its key (form body for POSTs). */
export function raw(sims: Simulators) {
  const { apiKey, baseUrl } = sims.options.stripe as { apiKey: string; baseUrl: string };
  return async (
    method: string,
    path: string,
    body?: Record<string, string>,
    headers: Record<string, string> = {},
  ) => {
    const init: RequestInit = { method, headers: { authorization: `Bearer ${apiKey}`, ...headers } };
    if (body) {
      init.body = new URLSearchParams(body).toString();
      (init.headers as Record<string, string>)["content-type"] = "application/x-www-form-urlencoded";
    }
    const res = await fetch(`${baseUrl}${path}`, init);
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
  };
}

/** Polls `status` until it is no longer `pending`. */
export async function settled(
  adapter: SubprocessorAdapter,
  refs: readonly RecordRef[],
  deletion: DeleteResult,
  ctx: ReturnType<typeof createOperationContext>,
): Promise<StatusResult> {
  let status = await adapter.status(refs, deletion, ctx);
  for (let i = 0; i < 200 && status.state === "pending"; i += 1) {
    await new Promise((r) => setTimeout(r, 10));
    status = await adapter.status(refs, deletion, ctx);
  }
  return status;
}

/** Locate → delete → status until settled, for `subject`, with the first adapter of `sims`. */
export async function erased(sims: Simulators, subject: SubjectInput, options: { now?: () => Date } = {}) {
  const [adapter] = sims.adapters();
  const ctx = createOperationContext({ subject, ...options });
  const { refs } = await adapter!.locate(ctx.subject, ctx);
  const deletion = await adapter!.delete(refs, ctx);
  const status = await settled(adapter!, refs, deletion, ctx);
  return { refs, deletion, status };
}

/** A clock that runs with real time and can be moved forward (jobs and periods follow it). */
export function movableClock() {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    date: () => new Date(Date.now() + offset),
    advance(ms: number) {
      offset += ms;
    },
  };
}

export const DAY = 86_400_000;
