/**
 * Receipts: signed proof of what was done for a request, with no personal data inside — the
 * subject appears only as its keyed fingerprint. The signature (HMAC-SHA256 with the fanout secret)
 * covers the canonical JSON of everything else, including the head of the audit chain, so editing
 * the receipt or the audit trail afterwards is detected.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { BranchOutcome, ProviderJob } from "../adapter.js";
import { canonicalJson } from "../store/audit-chain.js";
import type { RequestKind } from "../store/types.js";

/** What one adapter did. */
export interface ReceiptBranch {
  readonly adapter: string;
  /** The branch outcome; `exported` for an access request's branches. */
  readonly outcome: BranchOutcome | "exported";
  /** Provider records found. */
  readonly records: number;
  /** Provider records erased or handed to the provider's purge (exported, for an access request). */
  readonly deleted: number;
  readonly jobs: readonly ProviderJob[];
  /** For `scheduled`: when the provider purges. */
  readonly eta: string | null;
  readonly detail: string | null;
  readonly completedAt: string | null;
}

/** A signed receipt. */
export interface Receipt {
  readonly version: 1;
  readonly requestId: string;
  readonly kind: RequestKind;
  /** The subject's keyed fingerprint. */
  readonly subject: string;
  readonly reason: string | null;
  readonly createdAt: string;
  readonly dueAt: string;
  readonly pivotAt: string | null;
  readonly completedAt: string;
  readonly deadlineMet: boolean;
  readonly branches: readonly ReceiptBranch[];
  readonly audit: { readonly entries: number; readonly head: string };
  readonly signature: { readonly alg: "HMAC-SHA256"; readonly keyId: string; readonly value: string };
}

/** A receipt before signing. */
export type UnsignedReceipt = Omit<Receipt, "signature">;

/** A short, non-secret id of the signing key, so a verifier knows which key to use. */
export function keyId(secret: string | Uint8Array): string {
  return createHash("sha256").update("gdpr-fanout/key-id").update(secret).digest("hex").slice(0, 16);
}

/** Signs a receipt. */
export function signReceipt(receipt: UnsignedReceipt, secret: string | Uint8Array): Receipt {
  const value = createHmac("sha256", secret).update(canonicalJson(receipt)).digest("hex");
  return { ...receipt, signature: { alg: "HMAC-SHA256", keyId: keyId(secret), value } };
}

/** Result of {@link verifyReceipt}. */
export interface ReceiptVerification {
  readonly valid: boolean;
  /** Why it is not valid. */
  readonly reason?: "malformed" | "wrong-key" | "bad-signature";
}

/** Checks a receipt's signature with `secret`. Never throws. */
export function verifyReceipt(receipt: unknown, secret: string | Uint8Array): ReceiptVerification {
  if (typeof receipt !== "object" || receipt === null) return { valid: false, reason: "malformed" };
  const { signature, ...rest } = receipt as Partial<Receipt>;
  if (signature?.alg !== "HMAC-SHA256" || typeof signature.value !== "string") {
    return { valid: false, reason: "malformed" };
  }
  if (signature.keyId !== keyId(secret)) return { valid: false, reason: "wrong-key" };
  const expected = createHmac("sha256", secret).update(canonicalJson(rest)).digest();
  const given = Buffer.from(signature.value, "hex");
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { valid: false, reason: "bad-signature" };
  return { valid: true };
}
