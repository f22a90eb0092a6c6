import { describe, expect, it } from "vitest";
import type { TracerLike } from "../../src/index.js";
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
});
