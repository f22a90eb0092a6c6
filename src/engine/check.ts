/**
 * `fanout.check()`: can this fanout work? The store answers, the secret opens what the store holds,
 * and every adapter's own `check` (SDK installed, credential accepted, permissions and provider
 * features) — read-only, about the configuration and never about a person. `gdpr-fanout doctor`
 * prints it; the worker runs it before it claims anything (`run()`), so a missing SDK or a refused
 * key stops the worker instead of failing requests after irreversible steps elsewhere.
 */
import type { CheckItem, CheckStatus, SubprocessorAdapter } from "../adapter.js";
import { itemFromError } from "../adapter-check.js";
import { ConfigurationError, isFanoutError } from "../errors.js";
import { toFanoutError } from "../http/classify.js";
import { childLogger } from "../logger.js";
import { TERMINAL_STATES } from "../store/types.js";
import type { EngineContext } from "./context.js";
import { acquireBudgets } from "./rate-limiter.js";
import { sealedKeyId, sealKeyId } from "./seal.js";

/** One adapter's findings. */
export interface AdapterCheckReport {
  readonly adapter: string;
  /** The worst of its items (`skipped` when it has no check). */
  readonly status: CheckStatus;
  /** An optional adapter's failure does not make the report fail. */
  readonly optional: boolean;
  readonly items: readonly CheckItem[];
}

/** What `fanout.check()` returns. No credential and no personal data in it. */
export interface CheckReport {
  /** False when something is `fail` (apart from optional adapters): requests would fail. */
  readonly ok: boolean;
  readonly checkedAt: string;
  /** The store answers and is migrated. */
  readonly store: CheckItem;
  /** Where the secret comes from, and whether it opens the open requests in the store. */
  readonly secret: CheckItem;
  readonly adapters: readonly AdapterCheckReport[];
}

/** Options of `fanout.check()`. */
export interface CheckOptions {
  /** Longest time one adapter's check may take, in ms. @default 30000 */
  timeoutMs?: number;
}

const RANK: Record<CheckStatus, number> = { skipped: 0, ok: 1, warn: 2, fail: 3 };
/** How many of the newest requests the secret check opens the key id of. */
const SECRET_SAMPLE = 200;

/** The worst status of a list. */
export function worst(items: readonly { status: CheckStatus }[]): CheckStatus {
  return items.reduce<CheckStatus>((w, i) => (RANK[i.status] > RANK[w] ? i.status : w), "skipped");
}

async function checkAdapter(
  ctx: EngineContext,
  adapter: SubprocessorAdapter,
  timeoutMs: number,
): Promise<AdapterCheckReport> {
  const optional = adapter.optional === true;
  if (typeof adapter.check !== "function") {
    const items: CheckItem[] = [{ name: "check", status: "skipped", detail: "this adapter has no check()" }];
    return { adapter: adapter.id, status: "skipped", optional, items };
  }
  const signal = AbortSignal.timeout(timeoutMs);
  let items: CheckItem[];
  try {
    items = [
      ...(await adapter.check({
        signal,
        rateLimit: (bucket) =>
          acquireBudgets(ctx.limiter, adapter.rateLimitKey ?? adapter.id, adapter.rateLimit, bucket, signal),
        now: () => new Date(ctx.now()),
        logger: childLogger(ctx.logger, { adapter: adapter.id, step: "check" }),
      })),
    ];
  } catch (error) {
    const failure = isFanoutError(error)
      ? error
      : toFanoutError(error, { provider: adapter.id, operation: "check", signal });
    items = [itemFromError("check", failure, adapter.id)];
  }
  return { adapter: adapter.id, status: worst(items), optional, items };
}

async function checkSecret(ctx: EngineContext, source: string): Promise<CheckItem> {
  const known = new Set(ctx.openKeys.map(sealKeyId));
  const page = await ctx.store.list({ limit: SECRET_SAMPLE });
  const open = page.items.filter((r) => !TERMINAL_STATES.has(r.state) && r.sealed !== null);
  const foreign = open.filter((r) => {
    const id = sealedKeyId(r.sealed ?? "");
    return id !== null && !known.has(id);
  });
  if (foreign.length > 0) {
    return {
      name: "secret",
      status: "fail",
      detail:
        `${foreign.length} of the ${open.length} newest open requests were sealed with a different secret than ` +
        "this fanout's (and its previousSecrets): start it with the secret they were created with",
      error: new ConfigurationError("the store was sealed with another secret", {
        option: "secret",
      }).toJSON(),
    };
  }
  if (source === "development") {
    return {
      name: "secret",
      status: "warn",
      detail:
        "the public development secret (tests only): fingerprints and seals made with it are not private",
    };
  }
  const rotation = ctx.previousSecrets.length > 0 ? ` and ${ctx.previousSecrets.length} previous` : "";
  return {
    name: "secret",
    status: "ok",
    detail: `from ${source === "env" ? "GDPR_FANOUT_SECRET" : "the secret option"}${rotation}; it opens the open requests`,
  };
}

/** Runs every check (adapters concurrently). Never throws for a finding; see {@link CheckReport}. */
export async function checkFanout(
  ctx: EngineContext,
  ready: () => Promise<void>,
  secretSource: string,
  options: CheckOptions = {},
): Promise<CheckReport> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  let store: CheckItem = { name: "store", status: "ok", detail: `the ${ctx.store.kind} store answers` };
  let secret: CheckItem;
  try {
    await ready();
    secret = await checkSecret(ctx, secretSource);
  } catch (error) {
    const failure = isFanoutError(error)
      ? error
      : toFanoutError(error, { provider: "store", operation: "check" });
    store = { name: "store", status: "fail", detail: failure.message, error: failure.toJSON() };
    secret = { name: "secret", status: "skipped", detail: "not checked: the store did not answer" };
  }
  const adapters = await Promise.all([...ctx.adapters.values()].map((a) => checkAdapter(ctx, a, timeoutMs)));
  const ok =
    store.status !== "fail" &&
    secret.status !== "fail" &&
    adapters.every((a) => a.status !== "fail" || a.optional);
  for (const a of adapters) {
    for (const item of a.items) {
      if (item.status === "fail" || item.status === "warn")
        ctx.logger[item.status === "fail" ? "error" : "warn"](
          { adapter: a.adapter, check: item.name, code: item.error?.code },
          item.detail,
        );
    }
  }
  return { ok, checkedAt: new Date(ctx.now()).toISOString(), store, secret, adapters };
}

/** The error `run()` throws when the check fails: one line per failing finding. */
export function checkFailed(report: CheckReport): ConfigurationError {
  const lines: string[] = [];
  if (report.store.status === "fail") lines.push(`store: ${report.store.detail}`);
  if (report.secret.status === "fail") lines.push(`secret: ${report.secret.detail}`);
  for (const a of report.adapters) {
    if (a.optional) continue;
    for (const item of a.items)
      if (item.status === "fail") lines.push(`${a.adapter} ${item.name}: ${item.detail}`);
  }
  return new ConfigurationError(`The startup check failed; the worker did not start. ${lines.join("; ")}`, {
    option: "adapters",
    details: { failures: lines.length },
  });
}
