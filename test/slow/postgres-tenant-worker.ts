// A worker process for the multi-tenant Postgres test: serves every tenant's requests from one
// database, building each tenant's adapter from its token when one of its requests runs.
import { createFanout } from "../../src/index.js";
import { postgresRateLimiter, postgresStore } from "../../src/stores/postgres.js";
import { tenantCrmAdapter, tokenOf } from "./postgres-tenant-fakes.js";

const [url, schema, baseUrl, worker] = process.argv.slice(2);
if (!url || !schema || !baseUrl || !worker)
  throw new Error("usage: postgres-tenant-worker <url> <schema> <baseUrl> <worker>");
const resolved: string[] = [];
const fanout = createFanout({
  // The SaaS's token store, reduced to a function: one token per customer.
  tenants: async (tenant) => {
    resolved.push(tenant);
    return [tenantCrmAdapter(baseUrl, tokenOf(tenant), worker)];
  },
  store: postgresStore({ connectionString: url, schema }),
  rateLimiter: postgresRateLimiter({ connectionString: url, schema, maxConnections: 2 }),
  secret: "postgres-tenant-test-secret-0123456789",
  workerId: worker,
  lease: 2000,
  concurrency: 6,
});
process.send?.({ type: "ready", worker });
process.on("SIGTERM", () => {
  process.send?.({ type: "resolved", worker, tenants: [...new Set(resolved)] });
  setTimeout(() => process.exit(0), 50);
});
await fanout.run({ idleMs: 20 });
