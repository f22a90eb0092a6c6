/** The Chargebee adapter tests' harness: the simulator on an injected clock, over HTTP or nock. */
import { expect } from "vitest";
import { type ChargebeeAdapterOptions, chargebeeAdapter } from "../../adapters/chargebee/index.js";
import type { OperationContext, SubprocessorAdapter } from "../../src/adapter.js";
import { FanoutError } from "../../src/errors.js";
import { createOperationContext } from "../../src/testing/context.js";
import { createSimEnvironment } from "../../src/testing/environment.js";
import type { SimOutcome } from "../../src/testing/serve.js";
import { type SimCall, type SimLayer, serveHttp } from "../../src/testing/serve.js";
import { serveNock } from "../../src/testing/serve-nock.js";
import type { SimRequest, SimResponse } from "../../src/testing/simulator.js";
import {
  CHARGEBEE_SIM_ORIGIN,
  type ChargebeeSimulator,
  type ChargebeeSiteSettings,
  chargebeeSimulatorWith,
} from "../../src/testing/simulators/chargebee/index.js";

export const EMAIL = "jane.doe@acme.test";
export const DAY = 86_400_000;

/** The subject of a context: an email, a phone, ids, or a mix. */
export interface TestSubject {
  email?: string;
  phone?: string;
  ids?: Record<string, string[]>;
}

export interface Harness {
  sim: ChargebeeSimulator;
  adapter: SubprocessorAdapter;
  options: Record<string, unknown>;
  calls: SimCall[];
  ids: string[];
  /** Set to intercept requests before the simulator (fault injection). */
  fault:
    | ((request: SimRequest, next: () => Promise<SimResponse>) => Promise<SimOutcome> | undefined)
    | undefined;
  advance(ms: number): void;
  ctx(requestId?: string, subject?: TestSubject): OperationContext;
  build(extra?: Partial<ChargebeeAdapterOptions>): SubprocessorAdapter;
}

/** Servers to close after each test (the test files' `afterEach` drains it). */
export const closers: (() => Promise<void>)[] = [];

export async function harness(
  transport: "http" | "nock",
  site: Partial<ChargebeeSiteSettings> = {},
  extra: Partial<ChargebeeAdapterOptions> = {},
  records = 6,
  subject: { email: string; phone?: string; name?: string } = { email: EMAIL, name: "Jane Doe" },
): Promise<Harness> {
  let clock = Date.parse("2026-11-28T10:00:00Z");
  const env = createSimEnvironment({ pageSize: 2, now: () => clock, seed: 7 });
  const sim = chargebeeSimulatorWith(site).create(env);
  const ids = sim.seed(subject, { records });
  const calls: SimCall[] = [];
  const h = { fault: undefined } as Harness;
  const layer: SimLayer = (request, next) => h.fault?.(request, next) ?? next();
  // Time moves half a second per request served, so a long test stays under 150 requests a minute.
  const log = (c: SimCall) => {
    calls.push(c);
    clock += 500;
  };
  const serveOptions = { layers: [layer], log, now: () => clock };
  let options: Record<string, unknown>;
  if (transport === "http") {
    const serving = await serveHttp(sim, serveOptions);
    closers.push(() => serving.close());
    options = sim.adapterOptions(serving.baseUrl);
  } else {
    const serving = await serveNock(sim, CHARGEBEE_SIM_ORIGIN, serveOptions);
    closers.push(() => serving.close());
    // No baseUrl: the SDK's own host for the test site, intercepted by nock.
    const { baseUrl: _ignored, ...rest } = sim.adapterOptions(CHARGEBEE_SIM_ORIGIN);
    options = rest;
  }
  const build = (more: Partial<ChargebeeAdapterOptions> = {}) =>
    chargebeeAdapter({ ...(options as unknown as ChargebeeAdapterOptions), ...extra, ...more });
  return Object.assign(h, {
    sim,
    ids,
    options,
    calls,
    adapter: build(),
    build,
    advance: (ms: number) => {
      clock += ms;
    },
    ctx: (requestId = "req_1", subject: TestSubject = { email: EMAIL }) =>
      createOperationContext({ subject, requestId, now: () => new Date(clock) }),
  });
}

export async function caught(promise: Promise<unknown>): Promise<FanoutError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(FanoutError);
    return error as FanoutError;
  }
  throw new Error("expected a rejection");
}

export function expectNoLeak(error: FanoutError, apiKey: string): void {
  const text = `${error.message} ${JSON.stringify(error.toJSON())}`;
  for (const secret of [
    apiKey,
    Buffer.from(`${apiKey}:`).toString("base64"),
    EMAIL,
    "Jane",
    "127.0.0.1",
    "chargebee.com",
  ]) {
    expect(text).not.toContain(secret);
  }
}

/** `id:status` of every subscription of the subject, read from the simulator. */
export function statuses(h: { sim: ChargebeeSimulator }): string[] {
  return Object.entries(h.sim.subscriptionStatuses({ email: EMAIL }))
    .map(([id, status]) => `${id}:${status}`)
    .sort();
}
