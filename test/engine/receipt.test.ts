// Receipts on their own: the Ed25519 signature covers every field (canonical JSON, key order
// irrelevant), the key id names the key without revealing it, a check says why a receipt is not
// valid, and version 1 (HMAC) receipts still verify with the secret.
import { createHash, createHmac, generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  hmacKeyId,
  type Receipt,
  signReceipt,
  type UnsignedReceipt,
  verifyReceipt,
} from "../../src/engine/receipt.js";
import { deriveSigningKey, publicKeyPem } from "../../src/engine/signing-keys.js";
import { canonicalJson } from "../../src/store/audit-chain.js";

const SECRET = "receipt-secret-0123456789abcdef";
const KEY = deriveSigningKey(SECRET);
const publicKey = publicKeyPem(KEY.publicKey);

const unsigned: UnsignedReceipt = {
  version: 2,
  requestId: "req_1",
  kind: "erase",
  state: "completed",
  subject: "fp_abc",
  reason: null,
  receivedAt: "2026-11-27T09:00:00.000Z",
  createdAt: "2026-11-28T12:00:00.000Z",
  dueAt: "2026-12-27T23:59:59.999Z",
  deadline: {
    basis: "subject",
    period: "1 month",
    initialDueAt: "2026-12-27T23:59:59.999Z",
    extensions: [],
    expedited: null,
    overdueSince: null,
  },
  retention: { rules: [], kept: [], followUps: [], retentionOf: null },
  holds: [],
  restriction: null,
  pivotAt: "2026-11-28T12:00:00.000Z",
  answeredAt: "2026-11-28T12:05:00.000Z",
  completedAt: "2026-11-28T12:05:00.000Z",
  answeredInTime: true,
  deadlineMet: true,
  purge: { pending: false, dueBy: null, verifiedAt: null, notConfirmed: [], unverifiable: [] },
  issuedAt: "2026-11-28T12:05:00.000Z",
  branches: [
    {
      adapter: "alpha",
      outcome: "erased",
      reasonCode: null,
      records: 2,
      deleted: 2,
      restricted: 2,
      coverage: { searchedBy: ["email"], notSearched: [], types: ["record"] },
      residuals: [],
      jobs: [],
      eta: null,
      purge: null,
      compensation: null,
      detail: null,
      completedAt: "2026-11-28T12:05:00.000Z",
    },
  ],
  audit: { entries: 7, head: "f".repeat(64) },
};

describe("receipts", () => {
  it("are signed with Ed25519 under a key id that is a hash of the public key, never a secret", () => {
    const receipt = signReceipt(unsigned, KEY);
    expect(receipt.signature.alg).toBe("Ed25519");
    expect(Buffer.from(receipt.signature.value, "base64url")).toHaveLength(64);
    const raw = Buffer.from((KEY.publicKey.export({ format: "jwk" }) as { x: string }).x, "base64url");
    expect(receipt.signature.keyId).toBe(
      `ed25519:${createHash("sha256").update(raw).digest("hex").slice(0, 16)}`,
    );
    expect(deriveSigningKey(`${SECRET}x`).keyId).not.toBe(KEY.keyId);
    expect(deriveSigningKey(SECRET).keyId).toBe(KEY.keyId); // same secret, same key on every worker
    expect(JSON.stringify(receipt)).not.toContain(SECRET);
  });

  it("verify with the public key, whatever the order of their fields", () => {
    const receipt = signReceipt(unsigned, KEY);
    const ok = { valid: true, keyId: KEY.keyId };
    expect(verifyReceipt(receipt, { publicKey })).toEqual(ok);
    expect(verifyReceipt(Object.fromEntries(Object.entries(receipt).reverse()), { publicKey })).toEqual(ok);
    expect(verifyReceipt(JSON.stringify(receipt), { publicKey: KEY.publicKey })).toEqual(ok);
    expect(
      verifyReceipt(receipt, { publicKey: [generateKeyPairSync("ed25519").publicKey, publicKey] }),
    ).toEqual(ok);
  });

  it("say which check failed: malformed, ambiguous, wrong key, bad signature", () => {
    const receipt = signReceipt(unsigned, KEY);
    expect(verifyReceipt(null, { publicKey })).toEqual({ valid: false, reason: "malformed" });
    expect(verifyReceipt("receipt", { publicKey })).toEqual({ valid: false, reason: "ambiguous" });
    expect(verifyReceipt([receipt], { publicKey })).toEqual({ valid: false, reason: "malformed" });
    expect(verifyReceipt({ ...receipt, signature: undefined }, { publicKey })).toEqual({
      valid: false,
      reason: "malformed",
    });
    expect(
      verifyReceipt({ ...receipt, signature: { ...receipt.signature, alg: "none" } }, { publicKey }),
    ).toEqual({
      valid: false,
      reason: "malformed",
    });
    expect(
      verifyReceipt({ ...receipt, signature: { ...receipt.signature, value: 7 } }, { publicKey }),
    ).toEqual({
      valid: false,
      reason: "malformed",
    });
    const other = publicKeyPem(generateKeyPairSync("ed25519").publicKey);
    expect(verifyReceipt(receipt, { publicKey: other })).toMatchObject({ valid: false, reason: "wrong-key" });
    expect(verifyReceipt(receipt, {})).toMatchObject({ valid: false, reason: "wrong-key" });
    const sig = receipt.signature;
    for (const edited of [
      { ...receipt, deadlineMet: false },
      { ...receipt, branches: [{ ...receipt.branches[0]!, outcome: "failed" }] },
      { ...receipt, audit: { ...receipt.audit, entries: 8 } },
      { ...receipt, signature: { ...sig, value: sig.value.slice(0, 80) } },
      // One character of the signature changed (not its last: its low bits are padding in base64url).
      {
        ...receipt,
        signature: {
          ...sig,
          value: `${sig.value.slice(0, 40)}${sig.value[40] === "A" ? "B" : "A"}${sig.value.slice(41)}`,
        },
      },
    ]) {
      expect(verifyReceipt(edited, { publicKey })).toEqual({
        valid: false,
        reason: "bad-signature",
        keyId: KEY.keyId,
      });
    }
  });

  it("version 1 receipts (HMAC-SHA256) still verify with the secret, and only with it", () => {
    const { signature: _ignored, ...v2 } = signReceipt(unsigned, KEY);
    const v1 = { ...v2, version: 1 };
    const value = createHmac("sha256", SECRET).update(canonicalJson(v1)).digest("hex");
    const receipt = {
      ...v1,
      signature: { alg: "HMAC-SHA256", keyId: hmacKeyId(SECRET), value },
    } as unknown as Receipt;
    expect(hmacKeyId(SECRET)).toBe(
      createHash("sha256").update("gdpr-fanout/key-id").update(SECRET).digest("hex").slice(0, 16),
    );
    expect(verifyReceipt(receipt, SECRET)).toEqual({ valid: true, keyId: hmacKeyId(SECRET) });
    expect(verifyReceipt(receipt, { secret: new TextEncoder().encode(SECRET) }).valid).toBe(true);
    expect(verifyReceipt(receipt, `${SECRET}-other`)).toMatchObject({ valid: false, reason: "wrong-key" });
    expect(verifyReceipt({ ...receipt, deadlineMet: false }, SECRET)).toMatchObject({
      valid: false,
      reason: "bad-signature",
    });
    expect(verifyReceipt(receipt, { publicKey })).toMatchObject({ valid: false, reason: "wrong-key" });
  });
});
