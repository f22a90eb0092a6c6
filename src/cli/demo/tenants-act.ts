/**
 * The demo's second act (docs/tenants.md): the company's phone integration logged calls into two of
 * its customers' CRMs — each customer (a tenant) with its own HubSpot and Pipedrive — and a person
 * who phoned both asks for erasure. One request per tenant, grouped under one idempotency key, in
 * integration scope on each tenant's instruction: the calls the integration wrote (and their
 * recordings) go, the contacts and records the tenants keep stay. The oracle shows both; each
 * tenant gets its own receipt.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createFanout, type Fanout } from "../../engine/create-fanout.js";
import type { RequestStatus } from "../../engine/types.js";
import type { SqliteStoreOptions } from "../../store/sqlite-store.js";
import { sqliteStore } from "../../store/sqlite-store.js";
import type { IntegrationOracleView } from "../../testing/simulator.js";
import type { Simulators } from "../../testing/start-simulators.js";
import { type Style, table } from "../output.js";
import { DEMO_SECRET, follow, scaledLimiter, TIME_SCALE } from "./support.js";

/** The caller of the second act: a fictitious number (Ofcom's drama range). */
export const CALLER = { phone: "+44 20 7946 0555", name: "Sam Caller" } as const;
/** The company's customers whose CRMs the integration writes into. */
export const TENANTS = ["acme", "globex"] as const;
const GROUP_KEY = "caller-dsr-118";

/** What the second act did (part of the demo's `--json` output). */
export interface TenantsActResult {
  readonly ok: boolean;
  readonly tenants: Readonly<
    Record<
      string,
      {
        readonly id: string;
        readonly state: string;
        readonly outcomes: Record<string, string | null>;
        /** Per provider: the integration's live records and the tenant's, before and after. */
        readonly oracle: Record<
          string,
          {
            readonly integration: [number, number];
            readonly tenant: [number, number];
            readonly calls: [number, number];
          }
        >;
        readonly receipt: { readonly path: string; readonly valid: boolean } | null;
      }
    >
  >;
}

/** Runs the second act; `say` prints unless the demo runs with --json. */
export async function runTenantsAct(options: {
  readonly say: (...lines: string[]) => void;
  readonly style: Style;
  readonly dir: string;
  readonly database: string;
  readonly latencyMs: number;
  readonly deadline: number;
  readonly signal: AbortSignal;
}): Promise<TenantsActResult> {
  const { say, style } = options;
  const { startSimulators } = await import("../../testing/start-simulators.js");
  const { createHubspotSimulator } = await import("../../testing/simulators/hubspot/index.js");
  const sims = new Map<string, Simulators>();
  let fanout: Fanout | undefined;
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal.addEventListener("abort", onAbort, { once: true });
  let worker: Promise<void> | undefined;
  try {
    for (const [i, tenant] of TENANTS.entries()) {
      sims.set(
        tenant,
        await startSimulators({
          // Each tenant's own accounts, with their own credentials.
          providers: [
            createHubspotSimulator({ accessToken: `pat-sim-${tenant}-0000-4000-8000-00000000000${i}` }),
            "pipedrive",
          ],
          transport: "http",
          timeScale: TIME_SCALE,
          latencyMs: options.latencyMs,
          seed: 101 + i * 17,
        }),
      );
    }
    const before = new Map<string, Record<string, IntegrationOracleView>>();
    /** The ids the integration stored when it wrote into each tenant's CRMs. */
    const stored = new Map<string, Record<string, string[]>>();
    for (const [tenant, s] of sims) {
      const seeded = s.seedIntegration(CALLER, { calls: 2 });
      stored.set(
        tenant,
        Object.fromEntries(
          Object.entries(seeded).map(([provider, seed]) => [provider, [...seed.integrationIds]]),
        ),
      );
      before.set(tenant, oracleOf(s));
    }
    say(
      "",
      style.bold("5. A caller's erasure in two customers' CRMs (tenants, integration scope)"),
      `   The phone integration logged calls with ${CALLER.phone} into the HubSpot and Pipedrive of two customers,`,
      `   ${TENANTS.join(" and ")}, who each keep the caller as a contact of their own. The caller asks to be erased;`,
      "   each customer (the controller) instructs us. We look the calls up by the number and by the ids we stored",
      "   when we wrote them. The number is not shown again.",
    );
    const store: SqliteStoreOptions = { path: options.database, synchronous: "normal" };
    fanout = createFanout({
      // Each tenant's adapters, with that tenant's credentials, built when its request runs.
      tenants: async (tenant) => sims.get(tenant)?.adapters() ?? [],
      store: sqliteStore(store),
      secret: DEMO_SECRET,
      deadline: "14d",
      pollInterval: 100,
      retry: { initialInterval: 100, maximumInterval: 2000 },
      rateLimiter: scaledLimiter(),
    });
    worker = fanout.run({ signal: stop.signal, idleMs: 50 });
    const filed = new Map<string, string>();
    for (const tenant of TENANTS) {
      const { id } = await fanout.erase(
        { phone: CALLER.phone, ids: stored.get(tenant) ?? {} },
        {
          tenant,
          scope: "integration",
          instruction: { reference: `${tenant.toUpperCase()}-DSR-118`, at: new Date(Date.now() - 3_600_000) },
          idempotencyKey: GROUP_KEY,
          reason: "caller asked for erasure",
        },
      );
      filed.set(tenant, id);
    }
    const finals = new Map<string, RequestStatus>();
    for (const [tenant, id] of filed)
      finals.set(tenant, await follow(fanout, id, null, options.deadline, stop.signal));
    stop.abort();
    await worker;
    worker = undefined;
    const group = await fanout.list({ idempotencyKeyPrefix: `${GROUP_KEY}/` });
    say(`   Filed ${group.items.length} requests under the key ${GROUP_KEY} (one per tenant):`, "");

    const rows: string[][] = [];
    const result: Record<string, TenantsActResult["tenants"][string]> = {};
    let ok = true;
    for (const [tenant, s] of sims) {
      const final = finals.get(tenant)!;
      const after = oracleOf(s);
      const oracle: TenantsActResult["tenants"][string]["oracle"] = {};
      for (const provider of s.providers) {
        const b = before.get(tenant)![provider]!;
        const a = after[provider]!;
        oracle[provider] = {
          integration: [b.integration, a.integration],
          tenant: [b.tenant, a.tenant],
          calls: [b.calls, a.calls],
        };
        const branch = final.branches.find((x) => x.adapter === provider);
        const good = a.calls === 0 && a.integration === 0 && a.tenant === b.tenant && b.tenant > 0;
        if (!good) ok = false;
        rows.push([
          tenant,
          provider,
          `${b.integration} → ${a.integration}`,
          `${b.tenant} → ${a.tenant}`,
          branch?.outcome ?? "-",
          good ? style.green("✓ calls erased, contact kept") : style.red("✗ check this"),
        ]);
      }
      let receipt: { path: string; valid: boolean } | null = null;
      if (final.state === "completed") {
        const signed = await fanout.receipt(final.id);
        const path = join(options.dir, `receipt-${tenant}.json`);
        await writeFile(path, `${JSON.stringify(signed, null, 2)}\n`);
        receipt = { path, valid: (await fanout.verifyReceipt(signed)).valid };
      }
      if (final.state !== "completed" || !receipt?.valid) ok = false;
      result[tenant] = {
        id: final.id,
        state: final.state,
        outcomes: Object.fromEntries(final.branches.map((b) => [b.adapter, b.outcome])),
        oracle,
        receipt,
      };
    }
    say(
      ...table(
        ["tenant", "provider", "integration's records", "tenant's own", "outcome", ""],
        rows,
        style,
      ).map((l) => `   ${l}`),
      "",
      ...TENANTS.map((tenant) => {
        const r = result[tenant]!;
        const verdict = r.receipt?.valid ? style.green("✓ verified") : style.red("✗ no valid receipt");
        return `   ${tenant}: request ${r.id} ${r.state}; receipt receipt-${tenant}.json ${verdict} (tenant ${tenant}, scope integration, instruction ${tenant.toUpperCase()}-DSR-118)`;
      }),
      style.dim(
        "   Archived HubSpot calls and Pipedrive's trashed activities are purged by the providers later (scheduled).",
      ),
    );
    return { ok, tenants: result };
  } finally {
    options.signal.removeEventListener("abort", onAbort);
    stop.abort();
    await worker?.catch(() => {});
    await fanout?.close();
    await Promise.all([...sims.values()].map((s) => s.close()));
  }
}

function oracleOf(s: Simulators): Record<string, IntegrationOracleView> {
  return Object.fromEntries(s.providers.map((p) => [p, s.integrationOracle(p, CALLER)]));
}
