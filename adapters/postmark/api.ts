/**
 * Postmark calls through the official `postmark` SDK (v5, global `fetch`): one SDK client per token
 * and operation, so that each request carries the operation's `AbortSignal` (the SDK has no
 * per-call signal; its `fetch` option is the supported hook). Errors become `FanoutError`s without
 * tokens or addresses; pagination follows Postmark's `count`/`offset`/`TotalCount`.
 */

import { AsyncLocalStorage } from "node:async_hooks";
import type * as Postmark from "postmark";
import type { OperationContext } from "../../src/adapter.js";
import { FanoutError } from "../../src/errors.js";
import { toFanoutError } from "../../src/http/classify.js";
import { parseRetryAfter } from "../../src/http/retry-after.js";
import { subjectIdentifiers } from "../../src/subject.js";

/** The slice of the `postmark` module the adapter uses; inject it as `client` to wrap or stub it. */
export interface PostmarkSdk {
  readonly ServerClient: typeof Postmark.ServerClient;
  readonly AccountClient: typeof Postmark.AccountClient;
}

type ServerClient = Postmark.ServerClient;
type AccountClient = Postmark.AccountClient;

/** Largest page Postmark serves (`count` ≤ 500). */
const MAX_COUNT = 500;
/** [S] Postmark refuses `offset + count` above 10,000. */
const MAX_WINDOW = 10_000;

/** A server the tokens reach. */
export interface ServerHandle {
  readonly id: number;
  readonly client: ServerClient;
}

/** How long the account's servers and their streams are reused between operations. */
export const CONFIGURATION_CACHE_MS = 60_000;

/**
 * The account's configuration (servers with their tokens, each server's streams) as last read,
 * shared by the operations of one adapter: a sweep of erasures reads it once a minute instead of
 * several times per erasure. No personal data is kept here.
 */
export type ConfigurationCache = Map<string, { readonly at: number; readonly value: Promise<unknown> }>;

/** Settings the API layer needs from the adapter options. */
export interface ApiSettings {
  readonly accountToken: string;
  readonly serverTokens: readonly string[] | undefined;
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly sdk: () => Promise<PostmarkSdk>;
  readonly cache: ConfigurationCache;
}

/** One operation's view of Postmark. */
export interface PostmarkApi {
  readonly account: AccountClient;
  /** Runs one SDK call: rate limit first, errors classified and scrubbed. */
  call<T>(operation: string, fn: () => Promise<T>): Promise<T>;
  servers(): Promise<ServerHandle[]>;
  /**
   * Runs `tasks` concurrently. After the first failure no new request starts; the requests already
   * sent are answered, and the failure is thrown once all have ended: nothing of a failed operation
   * is still talking to Postmark after it returned.
   */
  together<T extends unknown[]>(tasks: [...{ [K in keyof T]: () => Promise<T[K]> }]): Promise<T>;
  /** `load()`'s answer, reused for {@link CONFIGURATION_CACHE_MS} by every operation of the adapter. */
  remember<T>(key: string, load: () => Promise<T>): Promise<T>;
  /** Every item of a `count`/`offset` listing. */
  paginate<T>(
    operation: string,
    fetchPage: (
      count: number,
      offset: number,
    ) => Promise<{ TotalCount: number; items: readonly T[] | undefined }>,
  ): Promise<T[]>;
}

/**
 * The SDK drops response headers; the wait a 429/503 advertises is kept for the error in a box per
 * call (calls of one operation may run concurrently). One storage for the module: on Node 20 every
 * AsyncLocalStorage ever run stays enabled and is copied onto every later async resource, so one
 * per operation made each promise carry thousands of entries (a sweep ran out of heap).
 */
const advertised = new AsyncLocalStorage<{ retryAfterMs?: number | undefined }>();

/** Builds the API view for one operation. */
export async function createApi(settings: ApiSettings, ctx: OperationContext): Promise<PostmarkApi> {
  const sdk = await settings.sdk();
  const url = new URL(settings.baseUrl);
  /** Aborted when a concurrent part of this operation failed: no new call starts (see `together`). */
  const stop = new AbortController();
  const fetchWithSignal: typeof fetch = async (input, init) => {
    // Looked up at call time so nock (and test doubles) can intercept `fetch`.
    const response = await globalThis.fetch(input, {
      ...init,
      signal: init?.signal ? AbortSignal.any([init.signal, ctx.signal]) : ctx.signal,
    });
    const box = advertised.getStore();
    if (box)
      box.retryAfterMs = response.ok ? undefined : parseRetryAfter(response.headers.get("retry-after"));
    return response;
  };
  const config = {
    useHttps: url.protocol === "https:",
    requestHost: `${url.host}${url.pathname.replace(/\/+$/, "")}`,
    timeout: Math.max(1, Math.ceil(settings.timeoutMs / 1000)),
    fetch: fetchWithSignal,
  };
  const secrets = [
    settings.accountToken,
    ...(settings.serverTokens ?? []),
    ...subjectIdentifiers(ctx.subject),
  ];
  const call = async <T>(operation: string, fn: () => Promise<T>): Promise<T> => {
    if (ctx.signal.aborted) throw classify(ctx.signal.reason, operation, ctx, secrets, undefined);
    if (stop.signal.aborted) throw stop.signal.reason;
    await ctx.rateLimit();
    const box: { retryAfterMs?: number | undefined } = {};
    let result: T;
    try {
      result = await advertised.run(box, fn);
    } catch (error) {
      const failure = classify(error, operation, ctx, secrets, box.retryAfterMs);
      // A server token rotated since the servers were cached: the next operation reads them again.
      if (failure.code === "AUTHENTICATION") settings.cache.clear();
      throw failure;
    }
    // The SDK hands back an unparseable body as a string instead of failing.
    if (result === null || typeof result !== "object") throw unreadable(operation);
    return result;
  };
  const account = new sdk.AccountClient(settings.accountToken, config);
  const serverClient = (token: string) => new sdk.ServerClient(token, config);

  const paginate: PostmarkApi["paginate"] = async (operation, fetchPage) => {
    const out = [];
    let offset = 0;
    for (;;) {
      const count = Math.min(MAX_COUNT, MAX_WINDOW - offset);
      const page = await call(operation, () => fetchPage(count, offset));
      const items = arrayOf(page.items, operation);
      out.push(...items);
      offset += items.length;
      if (items.length === 0 || offset >= Number(page.TotalCount)) return out;
      if (offset >= MAX_WINDOW) {
        ctx.logger.warn(
          { operation, limit: MAX_WINDOW },
          "postmark listing exceeds the API window; later results are out of reach",
        );
        return out;
      }
    }
  };

  const remember = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    const now = ctx.now().getTime();
    const hit = settings.cache.get(key);
    // Another operation's read may still be running under its signal: if it fails (aborted, say),
    // this operation reads for itself.
    if (hit && now - hit.at < CONFIGURATION_CACHE_MS) return (hit.value as Promise<T>).catch(load);
    const value = load();
    settings.cache.set(key, { at: now, value });
    // A failed read is not kept: the next operation asks again.
    value.catch(() => {
      if (settings.cache.get(key)?.value === value) settings.cache.delete(key);
    });
    return value;
  };

  /** Server ids with the token to use for each. */
  const serverList = (): Promise<{ id: number; tokens: readonly string[] }[]> =>
    remember("servers", async () => {
      if (settings.serverTokens) {
        const out: { id: number; tokens: readonly string[] }[] = [];
        for (const token of settings.serverTokens) {
          const server = await call("server.get", () => serverClient(token).getServer());
          out.push({ id: server.ID, tokens: [token] });
        }
        return out;
      }
      const list = await paginate("servers.list", async (count, offset) => {
        const page = await account.getServers({ count, offset });
        return { TotalCount: page.TotalCount, items: page.Servers };
      });
      return list.flatMap((server) => {
        if (server.ApiTokens?.[0]) return [{ id: server.ID, tokens: server.ApiTokens }];
        ctx.logger.warn({ server: server.ID }, "postmark server has no API token; it is skipped");
        return [];
      });
    });

  const servers = async (): Promise<ServerHandle[]> =>
    (await serverList()).map(({ id, tokens }) => {
      secrets.push(...tokens);
      return { id, client: serverClient(tokens[0]!) };
    });

  const together = async <T extends unknown[]>(tasks: [...{ [K in keyof T]: () => Promise<T[K]> }]) => {
    let failed: { error: unknown } | undefined;
    const results = await Promise.allSettled(
      (tasks as (() => Promise<unknown>)[]).map((task) =>
        task().catch((error: unknown) => {
          if (!failed) {
            failed = { error };
            stop.abort(error);
          }
          throw error;
        }),
      ),
    );
    if (failed) throw failed.error;
    return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as T;
  };

  return { account, call, servers, paginate, remember, together };
}

/** `value` when it is an array; a malformed answer (`PROVIDER_RESPONSE`, retryable) otherwise. */
export function arrayOf<T>(value: readonly T[] | undefined, operation: string): readonly T[] {
  if (!Array.isArray(value)) throw unreadable(operation);
  return value;
}

function unreadable(operation: string): FanoutError {
  return new FanoutError("PROVIDER_RESPONSE", `postmark ${operation} returned an unreadable body`, {
    provider: "postmark",
    operation,
    retryable: true,
  });
}

/** True for an error meaning "that message/bounce no longer exists" (expired, removed). */
export function isGone(error: unknown): boolean {
  if (!(error instanceof FanoutError)) return false;
  return error.status === 404 || (error.status === 422 && error.providerCode === "701");
}

function classify(
  error: unknown,
  operation: string,
  ctx: OperationContext,
  secrets: readonly string[],
  retryAfterMs: number | undefined,
): FanoutError {
  const base = { provider: "postmark", operation, redact: secrets, signal: ctx.signal };
  if (error instanceof FanoutError) return error;
  const e = (error ?? {}) as { statusCode?: unknown; code?: unknown; message?: unknown; name?: unknown };
  const message = typeof e.message === "string" ? e.message : String(error);
  if (typeof e.statusCode === "number" && e.statusCode >= 300) {
    // The SDK puts Postmark's numeric `ErrorCode` in `code`; hand it on as the provider code.
    const plain = Object.assign(new Error(message), {
      name: typeof e.name === "string" ? e.name : "PostmarkError",
      statusCode: e.statusCode,
      ...(typeof e.code === "number" ? { providerCode: String(e.code) } : {}),
      ...(retryAfterMs === undefined ? {} : { headers: { "retry-after": String(retryAfterMs / 1000) } }),
    });
    return toFanoutError(plain, base);
  }
  if (ctx.signal.aborted) return toFanoutError(error, base);
  // The SDK turns fetch rejections (network, its own timeout) into a status-less PostmarkError.
  if (/timeout|timed out/i.test(message)) {
    return new FanoutError("TIMEOUT", `postmark ${operation} timed out`, { ...base, cause: error });
  }
  return new FanoutError("NETWORK", `postmark ${operation} failed: network error`, { ...base, cause: error });
}
