// `report --html`: states, due dates, overdue flags, timelines and attention items in one escaped,
// self-contained page without identifiers — and the page as Chromium renders it.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFanout } from "../../src/index.js";
import { sqliteStore } from "../../src/stores/sqlite.js";
import { FIXTURE_EMAIL, fixtureOptions } from "./fixtures/fixture-config.js";
import { cli, ROOT, SECRET, workspace } from "./helpers.js";

const DAY = 86_400_000;
const HOSTILE_HOLD = "police <script>alert(1)</script> & co";
const HOSTILE_REASON = `"><img src=x onerror=alert(1)>`;
let ws: ReturnType<typeof workspace>;
const ids = { completed: "", waiting: "", held: "", exported: "", attention: "", fresh: "" };

beforeAll(async () => {
  ws = workspace();
  const past = createFanout(fixtureOptions({ db: ws.db, secret: SECRET, offsetMs: -40 * DAY }));
  // The export first: the erasure below deletes the fake providers' records.
  ids.exported = (
    await past.export({ email: FIXTURE_EMAIL }, { to: join(ws.dir, "pkg"), reason: HOSTILE_REASON })
  ).id;
  ids.completed = (await past.erase({ email: FIXTURE_EMAIL }, { reason: "account-closed" })).id;
  await past.drain();
  // Due 5 + 30 days after creation, 40 days ago: overdue today.
  ids.waiting = (await past.erase({ email: FIXTURE_EMAIL }, { after: "5d" })).id;
  ids.held = (await past.erase({ email: FIXTURE_EMAIL }, { after: "5d" })).id;
  await past.hold(ids.held, HOSTILE_HOLD);
  await past.drain();
  await past.close();
  const failing = createFanout(
    fixtureOptions({ db: ws.db, secret: SECRET, offsetMs: -40 * DAY, failDeleteIn: "beta" }),
  );
  ids.attention = (await failing.erase({ email: FIXTURE_EMAIL })).id;
  await failing.drain();
  await failing.close();
  const today = createFanout(fixtureOptions({ db: ws.db, secret: SECRET }));
  ids.fresh = (await today.erase({ email: FIXTURE_EMAIL, ids: { alpha: "alpha_1" } }, { after: "90d" })).id;
  await today.close();
});
afterAll(() => ws.cleanup());

/** The request's row in the table of requests. */
function row(html: string, id: string): string {
  const at = html.search(new RegExp(`<tr class="request-row[^"]*" data-request-id="${id}"`));
  return at < 0 ? "" : html.slice(at, html.indexOf("</tr>", at));
}

/** The number on a summary card. */
function cardValue(html: string, key: string): number {
  const match = new RegExp(`data-card="${key}" href="[^"]*"><b>(\\d+)</b>`).exec(html);
  return Number(match?.[1] ?? Number.NaN);
}

describe("report --html", () => {
  it("writes every request with state, due date and overdue flag, and what needs attention", async () => {
    const r = await cli(["report", "--html", "out/report.html", "--json"], { cwd: ws.dir });
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toEqual({
      path: join(ws.dir, "out", "report.html"),
      requests: 6,
      overdue: 3, // waiting, held and needs_attention are past their due date; the finished ones were on time
      attention: expect.any(Number),
      truncated: false,
    });
    const html = readFileSync(summary.path, "utf8");
    for (const id of Object.values(ids)) expect(html).toContain(`data-request-id="${id}"`);
    expect(row(html, ids.waiting)).toMatch(/class="request-row overdue"[\s\S]*s-waiting[\s\S]*OVERDUE/);
    expect(row(html, ids.attention)).toMatch(
      /s-needs_attention[\s\S]*OVERDUE[\s\S]*o-failed">failed<\/span> beta/,
    );
    expect(row(html, ids.completed)).not.toContain("OVERDUE");
    expect(row(html, ids.completed)).toMatch(/o-erased">erased<\/span> alpha, beta/);
    expect(row(html, ids.fresh)).not.toContain("OVERDUE");
    expect(html).toMatch(/Needs attention[\s\S]*needs attention: VALIDATION/);
    expect(html).toContain("✓ delete"); // the step-log timeline
    expect(html).toMatch(/hash chain <span class="ok">intact/);
  });

  it("cards count what their lists show; the legend explains outcomes, residuals and coverage", async () => {
    await cli(["report", "--html", "cards.html"], { cwd: ws.dir });
    const html = readFileSync(join(ws.dir, "cards.html"), "utf8");
    const rows = html.match(/<tr class="request-row[^>]*>/g) ?? [];
    expect(cardValue(html, "requests")).toBe(rows.length);
    expect(cardValue(html, "open")).toBe(rows.filter((r) => r.includes(" data-open")).length);
    expect(cardValue(html, "overdue")).toBe(rows.filter((r) => r.includes("overdue")).length);
    expect(cardValue(html, "hold")).toBe(rows.filter((r) => r.includes(" data-hold")).length);
    expect(cardValue(html, "completed")).toBe(
      rows.filter((r) => r.includes('data-state="completed"')).length,
    );
    // "need attention" is the number of requests listed under "Needs attention" (the issue: it said
    // 0 above three items that needed attention).
    const attention = html.slice(html.indexOf('id="attention-list"'), html.indexOf('id="requests"'));
    const listed = attention.match(/<li class="(error|warning)" data-request-id=/g) ?? [];
    expect(listed.length).toBeGreaterThanOrEqual(3);
    expect(cardValue(html, "attention")).toBe(listed.length);
    for (const word of [
      "erased",
      "not_found",
      "manual_required",
      "provider_retains",
      "restorable",
      "not_covered",
      "legal_retention",
      "searched by",
      "not reported",
      "located",
      "deleted",
    ])
      expect(html.slice(html.indexOf('id="legend"'))).toContain(word);
  });

  it("reads the audit trail in words", async () => {
    await cli(["report", "--html", "audit.html"], { cwd: ws.dir });
    const html = readFileSync(join(ws.dir, "audit.html"), "utf8");
    expect(html).toContain(
      '<span class="event">Request recorded</span> <code class="muted">request.created</code>',
    );
    expect(html).toMatch(/pending → <b>(restricting|exporting)<\/b>/);
    expect(html).toContain('<span class="kv"><span class="k">after</span> 5d</span>'); // afterMs, in words
    expect(html).not.toMatch(/<td class="mono">\{/); // no raw JSON column any more
  });

  it("report --request <id> shows that request alone, open, with the legend", async () => {
    const r = await cli(["report", "--html", "one.html", "--request", ids.attention, "--json"], {
      cwd: ws.dir,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ requests: 1 });
    const html = readFileSync(join(ws.dir, "one.html"), "utf8");
    expect(html).toContain(`<title>Request ${ids.attention} — gdpr-fanout report</title>`);
    expect(html.match(/<section class="request" /g)).toHaveLength(1);
    expect(html).toContain(
      `<section class="request" id="${ids.attention}" data-request-id="${ids.attention}"><details open>`,
    );
    expect(html).not.toContain('id="requests-table"');
    expect(html).toContain("needs attention: VALIDATION");
    expect(html).toContain('id="legend"');
    for (const other of [ids.completed, ids.waiting, ids.fresh]) expect(html).not.toContain(other);
    const unknown = await cli(["report", "--html", "x.html", "--request", "req_nope"], { cwd: ws.dir });
    expect(unknown.code).toBe(3);
    const bad = await cli(["report", "--html", "x.html", "--request", "../etc"], { cwd: ws.dir });
    expect(bad.code).toBe(2);
  });

  it("escapes everything, fetches nothing and holds no identifiers", async () => {
    await cli(["report", "--html", "r.html"], { cwd: ws.dir });
    const html = readFileSync(join(ws.dir, "r.html"), "utf8");
    expect(html).not.toContain(FIXTURE_EMAIL);
    expect(html).not.toContain("alpha_1");
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<img");
    expect(html).toContain("police &lt;script&gt;alert(1)&lt;/script&gt; &amp; co");
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).toContain(`http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;`);
  });

  it("--show-subjects reveals the identifiers of open requests only", async () => {
    const r = await cli(["report", "--html", "s.html", "--show-subjects"], { cwd: ws.dir });
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(join(ws.dir, "s.html"), "utf8");
    expect(row(html, ids.waiting)).toContain(FIXTURE_EMAIL);
    expect(row(html, ids.fresh)).toContain(`${FIXTURE_EMAIL}, alpha=alpha_1`);
    expect(row(html, ids.completed)).not.toContain(FIXTURE_EMAIL); // shredded at completion
    expect(row(html, ids.exported)).not.toContain(FIXTURE_EMAIL);
    // …because the finished requests' sealed subjects are gone from the store, the open ones' kept.
    const store = sqliteStore({ path: ws.db });
    try {
      for (const id of [ids.completed, ids.exported])
        expect((await store.getRequest(id))?.sealed, `${id} shredded`).toBeNull();
      for (const id of [ids.waiting, ids.fresh])
        expect((await store.getRequest(id))?.sealed, `${id} still sealed`).toEqual(expect.any(String));
    } finally {
      await store.close();
    }
    expect(html).toContain("handle this file as personal data");
  });

  it("list --overdue shows the open requests past their due date", async () => {
    const r = await cli(["list", "--overdue", "--json"], { cwd: ws.dir });
    const listed = JSON.parse(r.stdout)
      .items.map((i: { id: string; overdue: boolean }) => i.id)
      .sort();
    expect(listed).toEqual([ids.waiting, ids.held, ids.attention].sort());
    const human = await cli(["list", "--overdue"], { cwd: ws.dir });
    expect(human.stdout.match(/OVERDUE/g)).toHaveLength(3);
  });

  it("rejects a bad --limit and needs --html", async () => {
    expect((await cli(["report", "--html", "x.html", "--limit", "0"], { cwd: ws.dir })).code).toBe(2);
    expect((await cli(["report"], { cwd: ws.dir })).code).toBe(2);
  });
});

// Debian's chromium; GDPR_FANOUT_CHROMIUM overrides the path (e.g. to check the skip and CI rules).
const CHROMIUM = process.env.GDPR_FANOUT_CHROMIUM ?? "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
const inCi = Boolean(process.env.CI) && process.env.CI !== "false" && process.env.CI !== "0";
const browserTitle =
  hasChromium || inCi
    ? "renders in headless Chromium: rows, overdue flags, no network; screenshots in test-output/cli"
    : `renders in headless Chromium (SKIPPED: ${CHROMIUM} is not installed; \`apt-get install chromium\`, CI installs it)`;

describe("in a browser", () => {
  it.skipIf(!hasChromium && !inCi)(
    browserTitle,
    async () => {
      if (!hasChromium)
        throw new Error(`CI is set but ${CHROMIUM} is missing: .ci/run installs the Debian chromium package`);
      await cli(["report", "--html", "browser.html"], { cwd: ws.dir });
      const { chromium } = await import("playwright-core");
      const profile = mkdtempSync(join(tmpdir(), "gdpr-fanout-chromium-"));
      const shots = join(ROOT, "test-output", "cli");
      mkdirSync(shots, { recursive: true });
      const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
        ],
        viewport: { width: 1400, height: 1000 },
      });
      try {
        const page = await context.newPage();
        const requested: string[] = [];
        page.on("request", (request) => requested.push(request.url()));
        const dialogs: string[] = [];
        page.on("dialog", (dialog) => {
          dialogs.push(dialog.message());
          void dialog.dismiss();
        });
        await page.goto(pathToFileURL(join(ws.dir, "browser.html")).href);
        await expect.poll(() => page.locator("#requests tbody tr.request-row").count()).toBe(6);
        expect(await page.locator("#requests tr.request-row.overdue").count()).toBe(3);
        const flag = page.locator(`#requests tr[data-request-id="${ids.waiting}"] .flag`);
        expect(await flag.isVisible()).toBe(true);
        expect(await flag.textContent()).toBe("OVERDUE");
        expect(await page.locator(`tr[data-request-id="${ids.fresh}"] .flag`).count()).toBe(0);
        expect(await page.locator(".card.bad b").first().textContent()).toBe("3");
        expect(await page.getByText("police <script>alert(1)</script> & co").first().isVisible()).toBe(true);
        await page.screenshot({ path: join(shots, "report.png"), fullPage: true });

        await page.goto(pathToFileURL(join(ws.dir, "pkg", "index.html")).href);
        expect(await page.locator("section.service h2").allTextContents()).toEqual(["alpha", "beta"]);
        // A record is one line until opened (here by keyboard: focus its summary, press Enter).
        const record = page.locator("#svc-alpha details.record").first();
        await record.locator(":scope > summary").focus();
        await page.keyboard.press("Enter");
        expect(await record.getAttribute("open")).not.toBeNull();
        expect(await record.getByText(FIXTURE_EMAIL).first().isVisible()).toBe(true);
        await page.screenshot({ path: join(shots, "access-package.png") });

        expect(dialogs).toEqual([]); // no injected script ran
        expect(
          requested.every((url) => url.startsWith("file://")),
          requested.join(" "),
        ).toBe(true);
      } finally {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
