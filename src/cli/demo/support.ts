/** Helpers of the demo: its constants, the time-scaled rate limiter and following a request. */
import type { Fanout } from "../../engine/create-fanout.js";
import { localRateLimiter, type RateLimiter } from "../../engine/rate-limiter.js";
import type { RequestStatus } from "../../engine/types.js";
import type { ProgressBoard } from "./progress.js";

/** Simulated provider time runs this much faster than the wall clock (job delays, rate windows). */
export const TIME_SCALE = 0.001;
/** A fixed, public key: the demo's fingerprints and receipt signature prove nothing outside it. */
export const DEMO_SECRET = "gdpr-fanout-demo-secret-NOT-for-production";
export const CUSTOMER = { email: "jane.doe@example.test", name: "Jane Doe" } as const;

/** The engine's limiter with the providers' published windows scaled like the simulators' time. */
export function scaledLimiter(): RateLimiter {
  const inner = localRateLimiter();
  return {
    acquire: (key, spec, signal) =>
      inner.acquire(
        key,
        { requests: spec.requests, intervalMs: Math.max(1, spec.intervalMs * TIME_SCALE) },
        signal,
      ),
    penalize: (key, ms) => inner.penalize(key, ms),
  };
}

/** The loopback URL in a provider's adapter options (`baseUrl`, or e.g. Zoho's `apiDomain`). */
export function simulatorUrl(options: Record<string, unknown> | undefined): string {
  const values = Object.values(options ?? {}).filter((v): v is string => typeof v === "string");
  return values.find((v) => /^https?:\/\/(127\.0\.0\.1|localhost)/.test(v)) ?? "";
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls a request, drawing each snapshot, until it settles, the deadline passes or `signal` aborts. */
export async function follow(
  fanout: Fanout,
  id: string,
  board: ProgressBoard | null,
  deadline: number,
  signal: AbortSignal | undefined,
): Promise<RequestStatus> {
  for (;;) {
    const status = await fanout.status(id);
    board?.update(status);
    if (["completed", "withdrawn", "needs_attention"].includes(status.state)) return status;
    if (Date.now() > deadline || signal?.aborted) return status;
    await sleep(board?.tty ? 80 : 100);
  }
}
