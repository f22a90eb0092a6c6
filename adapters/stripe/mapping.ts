/**
 * Stripe objects → export records and record refs. Export records keep the provider's object as
 * returned (the access package is the subject's data as the provider holds it).
 */
import type { ExportRecord, JsonValue, RecordRef } from "../../src/adapter.js";
import type { StripeRecord } from "./api.js";

/** An export record of one Stripe object, typed by its `object` field. */
export function toExportRecord(object: StripeRecord): ExportRecord {
  return { type: object.object, id: object.id, data: JSON.parse(JSON.stringify(object)) as JsonValue };
}

/** A ref to a customer: its id only. */
export function customerRef(id: string): RecordRef {
  return { type: "customer", id };
}

/** The customer ids among refs, without duplicates. */
export function customerIds(refs: readonly RecordRef[]): string[] {
  return [...new Set(refs.filter((r) => r.type === "customer").map((r) => r.id))];
}
