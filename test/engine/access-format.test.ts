// How the access page turns provider values into what a person reads: amounts with their currency
// (or without one when the record has no usable code), a record's one-line title, and which leaves of
// a record appear under "other fields" (empty values left out, objects walked four levels deep,
// arrays of objects by their position counted from 1).
import { describe, expect, it } from "vitest";
import type { ExportRecord, JsonValue } from "../../src/adapter.js";
import {
  clip,
  Formatter,
  htmlToText,
  humanize,
  labelOf,
  leaves,
  pathLabel,
  toTime,
  valueAt,
} from "../../src/engine/access/format.js";
import { messagesFor } from "../../src/engine/access/messages.js";
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

describe("the formatter's pieces (English, UTC)", () => {
  const f = new Formatter(messagesFor("en"));

  it("reads times from ISO strings, email dates, epoch seconds and milliseconds, nothing else", () => {
    const ms = Date.parse("2023-11-14T22:13:20Z");
    expect(toTime(ms)).toBe(ms);
    expect(toTime(ms / 1000)).toBe(ms);
    expect(toTime(String(ms / 1000))).toBe(ms);
    expect(toTime(5e13)).toBe(5e13);
    for (const edge of [1e8, 1e11, 1e14, 123, Number.POSITIVE_INFINITY, "12345678", "1".repeat(14)])
      expect(toTime(edge)).toBeNull();
    expect(toTime("2026-11-28")).toBe(Date.parse("2026-11-28"));
    expect(toTime("Sun, 06 Dec 2026 15:48:01 GMT")).toBe(Date.parse("2026-12-06T15:48:01Z"));
    expect(toTime("06 Dec 2026 15:48:01 GMT")).toBe(Date.parse("2026-12-06T15:48:01Z"));
    expect(toTime("December 6, 2026")).toBeNull(); // a date to a person, not a format we read
    expect(toTime(true)).toBeNull();
  });

  it("shows a date alone when the value has no time of day", () => {
    expect(f.time("2026-11-28")).toBe("28 Nov 2026");
    expect(f.time("2026-11-28T10:00:00Z")).toBe("28 Nov 2026, 10:00");
    expect(f.time(1700000000)).toBe("14 Nov 2023, 22:13");
  });

  it("shows durations in minutes and zero-padded seconds, from seconds or milliseconds", () => {
    expect(f.duration("75", "s")).toBe("1 min 15 s");
    expect(f.duration("75.5", "s")).toBe("1 min 16 s");
    expect(f.duration(75_000, "ms")).toBe("1 min 15 s");
    expect(f.duration(45, "s")).toBe("45 s");
    expect(f.duration(65, "s")).toBe("1 min 05 s");
    expect(f.duration("abc", "s")).toBe("abc");
    expect(f.duration(true, "s")).toBeNull();
  });

  it("guesses a time only from an ISO string or a time-like field name", () => {
    expect(f.scalar("2026-11-28")).toBe("28 Nov 2026");
    expect(f.scalar(1700000000, "created")).toBe("14 Nov 2023, 22:13");
    expect(f.scalar(1700000000, "count")).toBe("1700000000");
    expect(f.scalar("1700000000", "created")).toBe("1700000000");
    expect([f.scalar(true), f.scalar(false), f.scalar(null)]).toEqual(["yes", "no", ""]);
  });

  it("formats a field as its presentation says, and shows nothing for an empty one", () => {
    const date = { label: "When", format: "date" } as const;
    expect(f.field({ a: 1 }, "b", "B")).toBeNull();
    expect(f.field({ b: null }, "b", "B")).toBeNull();
    expect(f.field({ b: "" }, "b", "B")).toBeNull();
    expect(f.field({ b: "x" }, "b", "B")).toBe("x");
    expect(f.field({ ts: 1700000000 }, "ts", date)).toBe("14 Nov 2023, 22:13");
    expect(f.field({ ts: "soon" }, "ts", date)).toBe("soon");
    expect(f.field({ p: 1999 }, "p", { label: "P", format: "money", minorUnits: false })).toBe("1,999");
    expect(f.field({ d: 75_000 }, "d", { label: "D", format: "duration", unit: "ms" })).toBe("1 min 15 s");
    expect(f.field({ h: 5 }, "h", { label: "H", format: "html" })).toBe("5");
    expect(f.field({ h: "<p></p>" }, "h", { label: "H", format: "html" })).toBeNull();
    const list = { label: "L", format: "list" } as const;
    expect(f.field({ l: "x" }, "l", list)).toBe("x");
    expect(
      f.field({ l: [{ v: "a" }, { v: null }, { w: 1 }, { v: "" }, { v: "b" }] }, "l", { ...list, item: "v" }),
    ).toBe("a, b");
    expect(f.field({ l: [null, ""] }, "l", list)).toBeNull();
    expect(f.field({ l: [1, { a: 1 }] }, "l", list)).toBe('1, {"a":1}');
  });

  it("shows any value as one line", () => {
    expect(f.plain(null)).toBe("");
    expect(f.plain("x")).toBe("x");
    expect(f.plain({ a: 1 })).toBe('{"a":1}');
    expect(f.plain([1, { a: 1 }, null, true])).toBe('1, {"a":1}, , yes');
  });

  it("reads HTML as text, cuts long text, and turns names and paths into words", () => {
    expect(htmlToText("a<br>b<br class='x'/>c</h2>d <span>y</span>  z &amp; &lt; &#39;")).toBe(
      "a b c d y z & < '",
    );
    expect(clip("abc", 3)).toEqual({ text: "abc", cut: false });
    expect(clip("abcdef  ghi", 8)).toEqual({ text: "abcdef…", cut: true });
    expect(pathLabel("emails.12.value")).toBe("Emails 12 › Value");
    expect(pathLabel("address.line2")).toBe("Address › Line2");
    expect(pathLabel("1.name")).toBe("1 › Name");
    expect(humanize("$file_id")).toBe("File id");
    expect(humanize("$$x")).toBe("X");
    expect(humanize("firstName")).toBe("First name");
    expect(humanize("a__b")).toBe("A b");
    expect(valueAt({ a: [{ b: 1 }] }, "a.0.b")).toBe(1);
    expect(valueAt({ a: Array.from({ length: 12 }, (_, i) => i) }, "a.10")).toBe(10);
    expect(labelOf("Name")).toBe("Name");
    expect(labelOf({ label: "Label" })).toBe("Label");
  });
});
