// How the access page turns provider values into what a person reads: amounts with their currency
// (or without one when the record has no usable code), a record's one-line title, and which leaves of
// a record appear under "other fields" (empty values left out, objects walked four levels deep,
// arrays of objects by their position counted from 1).
import { describe, expect, it } from "vitest";
import type { ExportRecord, JsonValue } from "../../src/adapter.js";
import { leaves } from "../../src/engine/access/format.js";
import { renderAccessPage } from "../../src/engine/access/page.js";
import { resolveAccessSettings } from "../../src/engine/access/settings.js";
import type { RecordTypePresentation } from "../../src/presentation.js";

/** The access page (English) of one service holding `records`, all of type `item`. */
function page(records: readonly JsonValue[], spec?: RecordTypePresentation): string {
  return renderAccessPage({
    requestId: "req_1",
    preparedAt: "2026-11-28T10:00:05.000Z",
    language: "en",
    settings: resolveAccessSettings({}, []),
    services: [
      {
        id: "crm",
        status: "exported",
        searchedBy: ["email"],
        records: records.map((data, i): ExportRecord => ({ type: "item", id: `r${i + 1}`, data })),
        files: [],
        presentation: spec ? { types: { item: spec } } : undefined,
      },
    ],
  });
}

/** The value shown for `label` in each record, in record order. */
function shown(html: string, label: string): string[] {
  return [...html.matchAll(new RegExp(`<dt>${label}</dt><dd>([^<]*)</dd>`, "g"))].map((m) => m[1]!);
}

/** Each record's one-line title, in record order. */
function titles(html: string): string[] {
  return [...html.matchAll(/<span class="title">([^<]*)/g)].map((m) => m[1]!.trim());
}

describe("amounts on the access page", () => {
  const spec: RecordTypePresentation = {
    category: "billing",
    label: "Invoice",
    fields: { total: { label: "Total", format: "money", currency: "currency" } },
  };
  const totals = (records: JsonValue[]) => shown(page(records, spec), "Total");

  it("reads amounts given as text like numbers", () => {
    expect(totals([{ total: "1999", currency: "eur" }])).toEqual(["€19.99"]);
  });

  it("shows what is not an amount as it is, never as a made-up sum", () => {
    expect(totals([{ total: "   ", currency: "eur" }])).toEqual(["   "]); // blank is not zero
    expect(totals([{ total: true, currency: "eur" }])).toEqual(["yes"]); // not one cent
    expect(totals([{ total: "n/a", currency: "eur" }])).toEqual(["n/a"]); // not NaN
  });

  it("shows a bare number when the record has no usable currency code", () => {
    expect(
      totals([
        { total: 1999 }, // no currency field
        { total: 1999, currency: 978 }, // a numeric code
        { total: 1999, currency: "euro" }, // not three letters
        { total: 1999, currency: "" },
      ]),
    ).toEqual(["19.99", "19.99", "19.99", "19.99"]);
  });
});

describe("a record's title on the access page", () => {
  it("takes the first generic name field that holds text or a number, skipping empty ones", () => {
    const html = page([
      { title: "Quarterly review" }, // no name at all
      { name: null, title: "Renewal call" },
      { name: "", title: "Kick-off" },
      { name: { first: "Jane" }, title: "Onboarding" }, // an object names nothing
      { number: 42 },
      { name: "Jane", email: "jane@example.test" }, // the first one found is enough
      { name: "" },
    ]);
    expect(titles(html)).toEqual([
      "Quarterly review",
      "Renewal call",
      "Kick-off",
      "Onboarding",
      "42",
      "Jane",
      "Record r7",
    ]);
  });

  it("reads a title given as HTML as its text", () => {
    expect(titles(page([{ name: "<b>Jane</b> &amp; co" }]))).toEqual(["Jane &amp; co"]);
  });

  it("joins every field the presentation names, with spaces", () => {
    const spec: RecordTypePresentation = {
      category: "identity",
      label: "Person",
      title: ["first_name", "last_name"],
    };
    expect(titles(page([{ first_name: "Jane", last_name: "Doe" }], spec))).toEqual(["Jane Doe"]);
  });
});

describe("leaves: the fields of a record shown under other fields", () => {
  it("leaves out empty values and names a bare value 'value'", () => {
    expect(leaves({ a: "", b: null, c: 1, d: [], e: {} })).toEqual([["c", 1]]);
    expect(leaves("text")).toEqual([["value", "text"]]);
    expect(leaves(5)).toEqual([["value", 5]]);
    expect(leaves(["a", "b"])).toEqual([["value", ["a", "b"]]]);
  });

  it("keeps a list of plain values whole, nulls included", () => {
    expect(leaves({ tags: ["a", "b"], seen: [null, "x"] })).toEqual([
      ["tags", ["a", "b"]],
      ["seen", [null, "x"]],
    ]);
  });

  it("walks a list holding objects by position, from 1", () => {
    expect(leaves({ emails: [{ value: "a@x.test" }, { value: "b@x.test" }] })).toEqual([
      ["emails.1.value", "a@x.test"],
      ["emails.2.value", "b@x.test"],
    ]);
    expect(leaves({ mixed: [1, { a: 2 }] })).toEqual([
      ["mixed.1", 1],
      ["mixed.2.a", 2],
    ]);
  });

  it("walks four levels deep, then shows what is below as one value", () => {
    expect(leaves({ a: { b: { c: { d: { e: 1 } } } } })).toEqual([["a.b.c.d", { e: 1 }]]);
    expect(leaves({ a: { b: { c: { d: {} } } } })).toEqual([]);
    expect(leaves({ a: { b: { c: { d: [{ e: 1 }] } } } })).toEqual([["a.b.c.d", [{ e: 1 }]]]);
    expect(leaves({ a: { b: { c: [{ d: { e: 1 } }] } } })).toEqual([["a.b.c.1", { d: { e: 1 } }]]);
  });
});
