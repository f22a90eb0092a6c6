/**
 * Receipts: signed proof of what was done for a request, with no personal data inside — the
 * subject appears only as its keyed fingerprint. Version 2 receipts are signed with Ed25519 (see
 * signing-keys.ts) over the canonical JSON of everything else, including the head of the audit
 * chain, so anyone holding the public key can check them and nobody without the private key can
 * make one. Version 1 receipts (HMAC-SHA256 with the fanout secret) still verify with the secret.
 *
 * A receipt states what was searched (coverage), what remains and why (residuals), and separates
 * when the request was *answered* from when the providers *purge*: `deadlineMet` is never `true`
 * while a provider's purge is still pending.
 */
import { createHash, createHmac, type KeyObject, sign, timingSafeEqual, verify } from "node:crypto";
import type { BranchOutcome, ProviderJob, Residual } from "../adapter.js";
import { canonicalJson } from "../store/audit-chain.js";
import type { RequestKind } from "../store/types.js";
import { AmbiguousJsonError, parseStrictJson } from "../strict-json.js";
import type { PurgeView } from "./branch-facts.js";
import type { CoverageView } from "./coverage.js";
import type { DeadlineView, HoldFacts, RestrictionRequestView, RetentionView } from "./legal-view.js";
import { type PublicKeyInput, publicKeyId, type SigningKey, toPublicKey } from "./signing-keys.js";

/** What one adapter did. */
export interface ReceiptBranch {
  readonly adapter: string;
  /**
   * The branch outcome; `exported` for an access request's branches, `withdrawn` for the closing
   * record of a withdrawal, `lifted` for a lifted restriction's.
   */
  readonly outcome: BranchOutcome | "exported" | "withdrawn" | "lifted";
  /** Why, as a code (e.g. `NO_USABLE_IDENTIFIER`: the branch could not search). */
  readonly reasonCode: string | null;
  /** Provider records found. */
  readonly records: number;
  /** Provider records erased or handed to the provider's purge (exported, for an access request). */
  readonly deleted: number;
  /** Records the restriction covered (0 when nothing was restricted). */
  readonly restricted: number;
  /** What was searched; `null` when the adapter did not report it. */
  readonly coverage: CoverageView | null;
  /** What remains at the provider, and why. */
  readonly residuals: readonly Residual[];
  readonly jobs: readonly ProviderJob[];
  /** For `scheduled`: when the provider purges. */
  readonly eta: string | null;
  /** For `scheduled`: the provider's purge, checked after its ETA. */
  readonly purge: PurgeView | null;
  /** For a withdrawn request: the undo of the restriction (`partial` when something stayed changed). */
  readonly compensation: null | {
    readonly state: "done" | "partial" | "not_reversible" | "failed";
    readonly notUndone: readonly Residual[];
  };
  readonly detail: string | null;
  readonly completedAt: string | null;
}

/** The providers' purges of a request's `scheduled` branches. */
export interface ReceiptPurge {
  /** A purge is still to be checked (its ETA has not passed or it was not checked yet). */
  readonly pending: boolean;
  /** The latest ETA among them. */
  readonly dueBy: string | null;
  /** When the last of them was verified (all verified), else `null`. */
  readonly verifiedAt: string | null;
  /** Adapters whose purge could not be confirmed after its ETA (data was still seen). */
  readonly notConfirmed: readonly string[];
  /** Adapters whose provider's purge cannot be observed through its API (nothing live was left). */
  readonly unverifiable: readonly string[];
}

/** A signed receipt (version 2). */
export interface Receipt {
  readonly version: 2;
  readonly requestId: string;
  readonly kind: RequestKind;
  /** `completed`; `withdrawn` or `lifted` for the closing record of a withdrawal or a lifted restriction. */
  readonly state: "completed" | "withdrawn" | "lifted";
  /** The subject's keyed fingerprint. */
  readonly subject: string;
  readonly reason: string | null;
  /**
   * When the subject's request was received (Art. 12(3) runs from here; it may be before
   * `createdAt`). `null` for the controller's own closure and for a retention follow-up.
   */
  readonly receivedAt: string | null;
  readonly createdAt: string;
  readonly dueAt: string;
  /** Where `dueAt` comes from, the extensions (with their reasons) and an expedition. */
  readonly deadline: DeadlineView;
  /** What was kept on a legal basis, why and until when, and the erasures scheduled for then. */
  readonly retention: RetentionView;
  /** Subject holds that kept (part of) the request before its pivot. */
  readonly holds: readonly HoldFacts[];
  /** A restriction request's restriction and lifting (Art. 18(3)); `null` for other kinds. */
  readonly restriction: RestrictionRequestView | null;
  readonly pivotAt: string | null;
  /** When every branch had its outcome: the request was answered. */
  readonly answeredAt: string;
  /** Same as `answeredAt` (kept for readers of version 1). */
  readonly completedAt: string;
  /** Answered by `dueAt`. */
  readonly answeredInTime: boolean;
  /**
   * Answered by `dueAt` *and* every provider purge verified by then. `null` while a purge is still
   * pending and the due date has not passed: not known yet, so not claimed.
   */
  readonly deadlineMet: boolean | null;
  readonly purge: ReceiptPurge;
  /** When this receipt was signed (a receipt is signed again when a purge is verified). */
  readonly issuedAt: string;
  readonly branches: readonly ReceiptBranch[];
  readonly audit: { readonly entries: number; readonly head: string };
  readonly signature: { readonly alg: "Ed25519"; readonly keyId: string; readonly value: string };
}

/** A receipt before signing. */
export type UnsignedReceipt = Omit<Receipt, "signature">;

/** Signs a receipt with Ed25519. */
export function signReceipt(receipt: UnsignedReceipt, key: SigningKey): Receipt {
  const value = sign(null, Buffer.from(canonicalJson(receipt)), key.privateKey).toString("base64url");
  return { ...receipt, signature: { alg: "Ed25519", keyId: key.keyId, value } };
}

/** Result of {@link verifyReceipt}. */
export interface ReceiptVerification {
  readonly valid: boolean;
  /**
   * Why it is not valid: `malformed` (not a receipt), `ambiguous` (JSON text with duplicate keys or
   * not canonical JSON), `wrong-key` (signed by a key not given), `bad-signature` (edited).
   */
  readonly reason?: "malformed" | "ambiguous" | "wrong-key" | "bad-signature";
  /** The key that signed it, when known. */
  readonly keyId?: string;
}

/** Keys to verify with: Ed25519 public key(s) for version 2, the secret for version 1 (HMAC). */
export interface VerifyKeys {
  readonly publicKey?: PublicKeyInput | readonly PublicKeyInput[];
  readonly secret?: string | Uint8Array;
}

/** The id of an HMAC key (version 1 receipts), so a verifier knows which secret to use. */
export function hmacKeyId(secret: string | Uint8Array): string {
  return createHash("sha256").update("gdpr-fanout/key-id").update(secret).digest("hex").slice(0, 16);
}

/**
 * Checks a receipt: an object, or its JSON text (refused when a key appears twice, so the text a
 * person reads is the text that was signed). Never throws. Usable without a store or a fanout:
 * `verifyReceipt(receipt, { publicKey })`. A string or bytes as second argument is a version 1
 * receipt's HMAC secret.
 */
export function verifyReceipt(input: unknown, keys: VerifyKeys | string | Uint8Array): ReceiptVerification {
  let receipt = input;
  if (typeof input === "string") {
    try {
      receipt = parseStrictJson(input);
    } catch (error) {
      return { valid: false, reason: error instanceof AmbiguousJsonError ? "ambiguous" : "malformed" };
    }
  }
  const k: VerifyKeys =
    typeof keys === "string" || keys instanceof Uint8Array ? { secret: keys } : (keys ?? {});
  if (typeof receipt !== "object" || receipt === null || Array.isArray(receipt)) {
    return { valid: false, reason: "malformed" };
  }
  const { signature, ...rest } = receipt as {
    signature?: { alg?: unknown; keyId?: unknown; value?: unknown };
  };
  if (!signature || typeof signature.value !== "string" || typeof signature.keyId !== "string") {
    return { valid: false, reason: "malformed" };
  }
  const keyId = signature.keyId;
  const message = Buffer.from(canonicalJson(rest));
  if (signature.alg === "Ed25519") {
    const given = k.publicKey === undefined ? [] : Array.isArray(k.publicKey) ? k.publicKey : [k.publicKey];
    const candidates = given.map(toPublicKey).filter((key): key is KeyObject => key !== null);
    const matching = candidates.filter((key) => publicKeyId(key) === keyId);
    if (matching.length === 0) return { valid: false, reason: "wrong-key", keyId };
    const bytes = Buffer.from(signature.value, "base64url");
    const ok = matching.some((key) => verify(null, message, key, bytes));
    return ok ? { valid: true, keyId } : { valid: false, reason: "bad-signature", keyId };
  }
  if (signature.alg === "HMAC-SHA256") {
    if (k.secret === undefined || keyId !== hmacKeyId(k.secret))
      return { valid: false, reason: "wrong-key", keyId };
    const expected = createHmac("sha256", k.secret).update(message).digest();
    const given = Buffer.from(signature.value, "hex");
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return { valid: false, reason: "bad-signature", keyId };
    return { valid: true, keyId };
  }
  return { valid: false, reason: "malformed" };
}
