/**
 * The step-overhead workload on DBOS (`@dbos-inc/dbos-sdk`) on the same Postgres: one workflow
 * per request, with the same three branches of five steps (locate, restrict, relocate, delete,
 * verify) calling the same zero-latency adapter functions, the branches run concurrently and eight
 * workflows at a time, like the engine's drain with `concurrency: 8`.
 *
 * DBOS is a dev dependency (`@dbos-inc/dbos-sdk`); GF_DBOS_SDK may name another build of it (a
 * path to its entry file, or a package name resolvable from here). Without GDPR_FANOUT_PG_URL the
 * figure is skipped and the reason recorded.
 */
import { pathToFileURL } from "node:url";
import pMap from "p-map";
import type { Subject, SubprocessorAdapter } from "../src/index.js";
import { createOperationContext } from "../src/testing/index.js";
import { round } from "./harness.js";
import { instantAdapter } from "./step-overhead.js";

const STEPS_PER_BRANCH = 5;

// biome-ignore lint/suspicious/noExplicitAny: the SDK is loaded at run time, without its types.
type Dbos = any;

async function loadDbos(): Promise<Dbos | string> {
  const spec = process.env.GF_DBOS_SDK ?? "@dbos-inc/dbos-sdk";
  try {
    const mod = await import(spec.startsWith("/") ? pathToFileURL(spec).href : spec);
    return mod.DBOS ?? mod.default?.DBOS;
  } catch (error) {
    return `@dbos-inc/dbos-sdk could not be loaded (${(error as Error).message.split("\n")[0]}); run npm install or set GF_DBOS_SDK`;
  }
}

export async function runDbosBench(quick: boolean) {
  const url = process.env.GDPR_FANOUT_PG_URL;
  if (!url) return { dbosStepOverheadMs: null, dbos: { skipped: "GDPR_FANOUT_PG_URL is not set" } };
  const DBOS = await loadDbos();
  if (typeof DBOS === "string") return { dbosStepOverheadMs: null, dbos: { skipped: DBOS } };
  const requests = quick ? 100 : 400;
  const adapters: SubprocessorAdapter[] = Array.from({ length: 3 }, (_, i) => instantAdapter(`a${i}`));
  try {
    DBOS.setConfig({
      name: "gdpr-fanout-bench",
      systemDatabaseUrl: url,
      systemDatabaseSchemaName: `dbos_bench_${process.pid}`,
      logLevel: "error",
    });
    const branch = async (adapter: SubprocessorAdapter, email: string) => {
      const ctx = createOperationContext({ subject: { email } });
      const subject: Subject = ctx.subject;
      const refs = await DBOS.runStep(async () => (await adapter.locate(subject, ctx)).refs, {
        name: `${adapter.id}.locate`,
      });
      await DBOS.runStep(() => adapter.restrict!(refs, ctx), { name: `${adapter.id}.restrict` });
      const fresh = await DBOS.runStep(async () => (await adapter.locate(subject, ctx)).refs, {
        name: `${adapter.id}.relocate`,
      });
      const deletion = await DBOS.runStep(() => adapter.delete(fresh, ctx), { name: `${adapter.id}.delete` });
      await DBOS.runStep(() => adapter.status(fresh, deletion, ctx), { name: `${adapter.id}.verify` });
    };
    const erase = DBOS.registerWorkflow(
      async (email: string) => {
        await Promise.all(adapters.map((a) => branch(a, email)));
      },
      { name: "erase" },
    );
    await DBOS.launch();
    await erase("warmup@example.test");
    const started = process.hrtime.bigint();
    await pMap(
      Array.from({ length: requests }, (_, i) => `dbos${i}@example.test`),
      (email) => erase(email),
      { concurrency: 8 },
    );
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    return {
      dbosStepOverheadMs: round(ms / (requests * adapters.length * STEPS_PER_BRANCH)),
      dbos: {
        version: await dbosVersion(),
        workload: {
          requests,
          adaptersPerRequest: adapters.length,
          stepsPerBranch: STEPS_PER_BRANCH,
          concurrency: 8,
        },
      },
    };
  } catch (error) {
    return {
      dbosStepOverheadMs: null,
      dbos: { skipped: `DBOS failed: ${(error as Error).message.split("\n")[0]}` },
    };
  } finally {
    await DBOS.shutdown().catch(() => {});
  }
}

async function dbosVersion(): Promise<string> {
  const { readFile } = await import("node:fs/promises");
  const { createRequire } = await import("node:module");
  const entry = process.env.GF_DBOS_SDK ?? createRequire(import.meta.url).resolve("@dbos-inc/dbos-sdk");
  if (!entry.includes("dbos-sdk")) return "unknown";
  const root = entry.slice(0, entry.indexOf("dbos-sdk") + "dbos-sdk".length);
  return (JSON.parse(await readFile(`${root}/package.json`, "utf8")) as { version: string }).version;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await runDbosBench(process.argv.includes("--quick")), null, 2));
  process.exit(0);
}
