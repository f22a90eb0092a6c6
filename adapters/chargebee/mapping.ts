/**
 * Chargebee records → {@link ExportRecord}s for the access package: the provider's data as it was
 * returned, one record per object, typed in Chargebee's vocabulary.
 */
import type { ExportFile, ExportRecord, JsonValue } from "../../src/adapter.js";
import type { CbDownload, CbResource } from "./api.js";

/** Record types exported, in the order they appear in the package. */
export const EXPORT_TYPES = [
  "customer",
  "contact",
  "subscription",
  "invoice",
  "credit_note",
  "transaction",
  "payment_source",
  "comment",
] as const;
export type ExportType = (typeof EXPORT_TYPES)[number];

/** JSON round trip: drops `undefined`, functions and the SDK's response extras. */
function toJson(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value ?? null)) as JsonValue;
}

/** One exported record. The SDK adds `headers`/`httpStatusCode` only to whole responses, not to records. */
export function toRecord(
  type: ExportType,
  resource: CbResource,
  extra?: Record<string, unknown>,
): ExportRecord {
  const data = extra ? { ...resource, ...extra } : resource;
  return { type, id: resource.id, data: toJson(data) };
}

/** What an invoice or credit note record carries about its PDF. */
export function pdfFields(download: CbDownload | undefined): Record<string, unknown> | undefined {
  if (!download) return undefined;
  return {
    pdf: {
      download_url: download.download_url,
      valid_till: download.valid_till,
      ...(download.mime_type ? { mime_type: download.mime_type } : {}),
    },
  };
}

/** File name of a downloaded PDF inside the adapter's folder of the package. */
export function pdfFile(type: "invoice" | "credit_note", id: string, bytes: Uint8Array): ExportFile {
  const safe = id.replace(/[^A-Za-z0-9._-]/g, "_");
  return { name: `${type}-${safe}.pdf`, contentType: "application/pdf", bytes };
}
