// The operator report states the law's facts of each request — receipt date, the deadline's
// basis, extensions with their reasons, an expedition, subject holds, retention and its scheduled
// erasure — escaped, without identifiers.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFanout } from "../../src/index.js";
import { FIXTURE_EMAIL, fixtureOptions } from "./fixtures/fixture-config.js";
import { cli, SECRET, workspace } from "./helpers.js";

const HOSTILE = `complex <b onmouseover=alert(1)>request</b> & more`;
let ws: ReturnType<typeof workspace>;
const ids = { extended: "", expedited: "", held: "", restricted: "" };
let holdId = "";

beforeAll(async () => {
  ws = workspace();
  const fanout = createFanout(fixtureOptions({ db: ws.db, secret: SECRET }));
  const received = new Date(Date.now() - 2 * 86_400_000).toISOString();
  ids.extended = (await fanout.erase({ email: "someone@acme.test" }, { receivedAt: received })).id;
  await fanout.extend(ids.extended, { by: "1 month", reason: HOSTILE });
  ids.expedited = (await fanout.erase({ email: "other@acme.test" }, { after: "90d" })).id;
  await fanout.expedite(ids.expedited, { receivedAt: received });
  holdId = (
    await fanout.holdSubject({ email: FIXTURE_EMAIL }, { reason: "court order", reference: "C-2026-9" })
  ).id;
  ids.held = (await fanout.erase({ email: FIXTURE_EMAIL }, { after: "90d" })).id;
  ids.restricted = (await fanout.restrict({ email: "third@acme.test" })).id;
  await fanout.close();
});
afterAll(() => ws.cleanup());

describe("report --html and the legal facts", () => {
  it("shows received, deadline basis, extension with its reason (escaped), expedition, subject holds", async () => {
    const r = await cli(["report", "--html", "legal.html"], { cwd: ws.dir });
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(join(ws.dir, "legal.html"), "utf8");
    const section = (id: string) =>
      html.slice(html.indexOf(`<section class="request" id="${id}"`)).split("</section>")[0]!;
    expect(section(ids.extended)).toMatch(/<dt>received<\/dt>/);
    expect(section(ids.extended)).toMatch(
      /<dt>deadline<\/dt><dd>1 month <span class="muted">\(Art\. 12\(3\), from receipt\)/,
    );
    expect(section(ids.extended)).toContain("by 1 month on ");
    expect(section(ids.extended)).toContain(
      "complex &lt;b onmouseover=alert(1)&gt;request&lt;/b&gt; &amp; more",
    );
    expect(html).not.toContain("<b onmouseover");
    expect(section(ids.expedited)).toMatch(/<dt>expedited<\/dt>/);
    expect(section(ids.held)).toMatch(
      /<dt>deadline<\/dt><dd>1 month <span class="muted">\(the controller&#39;s own/,
    );
    expect(section(ids.held)).toContain(`<code>${holdId}</code> C-2026-9 on every adapter: court order`);
    expect(html).toMatch(/subject hold hold_\w+ \(C-2026-9\): court order/); // in "needs attention"
    expect(html).not.toContain(FIXTURE_EMAIL);
  });
});
