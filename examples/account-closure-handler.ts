/**
 * An Express-style account-closure handler: `(req, res)` as Express, Fastify's raw mode or plain
 * `node:http` call it. Closing an account records an erasure request (returns at once) that a
 * worker carries out after the 90-day retention window.
 *
 * Run it: `node --import tsx examples/account-closure-handler.ts` — it starts local simulators,
 * serves the handler on 127.0.0.1, closes one account and prints the request's status.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { createFanout, type Fanout, isFanoutError, memoryStore } from "gdpr-fanout";
import { startSimulators } from "gdpr-fanout/testing";

/** What the application knows about an account: its email and the ids it stored at each provider. */
export interface Account {
  email: string;
  ids: Record<string, string[]>;
}

/** `POST /accounts/:id/close` → 202 `{ requestId, state }`. */
export function createAccountClosureHandler(
  fanout: Fanout,
  findAccount: (id: string) => Promise<Account | undefined>,
) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const match = /^\/accounts\/([\w-]+)\/close$/.exec(req.url ?? "");
    if (req.method !== "POST" || !match) {
      res.writeHead(404).end();
      return;
    }
    const accountId = match[1]!;
    const account = await findAccount(accountId);
    if (!account) {
      res
        .writeHead(404, { "content-type": "application/json" })
        .end(JSON.stringify({ error: "unknown account" }));
      return;
    }
    try {
      const request = await fanout.erase(
        { email: account.email, ids: account.ids },
        // The key makes a retried HTTP call return the same request instead of a second one.
        { after: "90d", reason: "account-closed", idempotencyKey: `account-${accountId}-closure` },
      );
      res
        .writeHead(202, { "content-type": "application/json" })
        .end(JSON.stringify({ requestId: request.id, state: request.state }));
    } catch (error) {
      // FanoutError messages never contain the subject's identifiers: safe to log and return.
      const status = isFanoutError(error, "INVALID_SUBJECT", "INVALID_ARGUMENT") ? 400 : 500;
      res
        .writeHead(status, { "content-type": "application/json" })
        .end(JSON.stringify({ error: isFanoutError(error) ? error.code : "INTERNAL" }));
    }
  };
}

async function main() {
  const sims = await startSimulators({ transport: "http" });
  const ids = await sims.seedSubject({ email: "jane@acme.test", name: "Jane Doe" }, { records: 3 });
  const fanout = createFanout({
    adapters: sims.adapters(),
    store: memoryStore(),
    secret: "example-secret-0123456789",
  });
  const accounts = new Map<string, Account>([["42", { email: "jane@acme.test", ids }]]);
  const server = createServer(createAccountClosureHandler(fanout, async (id) => accounts.get(id)));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const response = await fetch(`http://127.0.0.1:${port}/accounts/42/close`, { method: "POST" });
  const body = (await response.json()) as { requestId: string };
  await fanout.drain(); // a worker would run fanout.run(); here: restrict now, erase after 90 days
  const status = await fanout.status(body.requestId);
  console.log(`HTTP ${response.status}; request ${body.requestId} is ${status.state} until ${status.after}`);
  console.log(status.branches.map((b) => `  ${b.adapter}: ${b.records ?? 0} records, ${b.state}`).join("\n"));
  server.close();
  await sims.close();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
