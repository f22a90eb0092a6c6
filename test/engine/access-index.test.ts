// The access package's index.html: every provider's records readable, everything escaped.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { renderAccessIndex } from "../../src/engine/access-index.js";

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
    billing: { records: 0, files: 0, status: "failed" as const },
  },
};

describe("renderAccessIndex", () => {
  it("lists each provider's records by type, nested values readable, everything escaped", async () => {
    dir = mkdtempSync(join(tmpdir(), "access-index-"));
    writeFileSync(
      join(dir, "crm.json"),
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
            },
          },
          { type: "note", id: "n1", data: { body: `"><img src=x onerror=alert(1)>` } },
        ],
        files: ["crm/files/call recording #1.mp3"],
      }),
    );
    const html = await renderAccessIndex(dir, info);
    expect(html).toContain("<h2>crm</h2>");
    expect(html).toContain("<h3>contact (1)</h3>");
    expect(html).toContain("<h3>note (1)</h3>");
    expect(html).toContain("Jane &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
    expect(html).toContain("<dt>city</dt><dd>Dublin</dd>");
    expect(html).toContain("<li>a&amp;b</li>");
    expect(html).toContain('href="crm/files/call%20recording%20%231.mp3"');
    expect(html).not.toMatch(/<script|<img/);
    expect(html).toContain("this provider's export failed"); // billing: failed, and no file
    expect(html).toContain("Content-Security-Policy");
  });
});
