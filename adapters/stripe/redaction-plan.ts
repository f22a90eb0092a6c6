/**
 * Which objects to give redaction jobs, and what must wait. Stripe's rules, as documented:
 * - A job redacts its objects "and their related ones"; for a customer, "all related objects to
 *   that customer, including PaymentIntents, Charges, Subscriptions, Invoices, PaymentMethods,
 *   notifications" (https://docs.stripe.com/privacy/redaction/example). So a customer is the root
 *   of its own job when all of its documents can be redacted now.
 * - "We have a limit of 10 object identifiers to redact in each new job" (same page): roots go in
 *   jobs of at most 10.
 * - "Transactions don't support deletion and can only be redacted after 90 days"
 *   (https://docs.stripe.com/privacy/deletion-requests). A customer with a charge or payment intent
 *   younger than that cannot be a root (its cascade would reach the young transaction and fail the
 *   whole job), so its other documents become roots one by one and the young transactions are
 *   reported as residual, with the day they become redactable. The adapter counts one day more
 *   than Stripe's 90, so that clocks and day boundaries never send a transaction Stripe refuses.
 * - Tombstones (customers deleted before) are never roots: their documents are, since Stripe does
 *   not say whether a job accepts a deleted customer.
 * - Roots of different jobs must not reach the same object: "locked_by_other_job: The object is
 *   currently used in another redaction job" (validation error codes). A payment intent reaches its
 *   charges, so a charge whose payment intent is a root is left to it. [U] Which other relations
 *   Stripe follows (an invoice and the payment intent that paid it?); an overlap Stripe refuses
 *   shows as a failed job in `status`, never as success.
 * - Retention on a legal basis (`ctx.retain`, e.g. invoices and charges for 7 years): "All
 *   redactable objects associated with these objects will be redacted as well" (the job's
 *   `objects`, stripe-java `RedactionJob.Objects`), and which objects Stripe counts as associated
 *   is not documented [U]. So a customer holding a retained document gives no root at all: neither
 *   itself nor any of its documents goes to a job, since any of them might reach the retained one.
 *   Its retained documents are reported as kept on the legal basis; its other documents as kept
 *   with them (redacted with them when the retention ends, by the follow-up erasure).
 */
import type { StripeRecord } from "./api.js";
import { type Holding, isRedacted, isTransaction } from "./documents.js";
import { emptyObjects, JOB_KINDS, type JobKind, type RedactionObjects } from "./redaction.js";

/** Objects per job (Stripe's limit). */
export const MAX_JOB_OBJECTS = 10;
/** Stripe's 90 days, plus the adapter's day of margin, in seconds. */
export const TRANSACTION_HOLD_SECONDS = 91 * 86_400;

const KIND_OF_DOCUMENT: Readonly<Record<string, JobKind>> = {
  charge: "charges",
  invoice: "invoices",
  payment_intent: "payment_intents",
  "checkout.session": "checkout_sessions",
};

/** Documents that wait for Stripe's 90-day rule, per type (counts only, no ids). */
export interface Waiting {
  readonly type: string;
  readonly count: number;
  /** Epoch seconds when the last of them becomes redactable (for this adapter). */
  readonly until: number;
}

/** What is already in jobs: ids given to them, and customers given as roots (their cascade). */
export interface Covered {
  readonly ids: ReadonlySet<string>;
}

/** Documents kept back from every job because of a retention (counts per type, no ids). */
export interface Kept {
  readonly type: string;
  readonly count: number;
}

export interface RedactionPlan {
  /** Roots not yet in a job, in jobs of at most {@link MAX_JOB_OBJECTS}. */
  readonly jobs: readonly RedactionObjects[];
  readonly waiting: readonly Waiting[];
  /** Documents still holding personal data that this erasure redacts (now or after the 90 days). */
  readonly documents: number;
  /** Documents of a retained type, kept on the legal basis. */
  readonly retained: readonly Kept[];
  /** Other documents of customers holding a retained one: kept with it (see the module comment). */
  readonly keptWith: readonly Kept[];
  /**
   * Live customers that cannot be roots (a transaction is too young): deleted without a redaction
   * of their own, so what only the customer's cascade reaches (its events, request logs,
   * notifications) stays at Stripe.
   */
  readonly unrooted: number;
}

function young(doc: StripeRecord, nowSeconds: number): boolean {
  return isTransaction(doc) && Number(doc.created) + TRANSACTION_HOLD_SECONDS > nowSeconds;
}

/** Charges and payment intents that must wait; a payment intent waits with its young charges. */
function waitingDocuments(docs: readonly StripeRecord[], nowSeconds: number): StripeRecord[] {
  const out = docs.filter((d) => young(d, nowSeconds));
  const youngIntents = new Set(
    out
      .filter((d) => d.object === "charge" && typeof d.payment_intent === "string")
      .map((d) => d.payment_intent),
  );
  for (const d of docs)
    if (d.object === "payment_intent" && youngIntents.has(d.id) && !out.includes(d)) out.push(d);
  return out;
}

function chunk(roots: Record<JobKind, string[]>): RedactionObjects[] {
  const all: [JobKind, string][] = [];
  for (const kind of JOB_KINDS) for (const id of [...roots[kind]].sort()) all.push([kind, id]);
  const jobs: RedactionObjects[] = [];
  for (let i = 0; i < all.length; i += MAX_JOB_OBJECTS) {
    const objects = emptyObjects();
    for (const [kind, id] of all.slice(i, i + MAX_JOB_OBJECTS)) objects[kind].push(id);
    jobs.push(objects);
  }
  return jobs;
}

function count(into: Map<string, number>, type: string): void {
  into.set(type, (into.get(type) ?? 0) + 1);
}

/**
 * Plans the jobs still needed for `holdings` at `nowSeconds`, given what jobs already cover;
 * `retain`: the document types (`invoice`, `charge`, …) kept on a legal basis.
 */
export function planRedaction(
  holdings: readonly Holding[],
  nowSeconds: number,
  covered: Covered = { ids: new Set() },
  retain: ReadonlySet<string> = new Set(),
): RedactionPlan {
  const roots = emptyObjects();
  const waitingByType = new Map<string, { count: number; until: number }>();
  const retained = new Map<string, number>();
  const keptWith = new Map<string, number>();
  let documents = 0;
  let unrooted = 0;
  for (const holding of holdings) {
    const docs = holding.documents.filter((d) => KIND_OF_DOCUMENT[d.object] !== undefined && !isRedacted(d));
    if (docs.some((d) => retain.has(d.object))) {
      for (const d of docs) count(retain.has(d.object) ? retained : keptWith, d.object);
      if (holding.live) count(keptWith, "customer");
      continue;
    }
    documents += docs.length;
    const waiting = waitingDocuments(docs, nowSeconds);
    const wait = (type: string, created: unknown) => {
      const entry = waitingByType.get(type) ?? { count: 0, until: 0 };
      entry.count += 1;
      entry.until = Math.max(entry.until, Number(created) + TRANSACTION_HOLD_SECONDS);
      waitingByType.set(type, entry);
    };
    for (const d of waiting) {
      wait(d.object, d.created);
      // A disputed charge's dispute (its evidence names the customer) waits with it.
      if (d.object === "charge" && d.disputed === true) wait("dispute", d.created);
    }
    if (docs.length === 0 || covered.ids.has(holding.customer)) continue;
    const partlyCovered = docs.some((d) => covered.ids.has(d.id));
    if (holding.live && waiting.length === 0 && !partlyCovered) {
      roots.customers.push(holding.customer);
      continue;
    }
    if (holding.live) unrooted += 1;
    const rooted = docs.filter((d) => !waiting.includes(d) && !covered.ids.has(d.id));
    const rootedIntents = new Set(rooted.filter((d) => d.object === "payment_intent").map((d) => d.id));
    for (const d of rooted) {
      if (d.object === "charge" && rootedIntents.has(String(d.payment_intent))) continue;
      roots[KIND_OF_DOCUMENT[d.object] as JobKind].push(d.id);
    }
  }
  const waiting = [...waitingByType].map(([type, w]) => ({ type, count: w.count, until: w.until }));
  const list = (m: Map<string, number>) => [...m].map(([type, n]) => ({ type, count: n }));
  return {
    jobs: chunk(roots),
    waiting,
    documents,
    unrooted,
    retained: list(retained),
    keptWith: list(keptWith),
  };
}

/**
 * What existing jobs cover: every id they were given, a customer root's documents, a payment
 * intent root's charges.
 */
export function coveredBy(
  jobs: readonly { objects?: RedactionObjects }[],
  holdings: readonly Holding[],
): Covered {
  const ids = new Set<string>();
  for (const job of jobs)
    for (const kind of JOB_KINDS) for (const id of job.objects?.[kind] ?? []) ids.add(id);
  for (const holding of holdings) {
    const all = ids.has(holding.customer);
    for (const d of holding.documents) {
      if (all || (d.object === "charge" && ids.has(String(d.payment_intent)))) ids.add(d.id);
    }
  }
  return { ids };
}
