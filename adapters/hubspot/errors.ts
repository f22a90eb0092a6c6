/**
 * HubSpot failures as {@link FanoutError}s. The SDK's generated models drop fields they do not
 * know (a 429's `policyName`), so a response middleware keeps the raw body of every error response,
 * keyed by the headers object the SDK later hands to its `ApiException`.
 */
import { FanoutError } from "../../src/errors.js";
import { codeForStatus, retryableStatus } from "../../src/http/classify.js";
import { parseRetryAfter } from "../../src/http/retry-after.js";

export const PROVIDER = "hubspot";

/** Raw bodies of error responses, keyed by the headers object the SDK hands to its exception. */
const errorBodies = new WeakMap<object, string>();

interface SdkResponseContext {
  httpStatusCode: number;
  headers: Record<string, string>;
  body: { text(): Promise<string>; binary(): Promise<Buffer> };
}

/** SDK response middleware that keeps error bodies readable for {@link errorBody}. */
export const keepErrorBodies = {
  pre: (context: unknown) => context,
  post: async (context: unknown) => {
    const response = context as SdkResponseContext;
    if (response.httpStatusCode >= 400) {
      const text = await response.body.text();
      errorBodies.set(response.headers, text);
      response.body = { text: async () => text, binary: async () => Buffer.from(text, "utf8") };
    }
    return response;
  },
};

/** The raw JSON body of the failed SDK response whose headers object is `headers`. */
export function errorBody(headers: object): Record<string, unknown> | undefined {
  return parseJson(errorBodies.get(headers));
}

/** The HTTP status an SDK `ApiException` carries in `code`. */
export function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "number" && code >= 100 && code < 600 ? code : undefined;
}

export function parseJson(text: string | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Turns an SDK `ApiException` (or a raw failed response) into a {@link FanoutError}. */
export function toError(
  status: number,
  headers: Record<string, string>,
  body: Record<string, unknown> | undefined,
  cause: unknown,
  operation: string,
  redact: readonly string[],
): FanoutError {
  const header = (name: string) => {
    for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
    return undefined;
  };
  const policy = typeof body?.policyName === "string" ? body.policyName : undefined;
  const category = typeof body?.category === "string" ? body.category : undefined;
  const providerCode = policy ?? category;
  let retryAfterMs = parseRetryAfter(header("retry-after"));
  if (retryAfterMs === undefined && status === 429) {
    // A rolling window: after one interval every counted request has left it.
    const interval = Number(header("x-hubspot-ratelimit-interval-milliseconds"));
    retryAfterMs =
      Number.isFinite(interval) && interval > 0 ? interval : policy === "SECONDLY" ? 1_000 : 10_000;
  }
  return new FanoutError(
    codeForStatus(status),
    `${PROVIDER} ${operation} failed: HTTP ${status}${providerCode ? ` (${providerCode})` : ""}`,
    {
      provider: PROVIDER,
      operation,
      status,
      retryable: status === 429 ? true : retryableStatus(status),
      ...(providerCode ? { providerCode } : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      cause,
      redact,
    },
  );
}

/** Resolves like `promise`, or rejects with the signal's reason as soon as it aborts. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
