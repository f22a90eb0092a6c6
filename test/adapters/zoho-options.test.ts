/**
 * Zoho adapter options and data centres, and the adapter inside the saga engine (on the
 * simulator's clock).
 */
import { describe, expect, it } from "vitest";
import { dataCenterUrls, zohoAdapter, zohoEndpoints } from "../../adapters/zoho/index.js";
import type { FanoutError } from "../../src/errors.js";
import { createFanout, memoryStore } from "../../src/index.js";
import { DAY, SUBJECT, zohoSetup } from "./zoho-helpers.js";

describe("zoho data centres and options", () => {
  it("picks the accounts server and API domain of each data centre", () => {
    expect(dataCenterUrls("com")).toEqual({
      accountsUrl: "https://accounts.zoho.com",
      apiDomain: "https://www.zohoapis.com",
    });
    expect(dataCenterUrls("eu").accountsUrl).toBe("https://accounts.zoho.eu");
    expect(dataCenterUrls("com.au").apiDomain).toBe("https://www.zohoapis.com.au");
    expect(dataCenterUrls("com.cn").accountsUrl).toBe("https://accounts.zoho.com.cn");
    expect(dataCenterUrls("ca")).toEqual({
      accountsUrl: "https://accounts.zohocloud.ca",
      apiDomain: "https://www.zohoapis.ca",
    });
    expect(zohoEndpoints({ dataCenter: "in" })).toEqual({
      accountsUrl: "https://accounts.zoho.in",
      apiDomain: undefined,
      fallbackApiDomain: "https://www.zohoapis.in",
    });
    expect(zohoEndpoints({ dataCenter: "eu", baseUrl: "http://127.0.0.1:9/" })).toMatchObject({
      accountsUrl: "http://127.0.0.1:9",
      apiDomain: "http://127.0.0.1:9",
    });
    expect(
      zohoEndpoints({
        dataCenter: "jp",
        accountsUrl: "https://accounts.zoho.jp",
        apiDomain: "https://x.test",
      }),
    ).toMatchObject({ accountsUrl: "https://accounts.zoho.jp", apiDomain: "https://x.test" });
  });

  it("validates options when the factory is called, naming the option", () => {
    const base = { clientId: "id", clientSecret: "secret-value", refreshToken: "refresh-value" };
    const missing = (() => {
      try {
        zohoAdapter({ ...base, clientSecret: undefined } as unknown as Parameters<typeof zohoAdapter>[0]);
      } catch (error) {
        return error as FanoutError;
      }
    })();
    expect(missing?.code).toBe("CONFIGURATION");
    expect(missing?.details).toMatchObject({ option: "clientSecret" });
    expect(() => zohoAdapter({ ...base, dataCenter: "mars" as "com" })).toThrow(/dataCenter/);
    expect(zohoAdapter(base).capabilities).toMatchObject({
      restrict: true,
      unrestrict: true,
      softDelete: true,
    });
  });
});

describe("zoho through the saga engine", () => {
  it("restricts, waits, purges; a withdrawn request gets its records back", async () => {
    const s = await zohoSetup();
    const other = { email: "john.roe@acme.test", name: "John Roe" };
    s.sim.seed(SUBJECT, { records: 2 });
    s.sim.seed(other, { records: 2 });
    const before = s.sim.oracle(other);
    const fanout = createFanout({
      adapters: [s.adapter],
      store: memoryStore(),
      secret: "test-secret-0123456789abcdef",
      now: s.now,
    });
    const erased = await fanout.erase({ email: SUBJECT.email }, { after: "2d", reason: "account-closed" });
    const withdrawn = await fanout.erase({ email: other.email }, { after: "2d", reason: "account-closed" });
    await fanout.drain();
    expect(s.sim.oracle(SUBJECT)).toMatchObject({ live: 0, restricted: 8 });
    expect(s.sim.oracle(other)).toMatchObject({ live: 0, trashed: before.live });

    await fanout.withdraw(withdrawn.id);
    await fanout.drain();
    expect(s.sim.oracle(other)).toEqual(before);

    s.advance(3 * DAY);
    await fanout.drain();
    const status = await fanout.status(erased.id);
    expect(status.state).toBe("completed");
    expect(status.branches[0]).toMatchObject({ adapter: "zoho", outcome: "erased" });
    expect(s.sim.oracle(SUBJECT)).toMatchObject({ live: 0, trashed: 0 });
    expect([...s.sim.destructiveApplications().values()].every((n) => n === 1)).toBe(true);
    expect(JSON.stringify(status)).not.toContain(SUBJECT.email);
  });
});
