/**
 * The demo: every registered provider simulator on 127.0.0.1, a fictitious customer seeded in each,
 * an access export and an erasure saga with a retention window of seconds on an embedded SQLite
 * file — live progress, the oracle's verdict, the verified receipt and the report. No credentials,
 * no setup. The seeded email is shown once, before anything runs; after that only the fingerprint.
 */

import { readFile, rm, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { docsUrl } from "../../docs-url.js";
import { createFanout, type Fanout } from "../../engine/create-fanout.js";
import type { AccessManifest } from "../../engine/types.js";
import { FanoutError } from "../../errors.js";
import { sqliteStore } from "../../store/sqlite-store.js";
import type { Simulators } from "../../testing/start-simulators.js";
import { receiptLines } from "../commands/receipt.js";
import type { CliIo } from "../io.js";
import { printLines, type Style, table } from "../output.js";
import { collectReport } from "../report/collect.js";
import { renderReport } from "../report/render.js";
import { DEMO_ACCESS_INFO } from "./controller.js";
import { ProgressBoard } from "./progress.js";
import { CUSTOMER, DEMO_SECRET, follow, scaledLimiter, simulatorUrl, TIME_SCALE } from "./support.js";

/** Options of {@link runDemo}. */
export interface DemoOptions {
  readonly dir: string;
  readonly after: string;
  readonly records: number;
  readonly latencyMs: number;
  readonly json: boolean;
  readonly timeoutMs: number;
}

/** What the demo did (its `--json` output). */
export interface DemoResult {
  readonly ok: boolean;
  readonly dir: string;
  readonly providers: readonly string[];
  readonly subject: string | null;
  readonly export: {
    readonly id: string;
    readonly state: string;
    readonly path: string;
    readonly records: Record<string, number>;
  } | null;
  readonly erase: {
    readonly id: string;
    readonly state: string;
    readonly outcomes: Record<string, string | null>;
  } | null;
  readonly remaining: Record<
    string,
    { readonly live: number; readonly trashed: number; readonly eta: string | null }
  >;
  readonly receipt: {
    readonly path: string;
    readonly valid: boolean;
    readonly auditValid: boolean | null;
  } | null;
  readonly files: Record<string, string>;
  readonly seconds: number;
}

/** Runs the demo; resolves to what it did (never throws for a saga that fails: `ok` is false). */
export async function runDemo(io: CliIo, style: Style, options: DemoOptions): Promise<DemoResult> {
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  const say = (...lines: string[]) => {
    if (!options.json) printLines(io, ...lines);
  };
  const tty = io.stdout.isTTY === true && !options.json;
  const dir = options.dir;
  const rel = (p: string) => relative(io.cwd, p) || ".";
  const files = {
    accessPackage: join(dir, "access-package"),
    accessIndex: join(dir, "access-package", "index.html"),
    database: join(dir, "demo.db"),
    receipt: join(dir, "receipt.json"),
    report: join(dir, "report.html"),
  };
  for (const path of [files.accessPackage, files.receipt, files.report, files.database]) {
    await rm(path, { recursive: true, force: true });
    for (const suffix of ["-wal", "-shm"]) await rm(`${path}${suffix}`, { force: true });
  }

  // Lazy: the testing kit is only loaded by the demo.
  const { startSimulators } = await import("../../testing/start-simulators.js");
  const sims: Simulators = await startSimulators({
    transport: "http",
    timeScale: TIME_SCALE,
    latencyMs: options.latencyMs,
    seed: 7,
  });
  let fanout: Fanout | undefined;
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  io.signal?.addEventListener("abort", onAbort, { once: true });
  let worker: Promise<void> | undefined;
  try {
    say(
      style.bold(`gdpr-fanout demo`) +
        style.dim(` — ${sims.providers.length} simulated providers on 127.0.0.1, no credentials`),
      "",
      ...sims.providers.map((p) => `  ${p.padEnd(10)} ${style.dim(simulatorUrl(sims.options[p]))}`),
    );
    const ids = await sims.seedSubject(CUSTOMER, { records: options.records });
    const before = await sims.remaining(CUSTOMER.email);
    say(
      "",
      `Seeded a fictitious customer, ${CUSTOMER.email}, in every provider (records found by the oracle):`,
      `  ${sims.providers.map((p) => `${p} ${before[p] ?? 0}`).join(" · ")}`,
      style.dim(`  From here on the customer appears only as a keyed fingerprint.`),
      "",
    );

    fanout = createFanout({
      adapters: sims.adapters(),
      store: sqliteStore({ path: files.database, synchronous: "normal" }),
      secret: DEMO_SECRET,
      deadline: "14d",
      pollInterval: 100,
      retry: { initialInterval: 100, maximumInterval: 2000 },
      rateLimiter: scaledLimiter(),
      ...DEMO_ACCESS_INFO,
    });
    worker = fanout.run({ signal: stop.signal, idleMs: 50 });

    // 1. The access request.
    say(style.bold("1. Access request (export)"));
    const exp = await fanout.export(
      { email: CUSTOMER.email, name: CUSTOMER.name },
      { to: files.accessPackage, wait: false, reason: "demo: access request" },
    );
    const exportStatus = await follow(
      fanout,
      exp.id,
      options.json ? null : new ProgressBoard(io.stdout, style, tty),
      deadline,
      stop.signal,
    );
    const exportRecords: Record<string, number> = {};
    if (exportStatus.state === "completed") {
      const manifest = JSON.parse(
        await readFile(join(files.accessPackage, "manifest.json"), "utf8"),
      ) as AccessManifest;
      for (const [adapter, a] of Object.entries(manifest.adapters)) exportRecords[adapter] = a.records;
      say(
        `   Records exported: ${Object.entries(exportRecords)
          .map(([a, n]) => `${a} ${n}`)
          .join(" · ")}`,
        `   Access package: ${style.bold(`${rel(files.accessPackage)}/`)} — open index.html in it` +
          style.dim(` (${manifest.files.length} files, sha256 of each in manifest.json)`),
        "",
      );
    } else
      say(
        style.red(
          `   The export ${io.signal?.aborted ? "was interrupted while" : "ended"} ${exportStatus.state}${exportStatus.attention ? `: ${exportStatus.attention.message}` : ""}`,
        ),
        "",
      );

    // 2. The erasure saga.
    say(style.bold(`2. Erasure (retention window ${options.after}, then the irreversible delete)`));
    const erase = await fanout.erase(
      { email: CUSTOMER.email, ids },
      { after: options.after, reason: "demo: account closed", idempotencyKey: `demo-${started}` },
    );
    const final = await follow(
      fanout,
      erase.id,
      options.json ? null : new ProgressBoard(io.stdout, style, tty),
      deadline,
      stop.signal,
    );
    stop.abort();
    await worker;
    worker = undefined;
    if (final.state !== "completed")
      say(
        style.red(
          `   The erasure ${io.signal?.aborted ? "was interrupted while" : "ended"} ${final.state}${final.attention ? `: ${final.attention.message}` : ""}`,
        ),
      );

    // 3. The oracle's verdict.
    say("", style.bold("3. Verification: what each provider still holds for the customer"));
    const remaining: DemoResult["remaining"] = {};
    const live = await sims.remaining(CUSTOMER.email);
    const rows: string[][] = [];
    let clean = true;
    for (const p of sims.providers) {
      const view = { live: live[p] ?? 0, trashed: sims.oracle(p, CUSTOMER.email).trashed };
      const branch = final.branches.find((b) => b.adapter === p);
      remaining[p] = { live: view.live, trashed: view.trashed, eta: branch?.eta ?? null };
      const scheduled = branch?.outcome === "scheduled";
      const ok = view.live === 0 && (view.trashed === 0 || scheduled);
      if (!ok) clean = false;
      const verdict = !ok
        ? style.red("✗ data remains")
        : view.trashed > 0
          ? style.yellow(`✓ scheduled: purged by ${branch?.eta?.slice(0, 10) ?? "the provider"}`)
          : style.green("✓ nothing left");
      rows.push([
        p,
        String(before[p] ?? 0),
        String(view.live),
        String(view.trashed),
        branch?.outcome ?? "-",
        verdict,
      ]);
    }
    say(
      ...table(["provider", "before", "live", "trashed", "outcome", ""], rows, style).map((l) => `   ${l}`),
    );

    // 4. The receipt.
    let receipt: DemoResult["receipt"] = null;
    if (final.state === "completed") {
      const signed = await fanout.receipt(erase.id);
      const check = await fanout.verifyReceipt(signed);
      await writeFile(files.receipt, `${JSON.stringify(signed, null, 2)}\n`);
      receipt = { path: files.receipt, valid: check.valid, auditValid: check.auditValid ?? null };
      say(
        "",
        style.bold("4. Signed receipt") +
          style.dim(" (no personal data inside: the subject is its fingerprint)"),
        ...receiptLines(signed).map((l) => (l ? `   ${l}` : "")),
        `   ${check.valid && check.auditValid !== false ? style.green("✓ verified") : style.red("✗ NOT valid")}: signature checks, audit chain ${check.auditValid ? "intact and matching" : "not matching"}`,
      );
    }

    const data = await collectReport(fanout, { limit: 100, showSubjects: false, secret: DEMO_SECRET });
    await writeFile(files.report, renderReport(data));
    const ok =
      exportStatus.state === "completed" &&
      final.state === "completed" &&
      clean &&
      receipt?.valid === true &&
      receipt.auditValid !== false;
    const seconds = (Date.now() - started) / 1000;
    const written: [string, string][] = [
      [
        `${rel(files.accessPackage)}/`,
        "access package: index.html to read, manifest.json, one JSON per provider",
      ],
      [rel(files.receipt), "the signed receipt"],
      [rel(files.report), "the operator report (open it in a browser)"],
      [rel(files.database), "the saga store (SQLite; the subject's identifiers were shredded at completion)"],
    ];
    const width = Math.max(...written.map(([p]) => p.length));
    say(
      "",
      style.bold("Written:"),
      ...written.map(([p, what]) => `   ${p.padEnd(width)}  ${style.dim(what)}`),
      "",
      ok
        ? style.green(`Done in ${seconds.toFixed(1)}s.`) +
            style.dim(` Next: ${docsUrl("cli.md")} to run it against your own providers.`)
        : style.red(
            io.signal?.aborted
              ? `Interrupted after ${seconds.toFixed(1)}s.`
              : `Finished in ${seconds.toFixed(1)}s with problems (see above).`,
          ),
    );
    return {
      ok,
      dir,
      providers: sims.providers,
      subject: final.subject,
      export: { id: exp.id, state: exportStatus.state, path: files.accessPackage, records: exportRecords },
      erase: {
        id: erase.id,
        state: final.state,
        outcomes: Object.fromEntries(final.branches.map((b) => [b.adapter, b.outcome])),
      },
      remaining,
      receipt,
      files,
      seconds,
    };
  } catch (error) {
    if (error instanceof FanoutError) throw error;
    throw new FanoutError(
      "STEP_FAILED",
      `The demo failed: ${error instanceof Error ? error.message : String(error)}`,
      {
        retryable: false,
        cause: error,
      },
    );
  } finally {
    io.signal?.removeEventListener("abort", onAbort);
    stop.abort();
    await worker?.catch(() => {});
    await fanout?.close();
    await sims.close();
  }
}
