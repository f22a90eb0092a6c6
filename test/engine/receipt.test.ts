// Receipts on their own: the signature covers every field (canonical JSON, key order irrelevant),
// the key id names the key without revealing it, and a check says why a receipt is not valid.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { keyId, signReceipt, type UnsignedReceipt, verifyReceipt } from "../../src/engine/receipt.js";

const SECRET = "receipt-secret-0123456789abcdef";
const unsigned: UnsignedReceipt = {
  version: 1,
  requestId: "req_1",
  kind: "erase",
  subject: "fp_abc",
  reason: null,
  createdAt: "2026-11-28T12:00:00.000Z",
  dueAt: "2026-12-28T12:00:00.000Z",
  pivotAt: "2026-11-28T12:00:00.000Z",
  completedAt: "2026-11-28T12:05:00.000Z",
  deadlineMet: true,
  branches: [
    {
      adapter: "alpha",
      outcome: "erased",
      records: 2,
      deleted: 2,
      jobs: [],
      eta: null,
      detail: null,
      completedAt: "2026-11-28T12:05:00.000Z",
    },
  ],
  audit: { entries: 7, head: "f".repeat(64) },
};

describe("receipts", () => {
  it("are signed with HMAC-SHA256 under a key id that is a hash of the key, not the key", () => {
    const receipt = signReceipt(unsigned, SECRET);
    expect(receipt.signature.alg).toBe("HMAC-SHA256");
    expect(receipt.signature.value).toMatch(/^[0-9a-f]{64}$/);
    expect(receipt.signature.keyId).toBe(keyId(SECRET));
    expect(keyId(SECRET)).toBe(
      createHash("sha256").update("gdpr-fanout/key-id").update(SECRET).digest("hex").slice(0, 16),
    );
    expect(keyId(SECRET)).not.toBe(keyId(`${SECRET}x`));
    expect(JSON.stringify(receipt)).not.toContain(SECRET);
  });

  it("verify with the key, whatever the order of their fields", () => {
    const receipt = signReceipt(unsigned, SECRET);
    expect(verifyReceipt(receipt, SECRET)).toEqual({ valid: true });
    const reordered = Object.fromEntries(Object.entries(receipt).reverse());
    expect(verifyReceipt(reordered, SECRET)).toEqual({ valid: true });
    expect(verifyReceipt(JSON.parse(JSON.stringify(receipt)), new TextEncoder().encode(SECRET))).toEqual({
      valid: true,
    });
  });

  it("say which check failed: malformed, wrong key, bad signature", () => {
    const receipt = signReceipt(unsigned, SECRET);
    expect(verifyReceipt(null, SECRET)).toEqual({ valid: false, reason: "malformed" });
    expect(verifyReceipt("receipt", SECRET)).toEqual({ valid: false, reason: "malformed" });
    expect(verifyReceipt({ ...receipt, signature: undefined }, SECRET)).toEqual({
      valid: false,
      reason: "malformed",
    });
    expect(verifyReceipt({ ...receipt, signature: { ...receipt.signature, alg: "none" } }, SECRET)).toEqual({
      valid: false,
      reason: "malformed",
    });
    expect(verifyReceipt({ ...receipt, signature: { ...receipt.signature, value: 7 } }, SECRET)).toEqual({
      valid: false,
      reason: "malformed",
    });
    expect(verifyReceipt(receipt, `${SECRET}-other`)).toEqual({ valid: false, reason: "wrong-key" });
    for (const edited of [
      { ...receipt, deadlineMet: false },
      { ...receipt, branches: [{ ...receipt.branches[0]!, outcome: "failed" }] },
      { ...receipt, audit: { ...receipt.audit, entries: 8 } },
      { ...receipt, signature: { ...receipt.signature, value: receipt.signature.value.slice(0, 62) } },
      { ...receipt, signature: { ...receipt.signature, value: `${"0".repeat(63)}1` } },
    ]) {
      expect(verifyReceipt(edited, SECRET)).toEqual({ valid: false, reason: "bad-signature" });
    }
  });
});
