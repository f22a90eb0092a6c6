// The scale-out example runs against a real PostgreSQL (npm run test:postgres provides one).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const url = process.env.GDPR_FANOUT_PG_URL;

describe("examples/postgres-workers.ts", () => {
  it.skipIf(!url)(
    url
      ? "three worker processes complete every request"
      : "skipped: GDPR_FANOUT_PG_URL is not set (run npm run test:postgres)",
    async () => {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ["--import", "tsx", "examples/postgres-workers.ts", "3"],
        {
          timeout: 120_000,
        },
      );
      expect(stdout).toMatch(/^20\/20 completed by 3 workers in \d+ ms/m);
    },
    150_000,
  );
});
