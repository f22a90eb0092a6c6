/**
 * Tenant isolation across worker processes on one Postgres store (DESIGN §10.4): several workers
 * serve many tenants' requests for the same people, and every provider call of a request is made
 * with its own tenant's token — never another tenant's — whichever worker runs it, including
 * requests handed from one worker to another. The records of the people nobody asked about stay;
 * the store holds tenant ids and no token; each tenant has its own rate-limit budget.
 * Needs GDPR_FANOUT_PG_URL (scripts/with-postgres.sh sets one up; npm run test:postgres runs it).
 */
import { type ChildProcess, fork } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createFanout } from "../../src/index.js";
import { postgresStore } from "../../src/stores/postgres.js";
import { dropSchemas, freshSchema, PG_SKIP_REASON, PG_URL, testPool } from "../store/postgres-helpers.js";
import { TenantFakeServer, tenantCrmAdapter, tokenOf } from "./postgres-tenant-fakes.js";

const here = dirname(fileURLToPath(import.meta.url));
const prefix = `gf_tenants_${process.pid}_`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TENANTS = Array.from({ length: 8 }, (_, i) => `tenant-${i + 1}`);
const PEOPLE = Array.from({ length: 5 }, (_, i) => `person${i}@example.test`);

describe.skipIf(!PG_URL)(`tenant isolation across worker processes${PG_SKIP_REASON}`, () => {
  afterAll(async () => {
    const pool = testPool(1);
    await dropSchemas(pool, prefix);
    await pool.end();
  });

  it("runs every request with its own tenant's token, whichever worker serves it", async () => {
    const schema = freshSchema(`tenants_${process.pid}`);
    const server = new TenantFakeServer(TENANTS);
    const baseUrl = await server.start();
    for (const email of PEOPLE) server.seed(email, 2);
    const fanout = createFanout({
      tenants: async (tenant) => [tenantCrmAdapter(baseUrl, tokenOf(tenant), "filer")],
      store: postgresStore({ connectionString: PG_URL, schema }),
      secret: "postgres-tenant-test-secret-0123456789",
    });
    await fanout.store.migrate();
    const children: ChildProcess[] = [];
    const resolvedBy = new Map<string, string[]>();
    try {
      await Promise.all(
        ["w1", "w2", "w3"].map(
          (worker) =>
            new Promise<void>((resolve, reject) => {
              const child = fork(join(here, "postgres-tenant-worker.ts"), [PG_URL, schema, baseUrl, worker], {
                execArgv: ["--import", "tsx"],
                stdio: ["ignore", "ignore", "inherit", "ipc"],
              });
              children.push(child);
              child.on("message", (m: { type: string; worker: string; tenants?: string[] }) => {
                if (m.type === "ready") resolve();
                if (m.type === "resolved") resolvedBy.set(m.worker, m.tenants ?? []);
              });
              child.once("error", reject);
            }),
        ),
      );
      // Everyone asks every tenant but the last to erase them, except person0 at tenant-1 (a
      // control); with a short wait, so requests change hands between workers.
      const tenantOfRequest = new Map<string, string>();
      for (const tenant of TENANTS.slice(0, -1)) {
        for (const email of PEOPLE) {
          if (tenant === "tenant-1" && email === PEOPLE[0]) continue;
          const { id } = await fanout.erase(
            { email },
            { tenant, after: "1s", idempotencyKey: `dsr-${email}`, reason: "caller asked" },
          );
          tenantOfRequest.set(id, tenant);
        }
      }
      const total = tenantOfRequest.size;
      const deadline = Date.now() + 120_000;
      let done = 0;
      while (Date.now() < deadline) {
        done = (await fanout.list({ state: "completed", limit: 1000 })).items.length;
        if (done >= total) break;
        await sleep(200);
      }
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              child.once("exit", () => resolve());
              child.kill("SIGTERM");
            }),
        ),
      );
      if (done < total) {
        const open = (await fanout.list({ limit: 1000 })).items.filter((r) => r.state !== "completed");
        const first = open[0] ? await fanout.status(open[0].id) : null;
        console.log(`tenants: not completed ${JSON.stringify(open.slice(0, 3))} ${JSON.stringify(first)}`);
      }
      expect(done).toBe(total);

      // 1. Every call of a request went to its own tenant's account, with that tenant's token.
      const foreign = server.calls.filter((c) => tenantOfRequest.get(c.requestId) !== c.account);
      expect(foreign).toEqual([]);
      expect(server.unauthorised).toBe(0);
      expect(new Set(server.calls.map((c) => c.requestId))).toEqual(new Set(tenantOfRequest.keys()));
      // 2. The workers shared the work: each served several tenants, and requests changed hands.
      const workers = new Set(server.calls.map((c) => c.worker));
      expect(workers.size).toBe(3);
      for (const worker of workers) {
        const tenants = new Set(server.calls.filter((c) => c.worker === worker).map((c) => c.account));
        expect(tenants.size, `${worker} served several tenants`).toBeGreaterThan(1);
      }
      const handedOver = [...tenantOfRequest.keys()].filter(
        (id) => new Set(server.calls.filter((c) => c.requestId === id).map((c) => c.worker)).size > 1,
      );
      console.log(
        `tenants: ${total} requests for ${TENANTS.length - 1} tenants by ${workers.size} workers, ` +
          `${server.calls.length} calls, ${handedOver.length} requests served by more than one worker`,
      );
      // 3. What was asked is gone; nobody else's records moved (the control person, the last tenant).
      for (const tenant of TENANTS) {
        for (const email of PEOPLE) {
          const asked = tenant !== TENANTS.at(-1) && !(tenant === "tenant-1" && email === PEOPLE[0]);
          expect(server.live(tenant, email), `${tenant} ${email}`).toBe(asked ? 0 : 2);
        }
      }
      // 4. Receipts, status and lists say whose request it was; one key groups a person's requests.
      const sample = [...tenantOfRequest][0]!;
      expect((await fanout.receipt(sample[0])).tenant).toBe(sample[1]);
      expect((await fanout.list({ tenant: "tenant-3", limit: 1000 })).items).toHaveLength(PEOPLE.length);
      expect(
        (await fanout.list({ idempotencyKeyPrefix: `dsr-${PEOPLE[1]}/`, limit: 1000 })).items,
      ).toHaveLength(TENANTS.length - 1);
      // 5. The store holds tenant ids, never a token; every tenant had a budget of its own.
      const pool = testPool(1);
      try {
        const dump = JSON.stringify(
          (
            await Promise.all(
              ["gf_requests", "gf_branches", "gf_steps", "gf_audit", "gf_rate_limits"].map(
                async (table) => (await pool.query({ text: `SELECT * FROM "${schema}".${table}` })).rows,
              ),
            )
          ).flat(),
        );
        for (const tenant of TENANTS) expect(dump).not.toContain(tokenOf(tenant));
        const keys = (await pool.query({ text: `SELECT key FROM "${schema}".gf_rate_limits` })).rows.map(
          (r) => String(r.key),
        );
        expect(new Set(keys.filter((k) => k.startsWith("crm:"))).size).toBe(TENANTS.length - 1);
      } finally {
        await pool.end();
      }
      console.log(`tenants: resolved per worker ${JSON.stringify(Object.fromEntries(resolvedBy))}`);
    } finally {
      for (const child of children)
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await fanout.close();
      await server.close();
    }
  }, 180_000);
});
