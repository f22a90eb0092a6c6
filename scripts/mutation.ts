/**
 * `npm run test:mutation [-- <scope>… | --ci] [--concurrency N]`: StrykerJS over what the receipts
 * depend on, one scope at a time, each with the tests that exercise it (per-test coverage: a mutant
 * runs only the tests that reach it). Writes the score per scope and every surviving mutant into
 * bench/results/mutation.json (a scope run alone replaces its own entry, keeps the others).
 *
 * `--ci` runs the `ci` scope only and exits 1 when a scope misses its target. `--file <path>`
 * (repeatable) mutates only the named files against the scope's tests, for work on their
 * survivors: the summary goes to .tmp/mutation/, not into bench/results. See
 * docs/testing-quality.md for the scopes, the targets and how to read the report.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { MutantResult, PartialStrykerOptions } from "@stryker-mutator/api/core";
import { Stryker } from "@stryker-mutator/core";
import {
  readSampleLog,
  type SampledFunction,
  type SampleEstimate,
  sampleEstimate,
} from "./mutation-sample.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const OUTPUT = join(root, "bench", "results", "mutation.json");

interface Scope {
  readonly description: string;
  /** Files (Stryker globs, `file:from-to` line ranges) whose mutants count for this scope. */
  readonly mutate: () => string[];
  /** The test files run against its mutants. */
  readonly testFiles: readonly string[];
  /** The mutation score (%) this scope must reach; undefined: reported only. */
  readonly target?: number;
  /** With `--ci`: the score under which the run fails (a ratchet below `target`). */
  readonly floor?: number;
}

/** `file:<line of marker>-<last line>`: an adapter's erase/status code when it shares a file. */
function fromMarker(file: string, marker: string): string {
  const lines = readFileSync(join(root, file), "utf8").split("\n");
  const at = lines.findIndex((l) => l.includes(marker));
  if (at < 0) throw new Error(`mutation scope: "${marker}" not found in ${file}`);
  return `${file}:${at + 1}-${lines.length}`;
}

/** The `*.test.ts` files directly in `dir`, but those named in `except` (without `.test.ts`). */
function testsIn(dir: string, except: readonly string[] = []): string[] {
  return readdirSync(join(root, dir))
    .filter((f) => f.endsWith(".test.ts") && !except.includes(f.slice(0, -".test.ts".length)))
    .sort()
    .map((f) => `${dir}/${f}`);
}

// Every test file that drives the engine in-process and runs in seconds: the engine's own tests, the
// CLI commands, the store conformance suite, the fast reliability and integration files, and the
// adapter tests that go through the engine (the adapter-facing check, sweeps, retention, other
// requests). Per-test coverage runs a mutant only against the tests that reached it. Left to
// `npm test` (they cost more than they add here, measured 7 Dec with this config): the adapters'
// HTTP suites (pipedrive.test.ts alone 49 s), the demo and the readers' pages (Chromium), the
// property-based corrupt-row suite, and the two integration files over 5 s (calls per route,
// sweep holds; both checked by npm test).
const ENGINE_TESTS = [
  ...testsIn("test/engine"),
  ...testsIn("test/reliability", ["corrupt-rows"]),
  ...testsIn("test/cli", ["demo"]),
  ...testsIn("test/integration", ["calls-per-route", "sweep-holds"]),
  ...testsIn("test/store", ["postgres-conformance", "postgres-plans", "postgres-rate-limiter"]),
  "test/foundation/errors.test.ts",
  "test/foundation/subject.test.ts",
  "test/foundation/retry-after.test.ts",
  "test/adapters/check.test.ts",
  ...testsIn("test/adapters").filter((f) => /-(sweep|retention)\.test\.ts$/.test(f)),
  "test/adapters/stripe-other-requests.test.ts",
  "test/adapters/stripe-export.test.ts",
  "test/adapters/integration-scope.test.ts",
];
const KIT_TESTS = [
  "test/testing/conformance-kit.test.ts",
  // The read, erase and verify cases at their edges (what the broken adapters above do not reach).
  "test/testing/conformance-kit-edges.test.ts",
  "test/testing/conformance-harness.test.ts",
  "test/testing/conformance-example.test.ts",
  // The light path (in-process adapters), case by case against defective adapters.
  "test/testing/in-process-kit.test.ts",
  // The integration-scope cases, against Capsule's adapter broken one way at a time.
  "test/testing/integration-kit.test.ts",
];

export const SCOPES: Record<string, Scope> = {
  engine: {
    description: "the saga engine (src/engine/)",
    mutate: () => ["src/engine/**/*.ts", "!src/engine/types.ts"],
    testFiles: ENGINE_TESTS,
    target: 80,
  },
  store: {
    description: "the stores' shared control-plane rules and the audit chain",
    mutate: () => ["src/store/control.ts", "src/store/audit-chain.ts"],
    testFiles: ["test/store/conformance.test.ts", ...ENGINE_TESTS],
  },
  conformance: {
    description: "the adapter conformance kit (src/testing/conformance/)",
    mutate: () => ["src/testing/conformance/**/*.ts"],
    testFiles: KIT_TESTS,
    target: 80,
  },
  adapters: {
    description: "each adapter's erase and status code",
    mutate: () => [
      "adapters/*/erase.ts",
      "adapters/stripe/redaction.ts",
      fromMarker("adapters/postmark/index.ts", "async delete(refs, ctx)"),
    ],
    testFiles: ["test/adapters/**/*.test.ts"],
  },
  // What CI runs (see docs/testing-quality.md): the engine's verify step, output guard and receipt
  // signatures, with the fast engine tests that reach them (no HTTP, no real-time waits).
  ci: {
    description: "CI: the engine's verify step, its guard on adapters' output, and receipt signatures",
    mutate: () => ["src/engine/branch-steps.ts", "src/engine/validate-output.ts", "src/engine/receipt.ts"],
    testFiles: [
      "test/engine/verification.test.ts",
      "test/engine/personal-data-guard.test.ts",
      "test/engine/validate-output.test.ts",
      "test/engine/receipt.test.ts",
      "test/engine/saga.test.ts",
      "test/engine/api.test.ts",
      "test/engine/limiter-routing.test.ts",
      // The steps' other paths (searches that cannot run, renewals, retention, restriction
      // requests, integration scope, export progress) are exercised here.
      "test/engine/truthful-receipts.test.ts",
      "test/engine/retention.test.ts",
      "test/engine/restriction-requests.test.ts",
      "test/engine/export-package.test.ts",
      "test/engine/tenants.test.ts",
      // Which step each adapter call's context names (its logger's bindings).
      "test/engine/operation-context.test.ts",
      "test/engine/export-restricted-elsewhere.test.ts",
      "test/engine/retention-nested.test.ts",
    ],
    target: 80,
    floor: 80,
  },
};

/** What one scope's run found. */
export interface ScopeReport {
  readonly description: string;
  readonly target: number | null;
  /** (killed + timeout) / (killed + timeout + survived + no coverage), in %, one decimal. */
  readonly score: number;
  readonly met: boolean | null;
  readonly counts: Record<string, number>;
  readonly files: Record<string, { score: number; mutants: number; survived: number }>;
  readonly durationSeconds: number;
  /** A sampled run (`--sample`): the estimate for the whole scope; `score` is the sample's own. */
  readonly sample?: SampleEstimate;
  /**
   * The tree measured: HEAD when the run started (Stryker copies the working tree then), whether
   * it had uncommitted changes, and the start time. Absent from runs before 7 December 2026.
   */
  readonly measured?: { commit: string | null; uncommittedChanges: boolean | null; startedAt: string };
  readonly survivors: readonly {
    file: string;
    line: number;
    column: number;
    mutator: string;
    replacement: string | null;
    status: string;
  }[];
}

const score = (killed: number, total: number) =>
  total === 0 ? 100 : Math.round((killed / total) * 1000) / 10;

export function summarise(
  name: string,
  results: readonly MutantResult[],
  seconds: number,
  sample?: { fraction: number; seed: string; functions: readonly SampledFunction[] },
): ScopeReport {
  const scope = SCOPES[name]!;
  const counts: Record<string, number> = {};
  const files: Record<string, { detected: number; valid: number; survived: number }> = {};
  for (const r of results) {
    counts[r.status] = (counts[r.status] ?? 0) + 1;
    const file = relative(root, r.fileName);
    const f = files[file] ?? { detected: 0, valid: 0, survived: 0 };
    files[file] = f;
    if (r.status === "Killed" || r.status === "Timeout") f.detected += 1;
    if (["Killed", "Timeout", "Survived", "NoCoverage"].includes(r.status)) f.valid += 1;
    if (r.status === "Survived" || r.status === "NoCoverage") f.survived += 1;
  }
  const detected = (counts.Killed ?? 0) + (counts.Timeout ?? 0);
  const valid = detected + (counts.Survived ?? 0) + (counts.NoCoverage ?? 0);
  const total = score(detected, valid);
  return {
    description: scope.description,
    target: scope.target ?? null,
    score: total,
    met: scope.target === undefined ? null : total >= scope.target,
    counts,
    files: Object.fromEntries(
      Object.entries(files)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([file, f]) => [
          file,
          { score: score(f.detected, f.valid), mutants: f.valid, survived: f.survived },
        ]),
    ),
    durationSeconds: Math.round(seconds),
    ...(sample
      ? {
          sample: sampleEstimate(
            sample.fraction,
            sample.seed,
            sample.functions,
            results
              .filter((r) => ["Killed", "Timeout", "Survived", "NoCoverage"].includes(r.status))
              .map((r) => ({
                file: relative(root, r.fileName),
                line: r.location.start.line,
                detected: r.status === "Killed" || r.status === "Timeout",
              })),
          ),
        }
      : {}),
    survivors: results
      .filter((r) => r.status === "Survived" || r.status === "NoCoverage")
      .map((r) => ({
        file: relative(root, r.fileName),
        line: r.location.start.line,
        column: r.location.start.column + 1,
        mutator: r.mutatorName,
        replacement: r.replacement ?? null,
        status: r.status,
      }))
      .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column),
  };
}

/** Whether the working tree differs from HEAD (null outside a git checkout). */
function gitDirty(): boolean | null {
  try {
    return execFileSync("git", ["status", "--porcelain"], { cwd: root, encoding: "utf8" }).trim() !== "";
  } catch {
    return null;
  }
}

function gitCommit(): string | null {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
  } catch {
    return null;
  }
}

async function main(argv: string[]): Promise<number> {
  const ci = argv.includes("--ci");
  const named: string[] = [];
  let concurrency: number | undefined;
  let sample: { fraction: number; seed: string } | undefined;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? "";
    if (arg === "--concurrency") concurrency = Number(argv[++i]);
    else if (arg === "--file") files.push(argv[++i] ?? "");
    else if (arg === "--sample") sample = { fraction: Number(argv[++i]), seed: sample?.seed ?? "1" };
    else if (arg === "--seed") sample = { fraction: sample?.fraction ?? 1, seed: argv[++i] ?? "1" };
    else if (arg !== "--ci") named.push(arg);
  }
  for (const f of files)
    if (!existsSync(join(root, f)))
      throw new Error(`--file: no such file "${f}" (a path from the repository root)`);
  if (files.length > 0 && (ci || sample))
    throw new Error(
      "--file runs a scope's tests against the named files' mutants alone: not with --ci or --sample",
    );
  if (sample && !(sample.fraction > 0 && sample.fraction < 1))
    throw new Error("--sample takes a fraction between 0 and 1 (0.25: a quarter of the functions)");
  const scopes = ci ? ["ci"] : named.length > 0 ? named : ["engine", "store", "conformance", "adapters"];
  for (const s of scopes)
    if (!SCOPES[s]) throw new Error(`unknown scope "${s}" (${Object.keys(SCOPES).join(", ")})`);
  const config = pathToFileURL(join(root, "stryker.config.mjs")).href;
  const base = ((await import(config)) as { default: PartialStrykerOptions }).default;
  let failed = false;
  for (const name of scopes) {
    const scope = SCOPES[name]!;
    // A sampled run keeps its own incremental file: its left-out mutants are "Ignored", which a
    // full run must not reuse.
    // `--file`: while working on one file's survivors, its own incremental file and report; the
    // scope's entry in bench/results is left as it is (a part is not the scope's score).
    const tag = sample
      ? `${name}-sample-${sample.fraction}-${sample.seed}`
      : files.length > 0
        ? `${name}-files-${files.map((f) => f.replace(/[^A-Za-z0-9]+/g, "_")).join("+")}`
        : name;
    const sampleLog = join(root, ".tmp", "mutation", `${tag}-functions.ndjson`);
    if (sample) {
      mkdirSync(dirname(sampleLog), { recursive: true });
      writeFileSync(sampleLog, "");
      process.env.GF_MUTATION_SAMPLE = `${sample.fraction}:${sample.seed}`;
      process.env.GF_MUTATION_SAMPLE_LOG = sampleLog;
    }
    const options: PartialStrykerOptions = {
      ...base,
      mutate: files.length > 0 ? files : scope.mutate(),
      testFiles: [...scope.testFiles],
      jsonReporter: { fileName: `.tmp/mutation/${tag}.json` },
      // A sandbox folder per scope: two scopes may run at once (Stryker cleans its folder at the end).
      tempDirName: `.tmp/stryker-${name}`,
      // A re-run reuses the results of mutants whose code and covering tests did not change: only
      // the changed ones, and those that new tests now reach, are tested again.
      incremental: true,
      incrementalFile: `.tmp/mutation/${tag}-incremental.json`,
      ...(concurrency !== undefined ? { concurrency } : {}),
    };
    // The tree measured is the one Stryker copies now: later commits (the top-level `commit` of the
    // report is the one when it is written) may not be in it.
    const measured = {
      commit: gitCommit(),
      uncommittedChanges: gitDirty(),
      startedAt: new Date().toISOString(),
    };
    const started = Date.now();
    const results = await new Stryker(options).runMutationTest();
    const report: ScopeReport = {
      ...summarise(
        name,
        results,
        (Date.now() - started) / 1000,
        sample ? { ...sample, functions: readSampleLog(sampleLog) } : undefined,
      ),
      measured,
    };
    if (ci ? report.score < (scope.floor ?? scope.target ?? 0) : report.met === false) failed = true;
    const estimate = report.sample
      ? `; estimate for the whole scope ${report.sample.estimate} % (95 % CI ${report.sample.ci95.join("–")})`
      : "";
    process.stdout.write(
      `\nmutation ${name}: ${report.score} % (target ${report.target ?? "none"}), ` +
        `${report.survivors.length} surviving, ${report.durationSeconds} s${estimate}\n`,
    );
    if (files.length > 0) {
      const part = join(root, ".tmp", "mutation", `${tag}-summary.json`);
      writeFileSync(part, `${JSON.stringify(report, null, 2)}\n`);
      process.stdout.write(`survivors of these files: ${relative(root, part)}\n`);
    } else if (!ci) {
      // Read just before writing: another scope's run may have written meanwhile.
      const previous = existsSync(OUTPUT)
        ? (JSON.parse(readFileSync(OUTPUT, "utf8")) as { scopes?: Record<string, ScopeReport> })
        : {};
      const reports = { ...(previous.scopes ?? {}), [name]: report };
      mkdirSync(dirname(OUTPUT), { recursive: true });
      const out = {
        tool: `StrykerJS ${readVersion("@stryker-mutator/core")} (vitest runner, perTest coverage)`,
        node: process.version,
        commit: gitCommit(),
        generatedAt: new Date().toISOString(),
        scopes: reports,
      };
      writeFileSync(OUTPUT, `${JSON.stringify(out, null, 2)}\n`);
    }
  }
  return failed ? 1 : 0;
}

function readVersion(pkg: string): string {
  const file = join(root, "node_modules", pkg, "package.json");
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(2);
    },
  );
}
