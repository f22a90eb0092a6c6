import { AsyncLocalStorage } from "node:async_hooks";
import { trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { defineAdapter, type TracerLike } from "../../src/index.js";
import { EMAIL, settle, setup } from "./helpers.js";

describe("OpenTelemetry spans", () => {
  it("opens one span per step attempt, with ids and status, and no personal data", async () => {
    const spans: {
      name: string;
      attributes: Record<string, unknown>;
      status?: { code: number; message?: string };
      ended: boolean;
    }[] = [];
    const tracer: TracerLike = {
      startSpan(name, options) {
        const span = {
          name,
          attributes: { ...(options?.attributes ?? {}) },
          ended: false,
        } as (typeof spans)[number];
        spans.push(span);
        return {
          setAttribute: (k, v) => {
            span.attributes[k] = v;
          },
          setStatus: (s) => {
            span.status = s;
          },
          end: () => {
            span.ended = true;
          },
        };
      },
    };
    const env = setup(["alpha"], { tracer });
    env.providers.alpha!.fail("delete", { code: "VALIDATION", times: 1 });
    const req = await env.fanout.erase({ email: EMAIL });
    await settle(env, req.id);
    expect(spans.map((s) => s.name)).toEqual([
      "gdpr-fanout locate",
      "gdpr-fanout restrict",
      "gdpr-fanout delete",
    ]);
    expect(spans.every((s) => s.ended && s.attributes["gdpr_fanout.request_id"] === req.id)).toBe(true);
    expect(spans.at(-1)?.status).toEqual({ code: 2, message: "VALIDATION" });
    expect(JSON.stringify(spans)).not.toContain(EMAIL);
  });

  it("makes each step's span the active one, so an SDK's HTTP spans nest under it", async () => {
    // What an OpenTelemetry context manager does: the active span follows the async call chain.
    const active = new AsyncLocalStorage<string>();
    const tracer: TracerLike = {
      startSpan: () => ({ setAttribute() {}, setStatus() {}, end() {} }),
      startActiveSpan(name, _options, fn) {
        return active.run(name, () => fn({ setAttribute() {}, setStatus() {}, end() {} })) as never;
      },
    };
    // The type of a real OpenTelemetry tracer fits the option.
    const otel: TracerLike = trace.getTracer("gdpr-fanout");
    expect(typeof otel.startActiveSpan).toBe("function");
    const seen: (string | undefined)[] = [];
    const adapter = defineAdapter({
      id: "traced",
      capabilities: { restrict: false },
      async locate() {
        await new Promise((r) => setTimeout(r, 1));
        seen.push(active.getStore()); // where an instrumented fetch would read its parent
        return { refs: [{ type: "record", id: "1" }] };
      },
      async export() {
        return { records: [] };
      },
      async delete() {
        seen.push(active.getStore());
        return { outcome: "erased", deleted: 1 };
      },
      async status() {
        return { state: "done", remaining: 0 };
      },
    });
    const env = setup(["alpha"], { tracer, adapters: [adapter] });
    const req = await env.fanout.erase({ email: EMAIL });
    expect(await settle(env, req.id)).toBe("completed");
    // An immediate erasure reuses its first locate at the pivot: no relocate span.
    expect(seen).toEqual(["gdpr-fanout locate", "gdpr-fanout delete"]);
  });
});
