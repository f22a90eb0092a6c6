/**
 * OpenTelemetry: one span per step attempt, made the **active** span while the step runs, so the
 * spans an instrumented SDK or `fetch` creates for its HTTP calls nest under the step instead of
 * floating as roots. The tracer's own `startActiveSpan` does the activation (no import of
 * `@opentelemetry/api` here); a tracer without it (a hand-written `TracerLike`) gets a plain span.
 */
import type { TracerLike } from "./types.js";

/** The slice of a span the engine uses. */
export type StepSpan = ReturnType<TracerLike["startSpan"]>;

/** Runs `body` inside a span named `name` (active when the tracer can), or without one. */
export function inStepSpan<T>(
  tracer: TracerLike | undefined,
  name: string,
  attributes: Record<string, string | number | boolean>,
  body: (span: StepSpan | undefined) => Promise<T>,
): Promise<T> {
  if (!tracer) return body(undefined);
  if (typeof tracer.startActiveSpan === "function") {
    return tracer.startActiveSpan(name, { attributes }, (span: StepSpan) => body(span));
  }
  return body(tracer.startSpan(name, { attributes }));
}
