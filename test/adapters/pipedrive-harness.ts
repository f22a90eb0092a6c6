/** The Pipedrive adapter tests' harness: the simulator served over HTTP or nock, and helpers. */
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { expect } from "vitest";
import type { SubprocessorAdapter } from "../../src/adapter.js";
import { FanoutError } from "../../src/errors.js";
import { createOperationContext } from "../../src/testing/context.js";
import { createSimEnvironment } from "../../src/testing/environment.js";
import { type SimCall, type SimLayer, type SimOutcome, serveHttp } from "../../src/testing/serve.js";
import { serveNock } from "../../src/testing/serve-nock.js";
import type { SimRequest } from "../../src/testing/simulator.js";
import {
  createPipedriveSimulator,
  type PipedriveSimulator,
  pipedriveSimulator,
} from "../../src/testing/simulators/pipedrive/index.js";

export const EMAIL = "jane.doe@acme.test";
export const STORED_EMAIL = "Jane.Doe@ACME.test"; // stored mixed-case: the exact search is case-insensitive
export const DAY = 24 * 60 * 60 * 1000;

/**
 * The operations the official SDK knows (it is generated from Pipedrive's OpenAPI descriptions,
 * which are not in the specs folder): every request served in these tests must be one of them.
 */
export function sdkOperations(): { method: string; pattern: RegExp }[] {
  const require = createRequire(import.meta.url);
  const out: { method: string; pattern: RegExp }[] = [];
  for (const [version, prefixes] of [
    ["v1", ["/v1", "/api/v1"]],
    ["v2", ["/api/v2"]],
  ] as const) {
    const dir = join(dirname(require.resolve(`pipedrive/${version}`)), "api");
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".js"))) {
      const source = readFileSync(join(dir, file), "utf8");
      for (const m of source.matchAll(/localVarPath = `([^`]+)`[\s\S]*?method: '([A-Z]+)'/g)) {
        const template = (m[1] ?? "").replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+");
        for (const prefix of prefixes)
          out.push({ method: m[2] ?? "", pattern: new RegExp(`^${prefix}${template}$`) });
      }
    }
  }
  return out;
}
export const SDK_OPERATIONS = sdkOperations();

export interface Harness {
  sim: PipedriveSimulator;
  calls: SimCall[];
  options: Record<string, unknown>;
  adapter: SubprocessorAdapter;
  baseUrl: string;
  personId: string;
  clock: { offset: number; frozen?: number; served: number };
  /** When set, answers matching requests instead of the simulator. */
  fault: ((request: SimRequest) => SimOutcome | undefined) | undefined;
  close(): Promise<void>;
}

export const transports = [
  { name: "http (127.0.0.1)", serve: serveHttp, nock: false },
  { name: "nock", serve: undefined, nock: true },
] as const;

/** Options of {@link start}. */
export interface StartOptions {
  /** Indexes of users (`sim.users`) whose tokens the adapter is not given. */
  withoutUsers?: number[];
}

export async function start(useNock: boolean, startOptions: StartOptions = {}): Promise<Harness> {
  // Real time plus an offset that tests move forward (the 30-day purge).
  const clock: Harness["clock"] = { offset: 0, served: 0 };
  const env = createSimEnvironment({
    pageSize: 2,
    seed: 7,
    now: () => clock.frozen ?? Date.now() + clock.offset,
    // The rate-limit windows also move 250 ms per request served: the adapter is called without a
    // limiter here, and at page size 2 an erasure makes more requests than one token's 80 per 2 s,
    // and a few locates more searches than the search endpoints' 10 per 2 s (on a fast machine the
    // real clock barely moves between them). Tests of the limits themselves freeze the clock.
    rateNow: () => clock.frozen ?? Date.now() + clock.offset + clock.served * 250,
  });
  const sim = createPipedriveSimulator(env);
  const calls: SimCall[] = [];
  const h = { fault: undefined } as Partial<Harness> as Harness;
  const layer: SimLayer = async (request, next) => h.fault?.(request) ?? next();
  const serveOptions = {
    layers: [layer],
    log: (call: SimCall) => {
      calls.push(call);
      clock.served += 1;
    },
  };
  const serving = useNock
    ? await serveNock(sim, "https://api.pipedrive.com", serveOptions)
    : await serveHttp(sim, serveOptions);
  const [personId] = sim.seed(
    { email: STORED_EMAIL, phone: "+44 20 7946 0123", name: "Jane Doe" },
    { records: 5 },
  );
  const options = sim.adapterOptions(serving.baseUrl);
  // Tokens of the users left out: their call logs and mail are beyond the adapter's reach.
  if (options.userTokens && startOptions.withoutUsers) {
    const left = new Set(startOptions.withoutUsers.map((i) => sim.users[i]?.apiToken));
    options.userTokens = (options.userTokens as string[]).filter((t) => !left.has(t));
  }
  Object.assign(h, {
    sim,
    calls,
    options,
    adapter: pipedriveSimulator.createAdapter(options),
    baseUrl: serving.baseUrl,
    personId: personId as string,
    clock,
    close: () => serving.close(),
  });
  return h;
}

export const ctxFor = (email = EMAIL, ids?: Record<string, string>) =>
  createOperationContext({ subject: ids ? { email, ids } : { email } });

export async function rejection(promise: Promise<unknown>): Promise<FanoutError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FanoutError);
  return error as FanoutError;
}

export function expectNoSecrets(h: Harness, text: string): void {
  const tokens = [h.options.apiToken, ...(h.options.userTokens as string[])] as string[];
  for (const needle of [EMAIL, STORED_EMAIL, "Jane Doe", "7946 0123", ...tokens]) {
    expect(text.toLowerCase()).not.toContain(needle.toLowerCase());
  }
}
