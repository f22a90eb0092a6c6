/**
 * Where the adapter records the redaction jobs of a request between `restrict` and `delete`: in the
 * metadata of one of the subject's documents (the "anchor"), keyed by the request id.
 *
 * Why there: `delete` receives only the refs, not what `restrict` returned, and Stripe keeps
 * idempotency keys for 24 hours only ("keys are eligible to be removed … after they're at least 24
 * hours old", https://docs.stripe.com/api/idempotent_requests) while a restriction may last months:
 * re-creating the job at delete would make a second job whose objects the first one holds
 * (`locked_by_other_job`). A document, unlike the customer, survives the customer's deletion with
 * its metadata, so a delete resumed after the customers are gone still finds its jobs. Metadata
 * values are at most 500 characters and keys 40 (https://docs.stripe.com/api/metadata): job ids
 * are spread over numbered keys. The redaction itself removes the metadata with the rest.
 */
import type { OperationContext } from "../../src/adapter.js";
import type { StripeApi, StripeRecord } from "./api.js";
import { type Holding, isRedacted } from "./documents.js";

/** Metadata key naming the request whose jobs the anchor lists. */
export const MARKER_REQUEST = "gdpr_fanout_redaction_by";
/** Metadata key prefix of the job ids (`…_jobs`, `…_jobs_2`, …), comma-separated. */
export const MARKER_JOBS = "gdpr_fanout_redaction_jobs";

const MAX_VALUE = 500;

/** The anchor: a document the adapter can write metadata on. */
export interface Anchor {
  readonly type: "charge" | "invoice" | "payment_intent";
  readonly id: string;
}

const ANCHOR_ORDER: readonly Anchor["type"][] = ["charge", "invoice", "payment_intent"];

function metadataOf(record: StripeRecord): Record<string, string> {
  const m = record.metadata;
  return m !== null && typeof m === "object" ? (m as Record<string, string>) : {};
}

function jobKeys(metadata: Record<string, string>): string[] {
  return Object.keys(metadata).filter((k) => k === MARKER_JOBS || k.startsWith(`${MARKER_JOBS}_`));
}

/** The request whose jobs a document lists, if any. */
function markedBy(doc: StripeRecord): string | undefined {
  const by = metadataOf(doc)[MARKER_REQUEST];
  return typeof by === "string" && by.length > 0 ? by : undefined;
}

function jobsListed(metadata: Record<string, string>): string[] {
  return jobKeys(metadata)
    .sort()
    .flatMap((k) => (metadata[k] ?? "").split(","))
    .filter((id) => id.length > 0);
}

/**
 * The first document, in a stable order, that still holds data (a redacted one cannot be updated),
 * preferring one no other request has marked: a document carries one request's record, and
 * writing over another's would lose the jobs it lists.
 */
export function chooseAnchor(holdings: readonly Holding[], requestId: string): Anchor | undefined {
  const candidates = holdings.flatMap((h) => h.documents).filter((d) => !isRedacted(d));
  for (const free of [true, false]) {
    for (const type of ANCHOR_ORDER) {
      const ids = candidates
        .filter((d) => d.object === type && (!free || (markedBy(d) ?? requestId) === requestId))
        .map((d) => d.id)
        .sort();
      if (ids[0] !== undefined) return { type, id: ids[0] };
    }
  }
  return undefined;
}

/** The anchor marked by this request and the job ids on it, if any. */
export function findMarker(
  holdings: readonly Holding[],
  requestId: string,
): { anchor: Anchor; jobs: string[] } | undefined {
  for (const doc of holdings.flatMap((h) => h.documents)) {
    const metadata = metadataOf(doc);
    if (metadata[MARKER_REQUEST] !== requestId) continue;
    if (!ANCHOR_ORDER.includes(doc.object as Anchor["type"])) continue;
    return { anchor: { type: doc.object as Anchor["type"], id: doc.id }, jobs: jobsListed(metadata) };
  }
  return undefined;
}

/**
 * The jobs other requests recorded on the subject's documents (an earlier erasure whose customer
 * delete did not take, a request still in its wait): a new job over objects one of them holds
 * would fail validation with `locked_by_other_job` (see redaction-foreign.ts).
 */
export function foreignJobIds(holdings: readonly Holding[], requestId: string): string[] {
  const ids = new Set<string>();
  for (const doc of holdings.flatMap((h) => h.documents)) {
    const by = markedBy(doc);
    if (by === undefined || by === requestId) continue;
    for (const id of jobsListed(metadataOf(doc))) ids.add(id);
  }
  return [...ids];
}

function update(api: StripeApi, ctx: OperationContext, anchor: Anchor, metadata: Record<string, string>) {
  const params = { metadata };
  const operation = `${anchor.type}s.update`;
  return api.call(ctx, operation, (sdk) => {
    if (anchor.type === "charge") return sdk.charges.update(anchor.id, params);
    if (anchor.type === "invoice") return sdk.invoices.update(anchor.id, params);
    return sdk.paymentIntents.update(anchor.id, params);
  });
}

/** Writes the request's job ids on the anchor (replacing what it listed). */
export async function writeMarker(
  api: StripeApi,
  ctx: OperationContext,
  anchor: Anchor,
  jobs: readonly string[],
): Promise<void> {
  const metadata: Record<string, string> = { [MARKER_REQUEST]: ctx.requestId };
  let key = 1;
  let value = "";
  const flush = () => {
    metadata[key === 1 ? MARKER_JOBS : `${MARKER_JOBS}_${key}`] = value;
    key += 1;
    value = "";
  };
  for (const id of jobs) {
    if (value.length + id.length + 1 > MAX_VALUE) flush();
    value = value ? `${value},${id}` : id;
  }
  flush();
  await update(api, ctx, anchor, metadata);
}

/** Removes the marker from the anchor (an empty value unsets a metadata key). */
export async function clearMarker(
  api: StripeApi,
  ctx: OperationContext,
  anchor: Anchor,
  current: StripeRecord | undefined,
): Promise<void> {
  const keys = current ? jobKeys(metadataOf(current)) : [MARKER_JOBS];
  const metadata: Record<string, string> = { [MARKER_REQUEST]: "" };
  for (const k of keys) metadata[k] = "";
  await update(api, ctx, anchor, metadata);
}
