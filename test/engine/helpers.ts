import {
  createFanout,
  type FanoutEvents,
  type FanoutOptions,
  memoryStore,
  type SagaStore,
} from "../../src/index.js";
import { FakeProvider, fakeClock } from "./fake-provider.js";

export const EMAIL = "jane.doe@acme.test";
export const SECRET = "test-secret-0123456789abcdef";
export const DAY = 86_400_000;

/** A fanout over fake providers with a fake clock and a memory store (or the one given). */
export function setup(
  ids: string[] = ["alpha", "beta", "gamma"],
  options: Partial<FanoutOptions> & {
    adapterOptions?: Record<string, Parameters<FakeProvider["adapter"]>[0]>;
  } = {},
) {
  const clock = fakeClock();
  const providers = Object.fromEntries(ids.map((id) => [id, new FakeProvider(id)])) as Record<
    string,
    FakeProvider
  >;
  for (const p of Object.values(providers)) p.seed(EMAIL, 2);
  const { adapterOptions, ...rest } = options;
  const store: SagaStore = rest.store ?? memoryStore();
  const events: (FanoutEvents[keyof FanoutEvents] & { type: string })[] = [];
  const logs: unknown[] = [];
  const log = (level: string) => (obj: Record<string, unknown>, msg?: string) =>
    logs.push({ level, obj, msg });
  const fanout = createFanout({
    adapters: ids.map((id) => providers[id]!.adapter(adapterOptions?.[id])),
    store,
    secret: SECRET,
    now: clock.now,
    random: () => 0.5,
    logger: { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") },
    ...rest,
  });
  fanout.on("*", (e) => events.push(e as never));
  return { fanout, clock, providers, store, events, logs };
}

/** Drains, advancing the fake clock to each next timer, until the request settles or `maxRounds`. */
export async function settle(env: ReturnType<typeof setup>, id: string, maxRounds = 50): Promise<string> {
  for (let i = 0; i < maxRounds; i++) {
    await env.fanout.drain();
    const s = await env.fanout.status(id);
    if (["completed", "withdrawn", "needs_attention", "held"].includes(s.state)) return s.state;
    const next = await env.store.nextWake();
    if (next === null) return s.state;
    if (next > env.clock.now()) env.clock.advance(next - env.clock.now());
  }
  return (await env.fanout.status(id)).state;
}
