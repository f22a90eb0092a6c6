// Crash recovery across the seven real adapters on Postgres (see reliability/crash-run.ts). Needs
// GDPR_FANOUT_PG_URL: `npm run test:postgres` (scripts/with-postgres.sh) runs it in CI.
import { afterAll, describe, it } from "vitest";
import { cleanup, crashAcrossAdapters, KILLS, PG_STORE, PG_URL, REQUESTS } from "./reliability/crash-run.js";

afterAll(cleanup);
const skipped = PG_URL && PG_STORE ? "" : " (skipped: GDPR_FANOUT_PG_URL is not set; npm run test:postgres)";

describe(`SIGKILL across the seven adapters on Postgres${skipped}`, () => {
  it.skipIf(skipped !== "")(
    `completes ${REQUESTS} erasures across ${KILLS} kills`,
    () => crashAcrossAdapters("postgres"),
    300_000,
  );
});
