// Truthful receipts (DESIGN §10.1): every signed outcome is backed by what was searched and what
// remains. Each case checks the effect in the fake provider's own state, not only the engine's words.
import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  createFanout,
  defineAdapter,
  type FanoutEvents,
  memoryStore,
  type Receipt,
  type Residual,
  verifyReceipt,
} from "../../src/index.js";
import { fakeClock } from "./fake-provider.js";
import { DAY, EMAIL, SECRET, settle, setup } from "./helpers.js";

const PHONE = "+442079460000";

describe("coverage: no not_found without a search", () => {
  it("a subject known only by phone gets manual_required NO_USABLE_IDENTIFIER from an email-only adapter, which is never called", async () => {
    const env = setup(["alpha"]);
    const req = await env.fanout.erase({ phone: PHONE });
    expect(await settle(env, req.id)).toBe("completed");
    const branch = (await env.fanout.status(req.id)).branches[0]!;
    expect(branch).toMatchObject({ outcome: "manual_required", reasonCode: "NO_USABLE_IDENTIFIER" });
    expect(branch.detail).toMatch(/only by an email or a alpha record id/);
    expect(branch.detail).not.toContain(PHONE.slice(1));
    expect(env.providers.alpha!.calls.map((c) => c.op)).toEqual([]); // nobody pretended to search
    expect(env.providers.alpha!.live(EMAIL)).toHaveLength(2); // and the data is still there
    const receipt = await env.fanout.receipt(req.id);
    expect(receipt.branches[0]).toMatchObject({
      outcome: "manual_required",
      reasonCode: "NO_USABLE_IDENTIFIER",
    });
    const completed = env.events.find(
      (e) => e.type === "branch.completed",
    ) as FanoutEvents["branch.completed"];
    expect(completed).toMatchObject({ outcome: "manual_required", reasonCode: "NO_USABLE_IDENTIFIER" });
  });

  it("a locate that reports it searched by nothing cannot claim not_found either", async () => {
    const env = setup(["alpha"]);
    // The fake lists "id" as a lookup but only ever searches by email: with ids alone it searches nothing.
    const req = await env.fanout.erase({ ids: { alpha: "r1" } });
    expect(await settle(env, req.id)).toBe("completed");
    const branch = (await env.fanout.status(req.id)).branches[0]!;
    expect(branch).toMatchObject({ outcome: "manual_required", reasonCode: "NO_USABLE_IDENTIFIER" });
    expect(branch.coverage).toEqual({ searchedBy: [], notSearched: ["id"], types: ["record"] });
  });

  it("status and the receipt say which identifiers the request gave but the adapter did not search", async () => {
    const env = setup(["alpha"]);
    const req = await env.fanout.erase({ email: EMAIL, phone: PHONE });
    expect(await settle(env, req.id)).toBe("completed");
    const branch = (await env.fanout.status(req.id)).branches[0]!;
    expect(branch.outcome).toBe("erased");
    expect(branch.coverage).toEqual({ searchedBy: ["email"], notSearched: ["phone"], types: ["record"] });
    expect((await env.fanout.receipt(req.id)).branches[0]!.coverage).toEqual(branch.coverage);
  });

  it("an adapter that does not report coverage is shown as such (null), never as complete", async () => {
    const clock = fakeClock();
    const fanout = createFanout({
      adapters: [
        defineAdapter({
          id: "quiet",
          locate: async () => ({ refs: [] }),
          export: async () => ({ records: [] }),
          delete: async () => ({ outcome: "erased", deleted: 0 }),
          status: async () => ({ state: "done", remaining: 0 }),
        }),
      ],
      store: memoryStore(),
      secret: SECRET,
      now: clock.now,
    });
    const req = await fanout.erase({ email: EMAIL });
    await fanout.drain();
    const branch = (await fanout.status(req.id)).branches[0]!;
    expect(branch).toMatchObject({ outcome: "not_found", coverage: null });
  });

  it("a malformed coverage is an adapter bug: the branch fails, nothing is claimed", async () => {
    const fanout = createFanout({
      adapters: [
        defineAdapter({
          id: "liar",
          locate: async () => ({ refs: [], coverage: { searchedBy: ["telepathy"], types: [] } }) as never,
          export: async () => ({ records: [] }),
          delete: async () => ({ outcome: "erased", deleted: 0 }),
          status: async () => ({ state: "done", remaining: 0 }),
        }),
      ],
      store: memoryStore(),
      secret: SECRET,
      now: fakeClock().now,
    });
    const req = await fanout.erase({ email: EMAIL });
    await fanout.drain();
    const s = await fanout.status(req.id);
    expect(s.state).toBe("needs_attention");
    expect(s.branches[0]!.outcome).toBe("failed");
  });
});

describe("restriction: shown only where one was applied", () => {
  it("an adapter without a restrict step says not_supported; one that restricted says how many", async () => {
    const env = setup(["alpha", "beta"], { adapterOptions: { beta: { restrict: false } } });
    const req = await env.fanout.erase({ email: EMAIL }, { after: "10d" });
    await env.fanout.drain();
    const s = await env.fanout.status(req.id);
    expect(s.state).toBe("waiting");
    const [alpha, beta] = s.branches;
    expect(alpha!.restriction).toMatchObject({ state: "applied", count: 2 });
    expect(beta!.restriction).toMatchObject({ state: "not_supported", count: 0 });
    expect([...env.providers.beta!.records.values()].every((r) => r.restrictedBy === null)).toBe(true);
    expect(await settle(env, req.id)).toBe("completed");
    const receipt = await env.fanout.receipt(req.id);
    expect(receipt.branches.map((b) => [b.adapter, b.restricted])).toEqual([
      ["alpha", 2],
      ["beta", 0],
    ]);
  });
});

/** A provider whose records and bin follow the test clock, for residuals, purges and renewals. */
function binProvider(options: {
  clock: ReturnType<typeof fakeClock>;
  /** The bin empties itself this long after a record entered it (Zoho: 60 days). */
  binLifetimeMs: number;
  declareLifetime: boolean;
}) {
  const records = new Map<string, { email: string; inBinSince: number | null; destroyed: boolean }>();
  records.set("r1", { email: EMAIL, inBinSince: null, destroyed: false });
  records.set("r2", { email: EMAIL, inBinSince: null, destroyed: false });
  const purge = () => {
    for (const r of records.values())
      if (r.inBinSince !== null && options.clock.now() - r.inBinSince >= options.binLifetimeMs)
        r.destroyed = true;
  };
  const adapter = defineAdapter({
    id: "bin",
    capabilities: {
      lookup: ["email"],
      ...(options.declareLifetime ? { restrictionExpiresAfter: options.binLifetimeMs } : {}),
    },
    async locate(subject) {
      purge();
      const refs = [...records].filter(([, r]) => r.email === subject.email && !r.destroyed);
      return {
        refs: refs.map(([id]) => ({ type: "record", id })),
        coverage: { searchedBy: ["email"], types: ["record"] },
      };
    },
    export: async () => ({ records: [] }),
    async restrict(refs) {
      purge();
      for (const ref of refs) {
        const r = records.get(ref.id);
        if (r && !r.destroyed && r.inBinSince === null) r.inBinSince = options.clock.now();
      }
      return { undo: { ids: refs.map((r) => r.id) }, restricted: refs.length };
    },
    async unrestrict(refs) {
      purge();
      for (const ref of refs) {
        const r = records.get(ref.id);
        if (r && !r.destroyed) r.inBinSince = null;
      }
    },
    async delete(refs) {
      purge();
      let deleted = 0;
      for (const ref of refs) {
        const r = records.get(ref.id);
        if (r && !r.destroyed) {
          r.destroyed = true;
          deleted++;
        }
      }
      return { outcome: "erased", deleted };
    },
    async status() {
      return { state: "done", remaining: 0 };
    },
  });
  return { adapter, records, purge };
}

describe("restrictions with a lifetime are renewed before they destroy anything", () => {
  for (const [label, wait] of [
    ["a 120-day retention window", { after: "120d" }],
    ["a 365-day legal hold", { hold: 365 }],
  ] as const) {
    it(`keeps the data intact through ${label}`, async () => {
      const clock = fakeClock();
      const bin = binProvider({ clock, binLifetimeMs: 60 * DAY, declareLifetime: true });
      const store = memoryStore();
      const fanout = createFanout({ adapters: [bin.adapter], store, secret: SECRET, now: clock.now });
      const req = await fanout.erase({ email: EMAIL }, "after" in wait ? { after: wait.after } : {});
      if ("hold" in wait) await fanout.hold(req.id, "police request 2026-118");
      const days = "after" in wait ? 120 : wait.hold;
      // Walk day by day: the worker wakes whenever a renewal is due; the bin purges on the same clock.
      for (let day = 0; day < days; day++) {
        await fanout.drain();
        bin.purge();
        expect(
          [...bin.records.values()].filter((r) => r.destroyed),
          `day ${day}`,
        ).toHaveLength(0);
        clock.advance(DAY);
      }
      const s = await fanout.status(req.id);
      expect(s.branches[0]!.restriction.renewals).toBeGreaterThanOrEqual(Math.floor(days / 60));
      expect(s.branches[0]!.restriction.state).toBe("applied");
      if ("hold" in wait) await fanout.release(req.id);
      for (let i = 0; i < 5 && (await fanout.status(req.id)).state !== "completed"; i++) {
        await fanout.drain();
        clock.advance(DAY);
      }
      const done = await fanout.status(req.id);
      expect(done.state).toBe("completed");
      // Erased by the library at the pivot, not by the bin during the wait.
      expect(done.branches[0]).toMatchObject({ outcome: "erased" });
      expect((await fanout.receipt(req.id)).branches[0]!.deleted).toBe(2);
    });
  }

  it("without the declaration the bin destroys the data during the wait (what the renewal prevents)", async () => {
    const clock = fakeClock();
    const bin = binProvider({ clock, binLifetimeMs: 60 * DAY, declareLifetime: false });
    const fanout = createFanout({
      adapters: [bin.adapter],
      store: memoryStore(),
      secret: SECRET,
      now: clock.now,
    });
    await fanout.erase({ email: EMAIL }, { after: "120d" });
    await fanout.drain();
    clock.advance(119 * DAY);
    bin.purge();
    expect([...bin.records.values()].every((r) => r.destroyed)).toBe(true);
  });

  it("refuses a lifetime on an adapter that cannot undo its restriction", () => {
    expect(() =>
      defineAdapter({
        id: "oneway",
        capabilities: { restrictionExpiresAfter: "60d", unrestrict: false },
        locate: async () => ({ refs: [] }),
        export: async () => ({ records: [] }),
        restrict: async () => ({ undo: null, restricted: 0 }),
        delete: async () => ({ outcome: "erased", deleted: 0 }),
        status: async () => ({ state: "done", remaining: 0 }),
      }),
    ).toThrow(/restrictionExpiresAfter/);
  });
});

/** An adapter whose delete hands records to a purge with an ETA, and whose status tells the truth after it. */
function scheduledAdapter(clock: ReturnType<typeof fakeClock>, purgeKept: { value: boolean }) {
  const etaDays = 30;
  let deletedAt = 0;
  const residual: Residual = {
    type: "record",
    count: 2,
    reason: "restorable",
    detail: "2 records in the provider's trash until it is emptied",
  };
  return defineAdapter({
    id: "trash",
    capabilities: { lookup: ["email"], softDelete: true },
    locate: async () => ({
      refs: [
        { type: "record", id: "t1" },
        { type: "record", id: "t2" },
      ],
      coverage: { searchedBy: ["email"], types: ["record"] },
    }),
    export: async () => ({ records: [] }),
    async delete() {
      deletedAt = clock.now();
      const eta = new Date(deletedAt + etaDays * DAY).toISOString();
      return { outcome: "scheduled", deleted: 2, eta, residual: [{ ...residual, until: eta }] };
    },
    async status() {
      const eta = new Date(deletedAt + etaDays * DAY).toISOString();
      const past = clock.now() >= deletedAt + etaDays * DAY;
      if (past && purgeKept.value) return { state: "done", remaining: 0 };
      // Past the ETA with the promise broken: the records are live again (restored from the trash).
      if (past) return { state: "remaining", remaining: 2 };
      return { state: "scheduled", remaining: 0, eta, residual: [{ ...residual, until: eta }] };
    },
  });
}

describe("scheduled purges are checked after their ETA", () => {
  it("answered now, deadline not claimed while the purge is pending; verified after the ETA, receipt signed again", async () => {
    const clock = fakeClock();
    const kept = { value: true };
    const store = memoryStore();
    const fanout = createFanout({
      adapters: [scheduledAdapter(clock, kept)],
      store,
      secret: SECRET,
      now: clock.now,
      deadline: "60d",
    });
    const events: string[] = [];
    fanout.on("*", (e) => events.push(e.type));
    const req = await fanout.erase({ email: EMAIL });
    await fanout.drain();
    const first = await fanout.receipt(req.id);
    expect(first.branches[0]).toMatchObject({ outcome: "scheduled", purge: { state: "pending" } });
    expect(first.branches[0]!.residuals).toEqual([
      expect.objectContaining({ reason: "restorable", count: 2 }),
    ]);
    expect(first.deadlineMet).toBeNull();
    expect(first.answeredInTime).toBe(true);
    expect(first.purge).toMatchObject({ pending: true, verifiedAt: null });
    const record = await store.getRequest(req.id);
    expect(record?.sealed).toBeNull(); // shredded at completion: the check needs only record ids
    expect(record?.wakeAt).toBe(clock.now() + 31 * DAY);

    clock.advance(31 * DAY);
    await fanout.drain();
    const second = await fanout.receipt(req.id);
    expect(second.branches[0]!.purge).toMatchObject({ state: "verified" });
    expect(second.purge.verifiedAt).toBe(new Date(clock.now()).toISOString());
    expect(second.deadlineMet).toBe(true); // verified on day 31 of 60
    expect(second.branches[0]!.residuals).toEqual([]); // the trash is gone
    expect(verifyReceipt(second, { publicKey: fanout.publicKey() }).valid).toBe(true);
    expect((await fanout.verifyReceipt(second)).auditValid).toBe(true);
    expect(events).toContain("purge.verified");
    expect((await store.getRequest(req.id))?.wakeAt).toBeNull();
  });

  it("a purge past the due date makes the deadline missed, never met", async () => {
    const clock = fakeClock();
    const fanout = createFanout({
      adapters: [scheduledAdapter(clock, { value: true })],
      store: memoryStore(),
      secret: SECRET,
      now: clock.now,
      deadline: "14d",
    });
    const req = await fanout.erase({ email: EMAIL });
    await fanout.drain();
    expect((await fanout.receipt(req.id)).deadlineMet).toBeNull();
    clock.advance(31 * DAY);
    await fanout.drain();
    const receipt = await fanout.receipt(req.id);
    expect(receipt.answeredInTime).toBe(true);
    expect(receipt.deadlineMet).toBe(false);
  });

  it("data still there after the ETA: PURGE_NOT_CONFIRMED, and retry() checks again", async () => {
    const clock = fakeClock();
    const kept = { value: false };
    const fanout = createFanout({
      adapters: [scheduledAdapter(clock, kept)],
      store: memoryStore(),
      secret: SECRET,
      now: clock.now,
    });
    const req = await fanout.erase({ email: EMAIL });
    await fanout.drain();
    clock.advance(31 * DAY);
    await fanout.drain();
    const s = await fanout.status(req.id);
    expect(s.state).toBe("needs_attention");
    expect(s.attention?.code).toBe("PURGE_NOT_CONFIRMED");
    expect(s.branches[0]!.purge?.state).toBe("not_confirmed");
    const receipt = await fanout.receipt(req.id);
    expect(receipt.deadlineMet).toBe(false);
    expect(receipt.purge.notConfirmed).toEqual(["trash"]);
    kept.value = true;
    await fanout.retry(req.id);
    await fanout.drain();
    const after = await fanout.status(req.id);
    expect(after.state).toBe("completed");
    expect(after.branches[0]!.purge?.state).toBe("verified");
  });
});

describe("a purge the adapter cannot observe", () => {
  it("is unverifiable, never verified, and no deadline is claimed for it", async () => {
    const clock = fakeClock();
    const eta = new Date(clock.now() + 30 * DAY).toISOString();
    const fanout = createFanout({
      adapters: [
        defineAdapter({
          id: "blind",
          capabilities: { lookup: ["email"] },
          locate: async () => ({
            refs: [{ type: "record", id: "b1" }],
            coverage: { searchedBy: ["email"], types: ["record"] },
          }),
          export: async () => ({ records: [] }),
          delete: async () => ({ outcome: "scheduled", deleted: 1, eta }),
          // Nothing live; the provider's trash is not visible through its API, before or after the ETA.
          status: async () => ({ state: "scheduled", remaining: 0, eta }),
        }),
      ],
      store: memoryStore(),
      secret: SECRET,
      now: clock.now,
      deadline: "60d",
    });
    const events: string[] = [];
    fanout.on("*", (e) => events.push(e.type));
    const req = await fanout.erase({ email: EMAIL });
    await fanout.drain();
    clock.advance(31 * DAY);
    await fanout.drain();
    const s = await fanout.status(req.id);
    expect(s.state).toBe("completed");
    expect(s.branches[0]!.purge?.state).toBe("unverifiable");
    const receipt = await fanout.receipt(req.id);
    expect(receipt.purge).toMatchObject({ pending: false, verifiedAt: null, unverifiable: ["blind"] });
    expect(receipt.deadlineMet).toBeNull();
    expect(events).toContain("purge.unverifiable");
  });
});

describe("honest compensation", () => {
  it("an unrestrict that could not undo everything is partial in status, events and the closing record", async () => {
    const clock = fakeClock();
    const ended: Residual = {
      type: "subscription",
      count: 1,
      reason: "not_covered",
      detail: "1 subscription ended during the wait and cannot be restored",
    };
    const fanout = createFanout({
      adapters: [
        defineAdapter({
          id: "billing",
          capabilities: { lookup: ["email"] },
          locate: async () => ({
            refs: [{ type: "subscription", id: "sub_1" }],
            coverage: { searchedBy: ["email"], types: ["subscription"] },
          }),
          export: async () => ({ records: [] }),
          restrict: async () => ({ undo: { ids: ["sub_1"] }, restricted: 1 }),
          unrestrict: async () => ({ notUndone: [ended] }),
          delete: async () => ({ outcome: "erased", deleted: 1 }),
          status: async () => ({ state: "done", remaining: 0 }),
        }),
      ],
      store: memoryStore(),
      secret: SECRET,
      now: clock.now,
    });
    const events: { type: string; partial?: boolean }[] = [];
    fanout.on("compensation.completed", (e) => events.push(e));
    const req = await fanout.erase({ email: EMAIL }, { after: "90d" });
    await fanout.drain();
    await fanout.withdraw(req.id);
    await fanout.drain();
    const s = await fanout.status(req.id);
    expect(s.state).toBe("withdrawn");
    expect(s.branches[0]!.compensation).toMatchObject({ state: "partial", notUndone: [ended] });
    expect(s.branches[0]!.restriction.state).toBe("lifted");
    expect(events).toEqual([expect.objectContaining({ partial: true })]);
    const closing = await fanout.receipt(req.id);
    expect(closing.state).toBe("withdrawn");
    expect(closing.branches[0]!.compensation).toEqual({ state: "partial", notUndone: [ended] });
    expect((await fanout.verifyReceipt(closing)).valid).toBe(true);
  });
});

describe("Ed25519 receipts", () => {
  async function completedReceipt(
    options: Parameters<typeof createFanout>[0] extends infer O ? Partial<O> : never = {},
  ) {
    const env = setup(["alpha"], options);
    const req = await env.fanout.erase({ email: EMAIL });
    await settle(env, req.id);
    return { env, receipt: await env.fanout.receipt(req.id) };
  }

  it("verifies with the public key alone, without a store or a secret; an edit or another key is refused", async () => {
    const { env, receipt } = await completedReceipt();
    const publicKey = env.fanout.publicKey();
    expect(receipt.signature.alg).toBe("Ed25519");
    expect(verifyReceipt(receipt, { publicKey })).toEqual({ valid: true, keyId: receipt.signature.keyId });
    expect(verifyReceipt(JSON.stringify(receipt), { publicKey }).valid).toBe(true);
    const edited: Receipt = { ...receipt, deadlineMet: false };
    expect(verifyReceipt(edited, { publicKey })).toMatchObject({ valid: false, reason: "bad-signature" });
    const other = generateKeyPairSync("ed25519").publicKey;
    expect(verifyReceipt(receipt, { publicKey: other })).toMatchObject({ valid: false, reason: "wrong-key" });
    // The holder of the secret alone cannot forge a version 2 receipt by HMAC.
    expect(verifyReceipt(receipt, SECRET)).toMatchObject({ valid: false, reason: "wrong-key" });
  });

  it("refuses JSON text with a duplicated key, whichever value a parser would keep", async () => {
    const { env, receipt } = await completedReceipt();
    const text = JSON.stringify(receipt);
    const doubled = `{"deadlineMet":false,${text.slice(1)}`;
    expect(JSON.parse(doubled).deadlineMet).toBe(true); // what a lenient verifier would check
    expect(verifyReceipt(doubled, { publicKey: env.fanout.publicKey() })).toEqual({
      valid: false,
      reason: "ambiguous",
    });
  });

  it("a given signingKey signs; after a rotation, verificationKeys keep old receipts valid", async () => {
    const old = generateKeyPairSync("ed25519");
    const oldPem = old.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const { receipt } = await completedReceipt({ signingKey: oldPem });
    const rotated = setup(["alpha"], {
      signingKey: generateKeyPairSync("ed25519").privateKey,
      verificationKeys: [old.publicKey],
    });
    expect((await rotated.fanout.verifyReceipt(receipt)).valid).toBe(true);
    const forgetful = setup(["alpha"], {
      signingKey: createPrivateKey(
        generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }),
      ),
    });
    expect(await forgetful.fanout.verifyReceipt(receipt)).toMatchObject({
      valid: false,
      reason: "wrong-key",
    });
  });

  it("refuses a signing key that is not Ed25519 at createFanout", () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey;
    expect(() => setup(["alpha"], { signingKey: rsa })).toThrow(/Ed25519/);
  });
});

describe("repeated delete rounds", () => {
  it("use fresh provider idempotency keys, so a delete that did not take is really sent again", async () => {
    const clock = fakeClock();
    const keys: string[] = [];
    const previous: unknown[] = [];
    let live = 1;
    const fanout = createFanout({
      adapters: [
        defineAdapter({
          id: "sticky",
          capabilities: { lookup: ["email"] },
          locate: async () => ({
            refs: [{ type: "record", id: "s1" }],
            coverage: { searchedBy: ["email"], types: ["record"] },
          }),
          export: async () => ({ records: [] }),
          async delete(_refs, ctx) {
            keys.push(ctx.idempotencyKey("delete", "s1"));
            previous.push(ctx.previousDeletion);
            // Like a provider replaying a cached answer: the first key never deletes anything.
            if (keys.length > 1 && keys.at(-1) !== keys[0]) live = 0;
            return { outcome: "erased", deleted: 1, state: { round: keys.length } };
          },
          status: async () =>
            live === 0 ? { state: "done", remaining: 0 } : { state: "remaining", remaining: live },
        }),
      ],
      store: memoryStore(),
      secret: SECRET,
      now: clock.now,
      pollInterval: 1,
    });
    const req = await fanout.erase({ email: EMAIL });
    for (let i = 0; i < 10 && (await fanout.status(req.id)).state !== "completed"; i++) {
      await fanout.drain();
      clock.advance(1000);
    }
    expect((await fanout.status(req.id)).branches[0]!.outcome).toBe("erased");
    expect(live).toBe(0);
    expect(new Set(keys).size).toBe(keys.length);
    expect(previous[0]).toBeUndefined();
    expect(previous[1]).toMatchObject({ state: { round: 1 } });
  });
});
