/**
 * Residuals: what remains at a provider after an adapter did all it could, and why. Adapters
 * report them on `delete`, `status` and `unrestrict`; the engine checks their shape (and, with the
 * rest of the result, that they hold no personal data), keeps them on the branch and shows them in
 * status, events, the receipt and the report.
 */
import type { Residual, ResidualReason } from "../adapter.js";
import { FanoutError } from "../errors.js";

export const RESIDUAL_REASONS: readonly ResidualReason[] = [
  "provider_retains",
  "restorable",
  "not_covered",
  "legal_retention",
];

function bad(adapter: string, what: string): FanoutError {
  return new FanoutError("STEP_FAILED", `Adapter "${adapter}" returned ${what}`, {
    retryable: false,
    provider: adapter,
  });
}

/** Checks a list of residuals from an adapter; `[]` when absent. */
export function validateResiduals(value: unknown, adapter: string): Residual[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw bad(adapter, "residuals that are not a list");
  return value.map((raw) => {
    const r = raw as Partial<Residual> | null;
    if (
      !r ||
      typeof r.type !== "string" ||
      r.type.length === 0 ||
      r.type.length > 64 ||
      !RESIDUAL_REASONS.includes(r.reason as ResidualReason) ||
      typeof r.count !== "number" ||
      !Number.isInteger(r.count) ||
      r.count < 0 ||
      typeof r.detail !== "string" ||
      r.detail.length === 0 ||
      r.detail.length > 500
    ) {
      throw bad(adapter, "a malformed residual (type, count, reason and detail are required)");
    }
    if (r.until !== undefined && (typeof r.until !== "string" || Number.isNaN(Date.parse(r.until)))) {
      throw bad(adapter, "a residual with an unreadable until");
    }
    if (r.basis !== undefined && (typeof r.basis !== "string" || r.basis.length > 200)) {
      throw bad(adapter, "a residual with a malformed basis");
    }
    return {
      type: r.type,
      count: r.count,
      reason: r.reason as ResidualReason,
      detail: r.detail,
      ...(r.until !== undefined ? { until: new Date(r.until).toISOString() } : {}),
      ...(r.basis !== undefined ? { basis: r.basis } : {}),
    };
  });
}
