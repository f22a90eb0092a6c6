// The access package's index.html: records readable with the adapter's labels, long lists
// collapsed, attachments linked, the Art. 15(1) information with placeholders, everything escaped.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { SubprocessorAdapter } from "../../src/adapter.js";
import { resolveAccessSettings } from "../../src/engine/access/settings.js";
import { renderAccessIndex } from "../../src/engine/access-index.js";
import { type AdapterPresentation, FIELD } from "../../src/presentation.js";

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const info = {
  requestId: "req_1",
  subject: "sub_0123",
  createdAt: "2026-11-28T10:00:00.000Z",
  completedAt: "2026-11-28T10:00:05.000Z",
  adapters: {
    crm: { records: 2, files: 1, status: "exported" as const },
    billing: { records: 13, files: 0, status: "failed" as const },
    mail: {
      records: 0,
      files: 0,
      status: "not_searched" as const,
      coverage: { searchedBy: [], notSearched: [], types: ["message"] },
    },
  },
};

const billingPresentation: AdapterPresentation = {
  name: "Billing & Co",
  types: {
    invoice: {
      category: "billing",
      label: { en: "Invoices", nl: "Facturen", de: "Rechnungen" },
      title: "number",
      date: "created",
      fields: {
        total: { label: FIELD.total, format: "money", currency: "currency" },
        paid: { label: { en: "Paid", nl: "Betaald", de: "Bezahlt" }, format: "boolean" },
        seconds: { label: FIELD.duration, format: "duration" },
        note: { label: FIELD.note, format: "html" },
        emails: { label: FIELD.email, format: "list", item: "value" },
      },
    },
  },
  retention: { en: "Billing & Co keeps invoices for 7 years.", nl: "7 jaar.", de: "7 Jahre." },
};

const adapters = new Map([
  ["billing", { id: "billing", presentation: billingPresentation } as SubprocessorAdapter],
]);

function writePackage(): string {
  const d = mkdtempSync(join(tmpdir(), "access-index-"));
  writeFileSync(
    join(d, "crm.json"),
    JSON.stringify({
      adapter: "crm",
      records: [
        {
          type: "contact",
          id: "c<1>",
          data: {
            name: "Jane <script>alert(1)</script>",
            address: { city: "Dublin" },
            tags: ["a&b"],
            x: null,
            created_at: 1700020632,
          },
        },
        { type: "call_note", id: "n100", data: { body: `"><img src=x onerror=alert(1)>` } },
      ],
      files: ["crm/files/call recording #1.mp3", "crm/files/note-n100-recording.mp3"],
    }),
  );
  mkdirSync(join(d, "crm", "files"), { recursive: true });
  writeFileSync(join(d, "crm", "files", "note-n100-recording.mp3"), "12345");
  const invoices = Array.from({ length: 13 }, (_, i) => ({
    type: "invoice",
    id: `in_${i}`,
    data: {
      number: `INV-${i}`,
      created: 1700000000 + i * 86_400,
      total: 1999,
      currency: "eur",
      paid: true,
      seconds: 75,
      note: "<p>Thanks &amp; bye</p>",
      emails: [{ value: "a@x.test" }, { value: "b@x.test" }],
      internal_code: "abc",
    },
  }));
  writeFileSync(
    join(d, "billing.json"),
    JSON.stringify({ adapter: "billing", records: invoices, files: [] }),
  );
  return d;
}

describe("renderAccessIndex", () => {
  it("shows each service's records readably, everything escaped, nothing fetched", async () => {
    dir = writePackage();
    const html = await renderAccessIndex(dir, info, { adapters });
    expect(html).toContain('<h2 id="svc-crm-h">crm</h2>'); // no presentation: the adapter id
    expect(html).toContain('<h2 id="svc-billing-h">Billing &amp; Co</h2>');
    expect(html).toContain("<h4>Contact</h4>"); // record types made words without a presentation
    expect(html).toContain("<h4>Call note</h4>");
    expect(html).toContain("Jane &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
    expect(html).toContain("<dt>Address › City</dt><dd>Dublin</dd>");
    expect(html).toContain("<dt>Created at</dt><dd>15 Nov 2023, 03:57</dd>"); // epoch seconds by its name
    expect(html).not.toMatch(/<script|<img/);
    expect(html).toContain("could not read this service"); // billing: failed
    expect(html).toContain("We did not look you up in this service"); // mail: no usable identifier
    expect(html).not.toMatch(/svc-mail[\s\S]*We found nothing about you in this service/);
    expect(html).toContain("Content-Security-Policy");
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it("uses the adapter's labels and formats, collapses long lists and links attachments", async () => {
    dir = writePackage();
    const html = await renderAccessIndex(dir, info, { adapters });
    expect(html).toMatch(
      /<details class="group" data-type="invoice"><summary><h4>Invoices<\/h4><span class="count">13<\/span>/,
    );
    expect(html).toMatch(/<details class="group" open data-type="contact">/);
    expect(html).toContain("<dt>Total</dt><dd>€19.99</dd>");
    expect(html).toContain("<dt>Paid</dt><dd>yes</dd>");
    expect(html).toContain("<dt>Duration</dt><dd>1 min 15 s</dd>");
    expect(html).toContain("<dt>Note</dt><dd>Thanks &amp; bye</dd>");
    expect(html).toContain("<dt>Email</dt><dd>a@x.test, b@x.test</dd>");
    expect(html).toContain("<dt>Internal code</dt><dd>abc</dd>"); // unlabelled: under "other fields"
    expect(html).toContain(
      '<span class="title">INV-12 <span class="muted">· €19.99 · 1 min 15 s</span></span>',
    ); // newest first
    // A file named after a record is linked from it; every file is listed with its size.
    expect(html).toMatch(/Attachment: <a class="file" href="crm\/files\/note-n100-recording\.mp3">/);
    expect(html).toContain('href="crm/files/call%20recording%20%231.mp3"');
    expect(html).toContain("5 B");
  });

  it("states the Art. 15(1) information, with a visible placeholder for what is not configured", async () => {
    dir = writePackage();
    const bare = await renderAccessIndex(dir, info, { adapters });
    for (const option of [
      "controller.name",
      "controller.contact",
      "controller.dpo",
      "purposes.crm",
      "purposes.mail",
      "recipients",
      "controller.retention",
      "controller.source",
      "controller.automatedDecisions",
    ])
      expect(bare).toContain(`data-option="${option}"`);
    const settings = resolveAccessSettings(
      {
        controller: {
          name: "Acme Ltd",
          contact: "privacy@acme.test",
          dpo: "dpo@acme.test",
          retention: "90 days",
        },
        purposes: { "*": "Running the service" },
        recipients: [{ name: "Billing & Co Inc.", adapter: "billing", country: "US" }],
      },
      ["crm", "billing", "mail"],
    );
    const html = await renderAccessIndex(dir, info, { adapters, settings });
    expect(html).toContain("<title>Your personal data at Acme Ltd</title>");
    expect(html).not.toContain('data-option="controller.name"');
    expect(html).toContain(
      '<li><b>crm, Billing &amp; Co, mail</b>: <span class="statement">Running the service</span></li>',
    );
    expect(html).toContain('data-option="recipients[0].safeguards"'); // a US recipient without safeguards
    expect(html).toContain("Billing &amp; Co keeps invoices for 7 years.");
    for (const key of ["controller", "a", "b", "c", "transfers", "d", "e", "f", "g", "h"])
      expect(html).toContain(`data-art15="${key}"`);
  });

  it("is written in the request's language", async () => {
    dir = writePackage();
    const nl = await renderAccessIndex(dir, info, { adapters, language: "nl" });
    expect(nl).toContain('<html lang="nl">');
    expect(nl).toContain("Waarom wij uw gegevens gebruiken");
    expect(nl).toContain("<h4>Facturen</h4>");
    expect(nl).toContain("<dt>Totaal</dt><dd>€\u00a019,99</dd>");
    const de = await renderAccessIndex(dir, info, { adapters, language: "de" });
    expect(de).toContain("Wofür wir Ihre Daten verwenden");
    expect(de).toContain("<dt>Gesamtbetrag</dt><dd>19,99\u00a0€</dd>");
    expect(de).toContain("Vom Verantwortlichen nicht ausgefüllt");
  });
});
