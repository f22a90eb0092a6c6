/**
 * Checking the audit trail: one request's chain (`fanout.audit`), the whole store's numbering
 * (`fanout.verifyAuditTrail`), and the audit half of `fanout.verifyReceipt`. The chain itself (keyed
 * hashes, store numbers, the authenticated head) is built by the stores, see
 * `src/store/audit-chain.ts`; what it proves and what it cannot is in docs/security.md.
 */
import {
  auditEntryHash,
  GENESIS_HASH,
  headIsAuthentic,
  verifyAuditChainWithKey,
} from "../store/audit-chain.js";
import type { AuditEntry, RequestRecord, RequestState, SagaStore } from "../store/types.js";

/**
 * The entry that closes a finished request's chain. A finished request whose chain ends elsewhere
 * lost its newest entries.
 */
export const CLOSING_ENTRY: Readonly<Partial<Record<RequestState, readonly string[]>>> = {
  // A completed request's purge checks (after the providers' ETAs) append after its completion.
  completed: ["request.completed", "purge.verified", "purge.unverifiable"],
  withdrawn: ["request.withdrawn"],
};

/** What `fanout.audit(id)` returns. */
export interface RequestAuditCheck {
  readonly entries: AuditEntry[];
  /** The chain is complete, unbroken and authentic (keyed with this fanout's secret). */
  readonly valid: boolean;
  /** False when some entries are hashed without the key (plain SHA-256). */
  readonly keyed: boolean;
  /**
   * Why it is not valid: `missing` (a request without any entry), `broken` (an entry edited,
   * removed or reordered, or written without the key: see `brokenAt`), `unkeyed` (entries hashed
   * without the key: written before the chain was keyed, or rebuilt by someone without the
   * secret; either way they prove nothing), `truncated` (a finished request whose chain does not
   * end with its closing entry).
   */
  readonly problem?: "missing" | "broken" | "unkeyed" | "truncated";
  /** Index of the first bad entry, for `broken`. */
  readonly brokenAt?: number;
}

/** Checks one request's chain. */
export function checkRequestAudit(
  record: Pick<RequestRecord, "state">,
  entries: AuditEntry[],
  key: Uint8Array,
): RequestAuditCheck {
  if (entries.length === 0) return { entries, valid: false, keyed: true, problem: "missing" };
  const chain = verifyAuditChainWithKey(entries, key);
  if (!chain.valid)
    return { entries, valid: false, keyed: chain.keyed, problem: "broken", brokenAt: chain.brokenAt };
  // Plain SHA-256 can be recomputed by anyone who can write the database: such a chain proves
  // nothing against them, whether it predates the keyed chain or was rebuilt to look like it does.
  if (!chain.keyed) return { entries, valid: false, keyed: false, problem: "unkeyed" };
  const closing = CLOSING_ENTRY[record.state];
  if (closing && !closing.includes(entries.at(-1)!.type)) {
    return { entries, valid: false, keyed: chain.keyed, problem: "truncated" };
  }
  return { entries, valid: true, keyed: chain.keyed };
}

/**
 * The head of a request's chain: how many entries it has, the newest one's hash and store number.
 * What a closing record or a receipt signs to pin the chain as it stood.
 */
export async function requestAuditHead(
  store: SagaStore,
  requestId: string,
): Promise<{ entries: number; hash: string; storeSeq: number | null }> {
  const entries = await store.audit(requestId);
  const last = entries.at(-1);
  return { entries: entries.length, hash: last?.hash ?? GENESIS_HASH, storeSeq: last?.storeSeq ?? null };
}

/** One thing wrong with the store's trail. */
export interface AuditTrailProblem {
  /**
   * `missing`: store numbers `from`…`through` are absent (entries deleted, a whole request's chain
   * included); `broken`: the entry numbered `from` does not verify (edited, or written without
   * the key); `head`: the store's head is absent, forged or does not match the newest entry.
   */
  readonly kind: "missing" | "broken" | "head";
  readonly from?: number;
  readonly through?: number;
  readonly requestId?: string;
}

/** What `fanout.verifyAuditTrail()` returns. */
export interface AuditTrailCheck {
  readonly valid: boolean;
  /** Keyed entries checked. */
  readonly entries: number;
  /** The store number of the newest entry according to the authenticated head (`null`: none). */
  readonly head: number | null;
  /** What is wrong (at most 100 listed). */
  readonly problems: readonly AuditTrailProblem[];
}

const PAGE = 1000;

const fieldsOf = (e: AuditEntry) => ({
  requestId: e.requestId,
  storeSeq: e.storeSeq,
  at: e.at,
  type: e.type,
  data: e.data,
});
const MAX_PROBLEMS = 100;

/**
 * Walks the whole store's trail in store-number order (a page at a time: memory holds one page and
 * the newest hash of each request): every number from 1 to the head present, every entry
 * authentic and linked to its request's previous entry, the head authentic and matching.
 */
export async function verifyStoreAudit(store: SagaStore, key: Uint8Array): Promise<AuditTrailCheck> {
  const problems: AuditTrailProblem[] = [];
  const note = (p: AuditTrailProblem) => {
    if (problems.length < MAX_PROBLEMS) problems.push(p);
  };
  const lastOf = new Map<string, { seq: number; hash: string }>();
  let expected = 1;
  let count = 0;
  let newest: AuditEntry | undefined;
  for (let after = 0; ; ) {
    const page = await store.auditTrail(after, PAGE);
    for (const entry of page) {
      const storeSeq = entry.storeSeq ?? 0;
      if (storeSeq > expected) note({ kind: "missing", from: expected, through: storeSeq - 1 });
      const previous = lastOf.get(entry.requestId);
      // The first keyed entry of a request may follow unkeyed ones (not in the numbered trail): its
      // link to them is checked by the request's own chain check.
      const prevHash = previous?.hash ?? (entry.seq === 1 ? GENESIS_HASH : entry.prevHash);
      const seq = previous ? previous.seq + 1 : entry.seq;
      if (
        entry.prevHash !== prevHash ||
        entry.seq !== seq ||
        entry.hash !== auditEntryHash(key, prevHash, { ...fieldsOf(entry), seq })
      ) {
        note({ kind: "broken", from: storeSeq, requestId: entry.requestId });
      }
      lastOf.set(entry.requestId, { seq: entry.seq, hash: entry.hash });
      expected = storeSeq + 1;
      newest = entry;
      count++;
    }
    if (page.length < PAGE) break;
    after = page.at(-1)!.storeSeq ?? after;
  }
  const head = await store.auditHead();
  if (head && !headIsAuthentic(key, head)) note({ kind: "head" });
  else if (head && head.storeSeq >= expected)
    note({ kind: "missing", from: expected, through: head.storeSeq });
  else if (newest && (!head || head.storeSeq !== newest.storeSeq || head.hash !== newest.hash))
    note({ kind: "head" });
  return {
    valid: problems.length === 0,
    entries: count,
    head: head && headIsAuthentic(key, head) ? head.storeSeq : null,
    problems,
  };
}

/**
 * The audit half of receipt verification: `true` when the request's chain in `store` is intact
 * and its first `entries` entries end at the receipt's `head`; `false` when the chain is broken,
 * or gone from a store whose trail shows the hole; `undefined` when the store simply never held
 * the request (a receipt checked against another store).
 */
export async function receiptAuditValid(
  store: SagaStore,
  key: Uint8Array,
  receipt: { requestId: string; audit: { entries: number; head: string } },
): Promise<boolean | undefined> {
  const entries = await store.audit(receipt.requestId);
  const record = await store.getRequest(receipt.requestId);
  if (entries.length === 0) {
    if (record) return false;
    return (await verifyStoreAudit(store, key)).valid ? undefined : false;
  }
  const check = checkRequestAudit(record ?? { state: "completed" }, entries, key);
  return check.valid && entries[receipt.audit.entries - 1]?.hash === receipt.audit.head;
}
