/**
 * Serving a {@link ProviderSimulator} two ways: as a real HTTP server on 127.0.0.1 (an ephemeral
 * port) and as a `nock` interceptor on the provider's own base URL. Both go through
 * {@link dispatch}, so a simulator behaves the same whichever transport a test uses.
 */
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  validateHeaderName,
  validateHeaderValue,
} from "node:http";
import type { AddressInfo } from "node:net";
import type { ProviderSimulator, SimRequest, SimResponse } from "./simulator.js";

/** One served request, as `sims.calls()` lists it. */
export interface SimCall {
  readonly provider: string;
  readonly method: string;
  /** Path without query string (it may contain ids, never query values). */
  readonly path: string;
  readonly status: number;
  /** Epoch ms when the request arrived. */
  readonly at: number;
  /** Names of the query parameters sent (never their values), for contract checks. */
  readonly queryKeys?: readonly string[];
}

/**
 * A layer around the simulator's handler (latency, faults). It may answer itself, return a
 * transport-level fault, or call `next`.
 */
export type SimLayer = (request: SimRequest, next: () => Promise<SimResponse>) => Promise<SimOutcome>;

/** What a dispatch produces: a response, or a transport fault the server must act out. */
export type SimOutcome =
  | SimResponse
  | { readonly fault: "reset" }
  | { readonly fault: "truncate"; readonly response: SimResponse }
  | { readonly fault: "malformed"; readonly response: SimResponse };

/** True when `outcome` is a transport fault rather than a response. */
export function isFault(outcome: SimOutcome): outcome is Exclude<SimOutcome, SimResponse> {
  return "fault" in outcome;
}

/** Parses a request body: JSON, form-encoded, or nothing. */
export function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const type = (contentType ?? "").toLowerCase();
  const text = raw.toString("utf8");
  if (type.includes("application/x-www-form-urlencoded"))
    return Object.fromEntries(new URLSearchParams(text));
  if (type.includes("json") || /^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * A response whose headers HTTP cannot carry (a raw non-Latin-1 file name, a line break) would
 * make Node throw `ERR_INVALID_CHAR` inside the server and take the test process down with it. It
 * becomes a 500 saying which header was bad instead: a simulator bug, reported as one.
 */
export function withValidHeaders(simId: string, response: SimResponse): SimResponse {
  for (const [name, value] of Object.entries(response.headers ?? {})) {
    try {
      validateHeaderName(name);
      validateHeaderValue(name, value);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      return {
        status: 500,
        headers: { "content-type": "application/json; charset=utf-8" },
        body: {
          error: "simulator_invalid_header",
          message: `The ${simId} simulator produced an invalid HTTP header "${name.replace(/[^\x21-\x7e]/g, "?")}" (${typeof code === "string" ? code : "invalid"}): header values must be Latin-1 without control characters; encode file names as RFC 8187 filename*.`,
        },
      };
    }
  }
  return response;
}

function checkedOutcome(simId: string, outcome: SimOutcome): SimOutcome {
  if (!isFault(outcome)) return withValidHeaders(simId, outcome);
  if (outcome.fault === "reset") return outcome;
  const response = withValidHeaders(simId, outcome.response);
  return response === outcome.response ? outcome : response;
}

/** Runs `request` through `layers` then the simulator, logging the call. */
export async function dispatch(
  sim: ProviderSimulator,
  request: SimRequest,
  layers: readonly SimLayer[],
  log: (call: SimCall) => void,
  now: () => number,
): Promise<SimOutcome> {
  const at = now();
  const run = (index: number): Promise<SimOutcome> => {
    const layer = layers[index];
    if (!layer) return Promise.resolve(sim.handle(request));
    return layer(request, async () => {
      const outcome = await run(index + 1);
      if (isFault(outcome)) throw new Error("a layer below the simulator returned a fault");
      return outcome;
    });
  };
  let outcome: SimOutcome;
  try {
    outcome = checkedOutcome(sim.id, await run(0));
  } catch {
    outcome = sim.errorResponse(500);
  }
  const status = isFault(outcome)
    ? outcome.fault === "reset"
      ? 0
      : outcome.response.status
    : outcome.status;
  const queryKeys = [...new Set(request.query.keys())];
  log({ provider: sim.id, method: request.method, path: request.path, status, at, queryKeys });
  return outcome;
}

/** Encodes a response body and its content type. */
export function encodeBody(response: SimResponse): { bytes: Buffer; contentType: string | undefined } {
  const body = response.body;
  if (body === undefined || body === null) return { bytes: Buffer.alloc(0), contentType: undefined };
  if (Buffer.isBuffer(body)) return { bytes: body, contentType: "application/octet-stream" };
  if (body instanceof Uint8Array)
    return { bytes: Buffer.from(body), contentType: "application/octet-stream" };
  if (typeof body === "string")
    return { bytes: Buffer.from(body, "utf8"), contentType: "text/plain; charset=utf-8" };
  return { bytes: Buffer.from(JSON.stringify(body), "utf8"), contentType: "application/json; charset=utf-8" };
}

function lowerHeaders(headers: IncomingMessage["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

/** Whatever went wrong while writing a response ends that response, never the process. */
function failResponse(res: ServerResponse, simId: string, error: unknown): void {
  if (res.headersSent) {
    res.socket?.destroy();
    return;
  }
  const code = (error as { code?: unknown }).code;
  res.writeHead(500, { "content-type": "application/json; charset=utf-8" });
  res.end(
    JSON.stringify({
      error: "simulator_failure",
      message: `The ${simId} simulator could not write its response (${typeof code === "string" ? code : "error"})`,
    }),
  );
}

/** A simulator served over HTTP on 127.0.0.1. */
export interface HttpServing {
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string;
  close(): Promise<void>;
}

/** Serves `sim` on 127.0.0.1 on an ephemeral port. */
export async function serveHttp(
  sim: ProviderSimulator,
  options: { layers?: readonly SimLayer[]; log?: (call: SimCall) => void; now?: () => number } = {},
): Promise<HttpServing> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const rawBody = Buffer.concat(chunks);
      const headers = lowerHeaders(req.headers);
      const request: SimRequest = {
        method: (req.method ?? "GET").toUpperCase(),
        path: url.pathname,
        query: url.searchParams,
        headers,
        body: parseBody(rawBody, headers["content-type"]),
        rawBody,
      };
      void dispatch(sim, request, options.layers ?? [], options.log ?? (() => {}), options.now ?? Date.now)
        .then((outcome) => {
          if (isFault(outcome)) {
            if (outcome.fault === "reset") {
              req.socket.destroy();
              return;
            }
            const { bytes, contentType } = encodeBody(outcome.response);
            const head: Record<string, string> = { ...(outcome.response.headers ?? {}) };
            if (contentType) head["content-type"] = contentType;
            if (outcome.fault === "truncate") {
              head["content-length"] = String(bytes.length);
              res.writeHead(outcome.response.status, head);
              res.write(bytes.subarray(0, Math.max(1, Math.floor(bytes.length / 2))));
              setImmediate(() => res.socket?.destroy());
            } else {
              res.writeHead(outcome.response.status, { ...head, "content-type": "application/json" });
              res.end(Buffer.concat([bytes.subarray(0, Math.floor(bytes.length / 2)), Buffer.from("<!-- ")]));
            }
            return;
          }
          const { bytes, contentType } = encodeBody(outcome);
          const head: Record<string, string> = { ...(outcome.headers ?? {}) };
          if (contentType && !Object.keys(head).some((h) => h.toLowerCase() === "content-type")) {
            head["content-type"] = contentType;
          }
          res.writeHead(outcome.status, head);
          res.end(bytes);
        })
        .catch((error: unknown) => failResponse(res, sim.id, error));
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
