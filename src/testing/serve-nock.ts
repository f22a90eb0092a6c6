/**
 * Serving a {@link ProviderSimulator} through `nock` on the provider's own base URL, so adapters run
 * unchanged (SDK default hosts included) with no socket opened. `nock` (14 or 15) is a peer
 * dependency of the testing kit; it is imported only when this transport is used.
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
    // One reply function for nock 14 and 15: it returns a promise and declares one parameter, so
    // neither version treats it as callback-style (14: three parameters, 15: two). nock 14 calls
    // it with (path, parsed body) and the request on `this.req`; nock 15 with a fetch `Request`.
    interceptor.reply(function (this: unknown, first: unknown, ...rest: unknown[]) {
      return readRequest(method, origin, this, first, rest[0]).then((request) =>
        dispatch(sim, request, options.layers ?? [], options.log ?? (() => {}), options.now ?? Date.now).then(
          (outcome): [number, string | Buffer, Record<string, string>] => {
            if (isFault(outcome)) {
              if (outcome.fault === "reset") {
                throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
              }
              const { bytes } = encodeBody(outcome.response);
              const half = bytes.subarray(0, Math.floor(bytes.length / 2)).toString("utf8");
              // nock cannot cut a body mid-stream; both faults arrive as an unparseable JSON body.
              return [outcome.response.status, `${half}<!-- `, { "content-type": "application/json" }];
            }
            const { bytes, contentType } = encodeBody(outcome);
            const head: Record<string, string> = { ...(outcome.headers ?? {}) };
            if (contentType && !Object.keys(head).some((h) => h.toLowerCase() === "content-type")) {
              head["content-type"] = contentType;
            }
            return [outcome.status, bytes, head];
          },
        ),
      );
    } as never);
  }
  return {
    baseUrl: origin,
    close: async () => {
      for (const interceptor of interceptors) nock.removeInterceptor(interceptor);
    },
  };
}

/** A fetch `Request` (what nock 15 passes to a reply function). */
function isFetchRequest(value: unknown): value is Request {
  return typeof value === "object" && value !== null && typeof (value as Request).arrayBuffer === "function";
}

/** The simulator's view of an intercepted request, from what nock 14 or 15 handed over. */
async function readRequest(
  method: string,
  origin: string,
  self: unknown,
  first: unknown,
  second: unknown,
): Promise<SimRequest> {
  const headers: Record<string, string> = {};
  let url: URL;
  let rawBody: Buffer;
  if (isFetchRequest(first)) {
    url = new URL(first.url);
    first.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    rawBody = Buffer.from(await first.arrayBuffer());
  } else {
    url = new URL(String(first), origin);
    const req = (self as { req?: { headers?: Record<string, unknown> } }).req;
    for (const [name, value] of Object.entries(req?.headers ?? {})) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : String(value);
    }
    rawBody =
      typeof second === "string"
        ? Buffer.from(second, "utf8")
        : Buffer.from(second === undefined ? "" : JSON.stringify(second), "utf8");
  }
  return {
    method,
    path: url.pathname,
    query: url.searchParams,
    headers,
    body: parseBody(rawBody, headers["content-type"]),
    rawBody,
  };
}
