// Free text a caller passes (reason, hold reason, idempotency key) reaches the store, the append-
// only audit trail and the signed receipt: identifiers in it are removed before anything is
// recorded, and an idempotency key holding one is kept only as its keyed hash.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sqliteStore } from "../../src/store/sqlite-store.js";
import { EMAIL, settle, setup } from "./helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "gf-freetext-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const NAME = "Janet Q. Doolittle";
const PHONE = "+44 20 7946 0000";
const NEEDLES = [EMAIL, NAME, "+442079460000", "7946 0000", "cus_janet42", "other.person@example.test"];

describe("free text is scrubbed before it is recorded", () => {
  it("reason, hold reason and idempotency key keep no identifier anywhere in the store", async () => {
    const path = join(tmp, "free.db");
    const env = setup(["alpha"], { store: sqliteStore({ path }) });
    const subject = { email: EMAIL, phone: PHONE, name: NAME, ids: { alpha: "cus_janet42" } };
    const req = await env.fanout.erase(subject, {
      after: "1d",
      reason: `closed by ${NAME} (${EMAIL}, ${PHONE}) for cus_janet42; cc other.person@example.test`,
      idempotencyKey: `closure-${EMAIL}`,
    });
    await env.fanout.drain();
    await env.fanout.hold(req.id, `police asked about ${NAME} and +33 1 23 45 67 89`);
    const held = await env.fanout.status(req.id);
    expect(held.reason).toBe("closed by [redacted] ([redacted], [redacted]) for [redacted]; cc [redacted]");
    expect(held.hold).toBe("police asked about [redacted] and [redacted]");
    await env.fanout.release(req.id);
    expect(await settle(env, req.id)).toBe("completed");

    // The key still does its job, though only its hash is kept.
    const again = await env.fanout.erase(subject, { idempotencyKey: `closure-${EMAIL}` });
    expect(again).toMatchObject({ id: req.id, created: false });
    const record = await env.store.getRequest(req.id);
    expect(record?.idempotencyKey).toMatch(/^idk_[0-9a-f]{40}$/);

    const surfaces = [
      JSON.stringify(await env.fanout.receipt(req.id)),
      JSON.stringify(await env.fanout.audit(req.id)),
      JSON.stringify(await env.fanout.status(req.id)),
      JSON.stringify(env.events),
      JSON.stringify(env.logs),
    ];
    await env.fanout.close();
    for (const file of readdirSync(tmp).filter((f) => f.startsWith("free.db")))
      surfaces.push(readFileSync(join(tmp, file), "latin1"));
    for (const text of surfaces) for (const needle of NEEDLES) expect(text).not.toContain(needle);
  });

  it("distinct keys with identifiers stay distinct; a key without one is kept as given", async () => {
    const env = setup(["alpha"]);
    const a = await env.fanout.erase({ email: EMAIL }, { idempotencyKey: "close-a@example.test" });
    const b = await env.fanout.erase({ email: "b@example.test" }, { idempotencyKey: "close-b@example.test" });
    expect(a.id).not.toBe(b.id);
    expect(b.created).toBe(true);
    const plain = await env.fanout.erase({ email: "c@example.test" }, { idempotencyKey: "acct-42-closure" });
    expect((await env.store.getRequest(plain.id))?.idempotencyKey).toBe("acct-42-closure");
    const kept = await env.fanout.erase({ email: EMAIL }, { reason: "account-closed" });
    expect((await env.fanout.status(kept.id)).reason).toBe("account-closed");
  });
});
