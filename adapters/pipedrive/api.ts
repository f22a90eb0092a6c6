/**
 * Calls to Pipedrive through the official SDK (`pipedrive/v1`, `pipedrive/v2`, axios underneath):
 * one {@link PipedriveSession} per adapter operation, bound to its `AbortSignal`, with pagination
 * (v2 cursors, v1 `start`/`limit`) and errors turned into `FanoutError`s.
 */
import type * as PipedriveV1 from "pipedrive/v1";
import type * as PipedriveV2 from "pipedrive/v2";
import type { OperationContext } from "../../src/adapter.js";
import { ConfigurationError, FanoutError } from "../../src/errors.js";
import { toFanoutError } from "../../src/http/classify.js";
import { parseRateLimitReset } from "../../src/http/retry-after.js";

/** Pipedrive's search limit: 10 requests per 2 seconds. */
const SEARCH_BUDGET = { key: "search", requests: 10, intervalMs: 2000 } as const;

/** The SDK modules the adapter uses (what `client` injects instead of the lazy import). */
export interface PipedriveSdk {
  readonly v1: typeof PipedriveV1;
  readonly v2: typeof PipedriveV2;
}

/** One credential: an API token (`x-api-token`) or an OAuth access token (Bearer). */
export interface PipedriveCredential {
  readonly kind: "api_token" | "oauth";
  readonly token: string;
}

/** Where the SDK sends requests. */
export interface PipedriveBases {
  readonly v1: string;
  readonly v2: string;
}

const PROVIDER = "pipedrive";
const MAX_PAGES = 10_000;
/**
 * Page sizes asked for: the documented maxima where the official SDK states one (v2 lists 500,
 * `GET /v1/callLogs` 50, `GET /v1/persons/{id}/files` 100: `pipedrive` 33.7
 * `dist/versions/v1/api/{call-logs,persons}-api.d.ts`), else 500 (v1 notes and mail, whose SDK docs
 * state no maximum) or the documented default (leads: 100).
 */
export const V2_LIMIT = 500;
export const V1_LIMIT = 500;
export const CALL_LOG_LIMIT = 50;
export const FILES_LIMIT = 100;
export const LEADS_LIMIT = 100;
/** Items each v1 page re-reads of the previous one (see `v1All`). */
const V1_OVERLAP = 5;
/** Steps back after which `v1All` gives up on a list that keeps moving (a retryable error). */
const V1_MAX_STEP_BACKS = 20;

/** A loosely typed Pipedrive envelope: what the adapter reads of every response. */
interface Envelope {
  success?: boolean;
  data?: unknown;
  additional_data?: {
    next_cursor?: string | null;
    pagination?: { more_items_in_collection?: boolean; next_start?: number };
  } | null;
}

type AxiosLike = {
  interceptors: {
    response: {
      clear(): void;
      use(ok: (r: { data?: unknown }) => unknown, fail: (e: unknown) => unknown): void;
    };
  };
};

/** A JSON object as returned by Pipedrive. */
export type PipedriveObject = Record<string, unknown>;

/** The SDK API objects of one credential, created on first use. */
export class PipedriveApis {
  private cache = new Map<string, unknown>();
  constructor(
    private readonly sdk: PipedriveSdk,
    private readonly config1: PipedriveV1.Configuration,
    private readonly config2: PipedriveV2.Configuration,
  ) {}

  private make<T>(key: string, create: () => T): T {
    let api = this.cache.get(key) as T | undefined;
    if (api === undefined) {
      api = create();
      rewire(api);
      this.cache.set(key, api);
    }
    return api;
  }

  get persons(): PipedriveV2.PersonsApi {
    return this.make("v2.persons", () => new this.sdk.v2.PersonsApi(this.config2));
  }
  get activities(): PipedriveV2.ActivitiesApi {
    return this.make("v2.activities", () => new this.sdk.v2.ActivitiesApi(this.config2));
  }
  get deals(): PipedriveV2.DealsApi {
    return this.make("v2.deals", () => new this.sdk.v2.DealsApi(this.config2));
  }
  get personsV1(): PipedriveV1.PersonsApi {
    return this.make("v1.persons", () => new this.sdk.v1.PersonsApi(this.config1));
  }
  get notes(): PipedriveV1.NotesApi {
    return this.make("v1.notes", () => new this.sdk.v1.NotesApi(this.config1));
  }
  get files(): PipedriveV1.FilesApi {
    return this.make("v1.files", () => new this.sdk.v1.FilesApi(this.config1));
  }
  get callLogs(): PipedriveV1.CallLogsApi {
    return this.make("v1.callLogs", () => new this.sdk.v1.CallLogsApi(this.config1));
  }
  get leads(): PipedriveV1.LeadsApi {
    return this.make("v1.leads", () => new this.sdk.v1.LeadsApi(this.config1));
  }
  get mailbox(): PipedriveV1.MailboxApi {
    return this.make("v1.mailbox", () => new this.sdk.v1.MailboxApi(this.config1));
  }
  get users(): PipedriveV1.UsersApi {
    return this.make("v1.users", () => new this.sdk.v1.UsersApi(this.config1));
  }
}

/**
 * The SDK's own response interceptor replaces a failed response by its body, losing the HTTP status
 * and the rate-limit headers. Its axios instance is created per API object, so we swap that
 * interceptor for one that keeps axios' error (status, headers) for `toFanoutError` to classify.
 */
function rewire(api: unknown): void {
  const axios = (api as { axios?: AxiosLike }).axios;
  if (typeof axios?.interceptors?.response?.clear !== "function") {
    throw new FanoutError(
      "CONFIGURATION",
      "pipedrive SDK: unsupported version (no axios instance to configure)",
      {
        provider: PROVIDER,
        retryable: false,
      },
    );
  }
  axios.interceptors.response.clear();
  axios.interceptors.response.use(
    (response) => response.data,
    (error) => Promise.reject(error),
  );
}

/** The SDK clients of one adapter operation, for the main credential and each user token. */
export class PipedriveSession {
  private readonly apis = new Map<string, PipedriveApis>();

  constructor(
    private readonly sdk: PipedriveSdk,
    private readonly bases: PipedriveBases,
    private readonly ctx: OperationContext,
    private readonly secrets: readonly string[],
    private readonly identifiers: readonly string[],
    private readonly timeoutMs: number,
  ) {}

  /** The APIs acting as `credential`. */
  as(credential: PipedriveCredential): PipedriveApis {
    let apis = this.apis.get(credential.token);
    if (!apis) {
      const auth =
        credential.kind === "oauth" ? { accessToken: credential.token } : { apiKey: credential.token };
      const baseOptions = {
        signal: this.ctx.signal,
        timeout: this.timeoutMs,
        transitional: { clarifyTimeoutError: true },
      };
      const config1 = new this.sdk.v1.Configuration({ ...auth, basePath: this.bases.v1 });
      const config2 = new this.sdk.v2.Configuration({ ...auth, basePath: this.bases.v2 });
      config1.baseOptions = baseOptions;
      config2.baseOptions = baseOptions;
      apis = new PipedriveApis(this.sdk, config1, config2);
      this.apis.set(credential.token, apis);
    }
    return apis;
  }

  /** Runs one request: waits for the shared rate limiter, classifies any failure. */
  async call<T>(
    operation: string,
    run: () => Promise<T>,
    accept: readonly number[] = [],
  ): Promise<T | undefined> {
    try {
      // No request leaves once the operation is aborted (also while waiting for the limiter).
      this.ctx.signal.throwIfAborted();
      // Search has its own budget (10 requests per 2 s per token) besides the burst window.
      await this.ctx.rateLimit(operation.endsWith(".search") ? SEARCH_BUDGET : undefined);
      this.ctx.signal.throwIfAborted();
      return await run();
    } catch (error) {
      const classified = this.classify(error, operation);
      if (classified.status !== undefined && accept.includes(classified.status)) return undefined;
      throw classified;
    }
  }

  /** Runs one request that must answer a Pipedrive envelope. */
  async envelope(
    operation: string,
    run: () => Promise<unknown>,
    accept: readonly number[] = [],
  ): Promise<Envelope | undefined> {
    const body = await this.call(operation, run, accept);
    if (body === undefined) return undefined;
    if (typeof body !== "object" || body === null || (body as Envelope).success !== true) {
      throw new FanoutError("PROVIDER_RESPONSE", `${PROVIDER} ${operation} returned an unexpected body`, {
        provider: PROVIDER,
        operation,
      });
    }
    return body as Envelope;
  }

  /** Every item of a v2 list (cursor pagination). */
  async v2All(
    operation: string,
    page: (cursor: string | undefined) => Promise<unknown>,
  ): Promise<PipedriveObject[]> {
    const out: PipedriveObject[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < MAX_PAGES; i++) {
      const body = await this.envelope(operation, () => page(cursor));
      out.push(...items(body?.data, operation));
      const next = body?.additional_data?.next_cursor;
      if (typeof next !== "string" || next.length === 0) return out;
      cursor = next;
    }
    throw this.tooManyPages(operation);
  }

  /**
   * Every item of a v1 list (`start`/`limit` pagination). A 404 (parent gone) yields `[]` when
   * accepted. An offset list shifts down when records before the reader are deleted — other erasures
   * in the same company do exactly that while a user's call logs are read — and a plain offset walk
   * then skips items. So each page after the first starts {@link V1_OVERLAP} items early and must
   * begin with an item already read; when it does not, more records than that were deleted behind
   * the reader between two pages, and the walk steps back a page (an item read twice is kept once,
   * by id). A list that keeps moving that fast ends the walk with a retryable error after
   * {@link V1_MAX_STEP_BACKS} steps back, instead of chasing it.
   */
  async v1All(
    operation: string,
    page: (start: number) => Promise<unknown>,
    accept: readonly number[] = [],
  ): Promise<PipedriveObject[]> {
    const out = new Map<string, PipedriveObject>();
    let start = 0;
    let overlapping = false;
    let stepBack = 1;
    let stepsBack = 0;
    for (let i = 0; i < MAX_PAGES; i++) {
      const body = await this.envelope(operation, () => page(start), accept);
      if (body === undefined) return [...out.values()];
      // v1 lists answer `data: null` when empty.
      const got = items(body.data ?? [], operation);
      const first = got[0];
      if (overlapping && (first === undefined || !out.has(keyOf(first)))) {
        stepsBack += 1;
        if (stepsBack > V1_MAX_STEP_BACKS) {
          throw new FanoutError(
            "PROVIDER_RESPONSE",
            `${PROVIDER} ${operation} kept changing while it was read`,
            {
              provider: PROVIDER,
              operation,
              retryable: true,
            },
          );
        }
        start = Math.max(0, start - stepBack);
        overlapping = start > 0;
        continue;
      }
      for (const item of got) if (!out.has(keyOf(item))) out.set(keyOf(item), item);
      const pagination = body.additional_data?.pagination;
      if (!pagination?.more_items_in_collection) return [...out.values()];
      const next = pagination.next_start ?? start + got.length;
      const overlap = Math.max(0, Math.min(V1_OVERLAP, got.length - 1));
      if (next - overlap <= start) throw this.tooManyPages(operation);
      start = next - overlap;
      overlapping = overlap > 0;
      stepBack = Math.max(1, got.length);
    }
    throw this.tooManyPages(operation);
  }

  private tooManyPages(operation: string): FanoutError {
    return new FanoutError("PROVIDER_RESPONSE", `${PROVIDER} ${operation} did not stop paginating`, {
      provider: PROVIDER,
      operation,
    });
  }

  private classify(error: unknown, operation: string): FanoutError {
    const fanout = toFanoutError(error, {
      provider: PROVIDER,
      operation,
      redact: [...this.secrets, ...this.identifiers],
      signal: this.ctx.signal,
    });
    if (fanout.code !== "RATE_LIMITED" || fanout.retryAfterMs !== undefined) return fanout;
    // Pipedrive says when to come back in `x-ratelimit-reset` (seconds), not `Retry-After`.
    const headers = (
      error as { response?: { headers?: { get?: (n: string) => unknown } & Record<string, unknown> } }
    ).response?.headers;
    const raw =
      typeof headers?.get === "function" ? headers.get("x-ratelimit-reset") : headers?.["x-ratelimit-reset"];
    const retryAfterMs = parseRateLimitReset(raw === undefined || raw === null ? undefined : String(raw));
    if (retryAfterMs === undefined) return fanout;
    const options = {
      provider: PROVIDER,
      operation,
      retryAfterMs,
      retryable: true,
      ...(fanout.status === undefined ? {} : { status: fanout.status }),
    };
    return new FanoutError(fanout.code, fanout.message, { ...options, cause: fanout });
  }
}

function items(data: unknown, operation: string): PipedriveObject[] {
  if (!Array.isArray(data)) {
    throw new FanoutError("PROVIDER_RESPONSE", `${PROVIDER} ${operation} returned no list`, {
      provider: PROVIDER,
      operation,
    });
  }
  return data.filter((x): x is PipedriveObject => typeof x === "object" && x !== null);
}

/** What identifies a list item: its id, or its whole content when it has none. */
function keyOf(item: PipedriveObject): string {
  return typeof item.id === "string" || typeof item.id === "number" ? `id:${item.id}` : JSON.stringify(item);
}

/** Loads the SDK (once) unless one was injected. */
export async function loadSdk(injected: PipedriveSdk | undefined): Promise<PipedriveSdk> {
  if (injected) return injected;
  try {
    const [v1, v2] = await Promise.all([import("pipedrive/v1"), import("pipedrive/v2")]);
    return { v1, v2 };
  } catch (error) {
    throw new ConfigurationError(
      "pipedriveAdapter needs the `pipedrive` package (npm install pipedrive), or an injected client",
      { option: "client", provider: PROVIDER, cause: error },
    );
  }
}
