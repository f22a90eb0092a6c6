/**
 * Serving a {@link ProviderSimulator} through `nock` on the provider's own base URL, so adapters run
 * unchanged (SDK default hosts included) with no socket opened. `nock` is a peer dependency of the
 * testing kit; it is imported only when this transport is used.
 */
import { dispatch, encodeBody, isFault, parseBody, type SimCall, type SimLayer } from "./serve.js";
import type { ProviderSimulator, SimRequest } from "./simulator.js";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/** A simulator served through nock. */
export interface NockServing {
  readonly baseUrl: string;
  close(): Promise<void>;
}

/** Intercepts every request to `baseUrl` (an origin such as `https://api.stripe.com`) with `sim`. */
export async function serveNock(
  sim: ProviderSimulator,
  baseUrl: string,
  options: { layers?: readonly SimLayer[]; log?: (call: SimCall) => void; now?: () => number } = {},
): Promise<NockServing> {
  const { default: nock } = await import("nock");
  const origin = new URL(baseUrl).origin;
  const scope = nock(origin).persist();
  const interceptors: ReturnType<typeof scope.intercept>[] = [];
  for (const method of METHODS) {
    const interceptor = scope.intercept(() => true, method);
    interceptors.push(interceptor);
    interceptor.reply(function (uri, requestBody, callback) {
      const url = new URL(uri, origin);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(this.req.headers)) {
        headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : String(value);
      }
      const rawBody =
        typeof requestBody === "string"
          ? Buffer.from(requestBody, "utf8")
          : Buffer.from(requestBody === undefined ? "" : JSON.stringify(requestBody), "utf8");
      const request: SimRequest = {
        method,
        path: url.pathname,
        query: url.searchParams,
        headers,
        body: parseBody(rawBody, headers["content-type"]),
        rawBody,
      };
      dispatch(sim, request, options.layers ?? [], options.log ?? (() => {}), options.now ?? Date.now).then(
        (outcome) => {
          if (isFault(outcome)) {
            if (outcome.fault === "reset") {
              callback(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), [0, ""]);
              return;
            }
            const { bytes } = encodeBody(outcome.response);
            const half = bytes.subarray(0, Math.floor(bytes.length / 2)).toString("utf8");
            // nock cannot cut a body mid-stream; both faults arrive as an unparseable JSON body.
            callback(null, [outcome.response.status, `${half}<!-- `, { "content-type": "application/json" }]);
            return;
          }
          const { bytes, contentType } = encodeBody(outcome);
          const head: Record<string, string> = { ...(outcome.headers ?? {}) };
          if (contentType && !Object.keys(head).some((h) => h.toLowerCase() === "content-type")) {
            head["content-type"] = contentType;
          }
          callback(null, [outcome.status, bytes, head]);
        },
        (error: unknown) => callback(error as Error, [500, ""]),
      );
    });
  }
  return {
    baseUrl: origin,
    close: async () => {
      for (const interceptor of interceptors) nock.removeInterceptor(interceptor);
    },
  };
}
