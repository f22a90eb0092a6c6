// fanout.check()'s secret item, as `gdpr-fanout doctor` prints it: where the secret came from, how
// many previous secrets it tries, the public development secret as a warning, and how many of the
// newest open requests were sealed with a secret this fanout does not have.
import { afterEach, describe, expect, it } from "vitest";
import { createFanout, memoryStore } from "../../src/index.js";
import { FakeProvider } from "./fake-provider.js";

const OLD = "old-secret-0123456789abcdef";
const NEW = "new-secret-0123456789abcdef";
const saved = { ...process.env };

afterEach(() => {
  for (const key of ["GDPR_FANOUT_SECRET", "GDPR_FANOUT_PREVIOUS_SECRETS"]) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

const adapters = () => [new FakeProvider("alpha").adapter()];

describe("the secret's source and rotation, in words", () => {
  it("the secret option, alone and with one previous secret", async () => {
    delete process.env.GDPR_FANOUT_SECRET;
    const alone = createFanout({ adapters: adapters(), store: memoryStore(), secret: NEW });
    expect((await alone.check()).secret).toEqual({
      name: "secret",
      status: "ok",
      detail: "from the secret option; it opens the open requests",
    });
    const rotated = createFanout({
      adapters: adapters(),
      store: memoryStore(),
      secret: NEW,
      previousSecrets: [OLD],
    });
    expect((await rotated.check()).secret.detail).toBe(
      "from the secret option and 1 previous; it opens the open requests",
    );
  });

  it("GDPR_FANOUT_SECRET", async () => {
    process.env.GDPR_FANOUT_SECRET = NEW;
    delete process.env.GDPR_FANOUT_PREVIOUS_SECRETS;
    const fanout = createFanout({ adapters: adapters(), store: memoryStore() });
    expect((await fanout.check()).secret.detail).toBe("from GDPR_FANOUT_SECRET; it opens the open requests");
  });

  it("the public development secret is a warning, not a failure", async () => {
    delete process.env.GDPR_FANOUT_SECRET;
    delete process.env.GDPR_FANOUT_PREVIOUS_SECRETS;
    const fanout = createFanout({ adapters: adapters(), store: memoryStore() });
    const report = await fanout.check();
    expect(report.secret).toEqual({
      name: "secret",
      status: "warn",
      detail:
        "the public development secret (tests only): fingerprints and seals made with it are not private",
    });
    expect(report.ok).toBe(true);
  });
});

describe("open requests sealed with another secret", () => {
  it("counts the foreign ones among the open, and names the option to fix", async () => {
    const store = memoryStore();
    const before = createFanout({ adapters: adapters(), store, secret: OLD });
    await before.erase({ email: "old.one@acme.test" }, { after: "30d" });
    const now = createFanout({ adapters: adapters(), store, secret: NEW });
    await now.erase({ email: "new.one@acme.test" }, { after: "30d" });
    // Withdrawn, so neither open nor sealed any more: not among "the newest open requests".
    const gone = await now.erase({ email: "gone.one@acme.test" }, { after: "30d" });
    await now.withdraw(gone.id);
    await now.drain();
    const report = await now.check();
    expect(report.ok).toBe(false);
    expect(report.secret).toMatchObject({
      name: "secret",
      status: "fail",
      detail:
        "1 of the 2 newest open requests were sealed with a different secret than this fanout's (and its " +
        "previousSecrets): start it with the secret they were created with",
      error: { code: "CONFIGURATION", message: "the store was sealed with another secret" },
    });
    expect(JSON.stringify(report.secret.error)).toContain('"option":"secret"');
  });

  it("a withdrawn request is not open, and its seal is shredded: nothing of it counts", async () => {
    const store = memoryStore();
    const before = createFanout({ adapters: adapters(), store, secret: OLD });
    const req = await before.erase({ email: "old.one@acme.test" }, { after: "30d" });
    await before.withdraw(req.id);
    await before.drain();
    const row = await store.getRequest(req.id);
    expect([row?.state, row?.sealed]).toEqual(["withdrawn", null]);
    const now = createFanout({ adapters: adapters(), store, secret: NEW });
    expect((await now.check()).secret.status).toBe("ok");
  });
});
