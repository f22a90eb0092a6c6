// The engine refuses personal data in what adapters hand it to store — refs, the restriction's undo
// record, the delete result, the status — so an adapter bug cannot write an email into the store:
// the step fails (STEP_FAILED, not retryable) and nothing of it is kept.
import { describe, expect, it } from "vitest";
import type { SubprocessorAdapter } from "../../src/index.js";
import { FakeProvider } from "./fake-provider.js";
import { EMAIL, settle, setup } from "./helpers.js";

type Leak = "refs" | "undo" | "deletion" | "status";

function leakingAdapter(leak: Leak): { provider: FakeProvider; adapter: SubprocessorAdapter } {
  const provider = new FakeProvider("alpha");
  provider.seed(EMAIL, 2);
  const base = provider.adapter();
  const adapter: SubprocessorAdapter = {
    ...base,
    async locate(subject, ctx) {
      const found = await base.locate(subject, ctx);
      if (leak !== "refs" || found.refs.length === 0) return found;
      return { refs: found.refs.map((r) => ({ ...r, scope: EMAIL })) };
    },
    async restrict(refs, ctx) {
      const done = await base.restrict!(refs, ctx);
      return leak === "undo" ? { ...done, undo: { ids: [], email: EMAIL } } : done;
    },
    async delete(refs, ctx) {
      const done = await base.delete(refs, ctx);
      return leak === "deletion" ? { ...done, detail: `erased ${EMAIL}` } : done;
    },
    async status(refs, deletion, ctx) {
      const s = await base.status(refs, deletion, ctx);
      return leak === "status" ? { ...s, detail: `checked ${EMAIL.toUpperCase()}` } : s;
    },
  };
  return { provider, adapter };
}

describe("personal data returned by an adapter", () => {
  for (const [leak, step] of [
    ["refs", "locate"],
    ["undo", "restrict"],
    ["deletion", "delete"],
    ["status", "verify"],
  ] as const) {
    it(`in the ${leak === "refs" ? "record refs" : leak} fails the ${step} step and is never stored`, async () => {
      const { adapter } = leakingAdapter(leak);
      const env = setup(["alpha"], { adapters: [adapter] });
      const req = await env.fanout.erase({ email: EMAIL });
      expect(await settle(env, req.id)).toBe("needs_attention");
      const s = await env.fanout.status(req.id);
      expect(s.attention).toMatchObject({ code: "STEP_FAILED", retryable: false });
      expect(s.attention?.message).toContain("personal data");
      const failedAt = (await env.store.steps(req.id)).find((x) => x.status === "failed");
      expect(failedAt?.step).toBe(step);
      const stored = [
        await env.store.getBranches(req.id),
        await env.store.audit(req.id),
        await env.store.steps(req.id),
      ];
      expect(JSON.stringify(stored).toLowerCase()).not.toContain(EMAIL);
      expect(JSON.stringify(s).toLowerCase()).not.toContain(EMAIL);
    });
  }
});
