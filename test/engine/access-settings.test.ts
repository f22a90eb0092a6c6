// createFanout({ controller, purposes, recipients }) and export(…, { language }): checked at the
// call (a typed error naming the option, nothing recorded), and carried into the package.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createFanout, memoryStore } from "../../src/index.js";
import { FakeProvider } from "./fake-provider.js";
import { EMAIL, SECRET, setup } from "./helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "access-settings-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function make(extra: Record<string, unknown>) {
  return () =>
    createFanout({
      adapters: [new FakeProvider("alpha").adapter()],
      store: memoryStore(),
      secret: SECRET,
      ...extra,
    });
}

describe("access package settings", () => {
  it.each([
    [{ controller: { name: "" } }, "controller.name"],
    [{ controller: { name: "Acme", phone: "x" } }, "controller.phone"],
    [{ controller: { contact: "a\u0000b" } }, "controller.contact"],
    [{ controller: { retention: { nl: "90 dagen" } } }, "controller.retention.en"],
    [{ controller: { source: { en: "x", fr: "y" } } }, "controller.source.fr"],
    [{ controller: "Acme" }, "controller"],
    [{ purposes: { beta: "Billing" } }, "purposes.beta"],
    [{ purposes: { alpha: 42 } }, "purposes.alpha"],
    [{ recipients: { name: "x" } }, "recipients"],
    [{ recipients: [{ adapter: "alpha" }] }, "recipients[0].name"],
    [{ recipients: [{ name: "Stripe", country: "Ireland" }] }, "recipients[0].country"],
    [{ recipients: [{ name: "Stripe", adapter: "stripe" }] }, "recipients[0].adapter"],
    [{ recipients: [{ name: "Stripe", safeguards: "" }] }, "recipients[0].safeguards"],
  ])("rejects %j naming %s", (options, option) => {
    expect(make(options)).toThrow(expect.objectContaining({ code: "CONFIGURATION", details: { option } }));
  });

  it("accepts complete settings in any of the three languages", () => {
    expect(
      make({
        controller: {
          name: "Acme Ltd",
          contact: "privacy@acme.test",
          dpo: "dpo@acme.test",
          authority: { en: "ICO", nl: "AP", de: "BfDI" },
          retention: "90 days\nafter closure",
          source: { en: "From you" },
          automatedDecisions: "None",
        },
        purposes: { alpha: "CRM", "*": { en: "Running the service", de: "Betrieb des Dienstes" } },
        recipients: [
          { name: "Alpha Inc.", adapter: "alpha", country: "us", safeguards: "SCCs", purpose: "CRM" },
        ],
      }),
    ).not.toThrow();
  });

  it("rejects an unknown language at the call and records nothing", async () => {
    const env = setup(["alpha"]);
    await expect(
      env.fanout.export({ email: EMAIL }, { to: join(tmp, "x"), language: "fr" as never }),
    ).rejects.toMatchObject({ code: "INVALID_ARGUMENT", details: { argument: "language" } });
    expect((await env.fanout.list()).items).toEqual([]);
  });

  it("keeps the language with the request and writes the package in it", async () => {
    const env = setup(["alpha", "beta"], {
      controller: { name: "Acme Ltd" },
      purposes: { "*": { en: "Running the service", nl: "Het leveren van de dienst" } },
    });
    const to = join(tmp, "nl");
    const result = await env.fanout.export({ email: EMAIL }, { to, language: "nl" });
    expect(result.state).toBe("completed");
    expect((await env.store.getRequest(result.id))?.doc.language).toBe("nl");
    const html = readFileSync(join(to, "index.html"), "utf8");
    expect(html).toContain('<html lang="nl">');
    expect(html).toContain("<title>Uw persoonsgegevens bij Acme Ltd</title>");
    expect(html).toContain("Het leveren van de dienst");
    expect(html).toContain(`data-option="controller.contact"`); // not filled in: a visible placeholder
    expect(html).not.toContain(EMAIL.toUpperCase()); // sanity: the page holds the data, not altered ids
    // The prepared date comes from the engine's clock, not the machine's.
    expect(html).toContain(
      new Intl.DateTimeFormat("nl-NL", { dateStyle: "medium", timeZone: "UTC" }).format(env.clock.now()),
    );
  });
});
