// What an adapter's operation context says about the call: the engine binds the request, the
// adapter, the step and the subject's fingerprint (never an identifier) to the logger it hands the
// adapter, so an operator reading a provider's log line knows which step of which request made it.
// Each step of the saga is checked: locate, restrict, renew (a restriction with a lifetime),
// relocate (at the pivot after a wait), delete, verify, and export for an access request.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createFanout, defineAdapter, memoryStore } from "../../src/index.js";
import { fakeClock } from "./fake-provider.js";
import { DAY, EMAIL, SECRET } from "./helpers.js";

type Line = { op: string; bindings: Record<string, unknown> };

/** An adapter that logs one line in every operation, through the logger its context carries. */
function loggingAdapter() {
  const log = (op: string, ctx: { logger: { info(o: Record<string, unknown>, m?: string): void } }) =>
    ctx.logger.info({ op }, op);
  return defineAdapter({
    id: "logging",
    capabilities: { lookup: ["email"], restrictionExpiresAfter: 10 * DAY },
    async locate(_subject, ctx) {
      log("locate", ctx);
      return { refs: [{ type: "record", id: "r1" }], coverage: { searchedBy: ["email"], types: ["record"] } };
    },
    async export(_refs, ctx) {
      log("export", ctx);
      return { records: [] };
    },
    async restrict(_refs, ctx) {
      log("restrict", ctx);
      return { undo: null, restricted: 1 };
    },
    async unrestrict(_refs, _undo, ctx) {
      log("unrestrict", ctx);
    },
    async delete(_refs, ctx) {
      log("delete", ctx);
      return { outcome: "erased", deleted: 1 };
    },
    async status(_refs, _deletion, ctx) {
      log("status", ctx);
      return { state: "done", remaining: 0 };
    },
  });
}

function setupLogging() {
  const lines: Line[] = [];
  const clock = fakeClock();
  const capture = (obj: Record<string, unknown>) => {
    if (typeof obj.op === "string") {
      const { op, ...bindings } = obj;
      lines.push({ op, bindings });
    }
  };
  const fanout = createFanout({
    adapters: [loggingAdapter()],
    store: memoryStore(),
    secret: SECRET,
    now: clock.now,
    logger: { debug: capture, info: capture, warn: capture, error: capture },
  });
  return { fanout, clock, lines };
}

describe("an adapter's context names the step that called it", () => {
  it("locate, restrict, renew, relocate, delete and verify of an erasure after a wait", async () => {
    const { fanout, clock, lines } = setupLogging();
    const req = await fanout.erase({ email: EMAIL }, { after: "25d" });
    // Walk the wait day by day so the 10-day restriction is renewed on the way.
    for (let day = 0; day < 30 && (await fanout.status(req.id)).state !== "completed"; day++) {
      await fanout.drain();
      clock.advance(DAY);
    }
    expect((await fanout.status(req.id)).state).toBe("completed");
    const steps = new Map<string, Set<unknown>>();
    for (const line of lines) {
      const seen = steps.get(line.op) ?? new Set();
      seen.add(line.bindings.step);
      steps.set(line.op, seen);
    }
    expect(steps.get("locate")).toEqual(new Set(["locate", "relocate"]));
    // The first restrict, and each renewal: it undoes the restriction and applies it again.
    expect(steps.get("restrict")).toEqual(new Set(["restrict", "renew"]));
    expect(steps.get("unrestrict")).toEqual(new Set(["renew"]));
    expect(steps.get("delete")).toEqual(new Set(["delete"]));
    expect(steps.get("status")).toEqual(new Set(["verify"]));
    const { subject } = await fanout.status(req.id);
    for (const line of lines) {
      expect(line.bindings).toMatchObject({ requestId: req.id, adapter: "logging" });
      expect(line.bindings.subject).toBe(subject);
      expect(JSON.stringify(line.bindings)).not.toContain(EMAIL);
    }
  });

  it("export for an access request", async () => {
    const { fanout, lines } = setupLogging();
    const dir = mkdtempSync(join(tmpdir(), "gf-context-"));
    const req = await fanout.export({ email: EMAIL }, { to: join(dir, "pkg") });
    for (
      let i = 0;
      i < 10 && !["completed", "needs_attention"].includes((await fanout.status(req.id)).state);
      i++
    )
      await fanout.drain();
    expect(lines.filter((l) => l.op === "export").map((l) => l.bindings.step)).toEqual(["export"]);
    expect(lines.filter((l) => l.op === "locate").map((l) => l.bindings.step)).toEqual(["locate"]);
    rmSync(dir, { recursive: true, force: true });
  });
});
