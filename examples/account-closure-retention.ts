/**
 * An account closure that keeps invoices on a legal basis (GDPR Art. 17(3)(b)): everything about
 * the customer is erased after the 90-day closure window, except the invoices and charges that
 * Dutch tax law (AWR art. 52) requires for 7 years; their erasure is scheduled, durably, for the
 * day that retention ends, and the signed receipt says what was kept, why and until when.
 *
 * Run it: `node --import tsx examples/account-closure-retention.ts` — it starts the Stripe and
 * Chargebee simulators on a clock it moves by hand (90 days, then 7 years, in a second).
 */
import { pathToFileURL } from "node:url";
import { createFanout, memoryStore, type RetentionRule } from "gdpr-fanout";
import { startSimulators } from "gdpr-fanout/testing";

/**
 * The retention rules: how long each law asks is the company's to state (see docs/saga.md).
 * Dutch tax law counts from the end of the fiscal year: `from: "year-end"`.
 */
export const INVOICE_RETENTION: RetentionRule[] = [
  {
    adapter: "stripe",
    types: ["invoice", "charge"],
    basis: "NL AWR art. 52",
    for: "7 years",
    from: "year-end",
  },
  {
    adapter: "chargebee",
    types: ["invoice", "credit_note", "transaction"],
    basis: "NL AWR art. 52",
    for: "7 years",
    from: "year-end",
  },
];

const DAY = 86_400_000;

async function main() {
  let now = Date.parse("2026-12-01T09:00:00Z");
  const clock = () => now;
  const sims = await startSimulators({ providers: ["stripe", "chargebee"], transport: "nock", now: clock });
  const person = { email: "vera@acme.test", name: "Vera Billing" };
  const ids = await sims.seedSubject(person, { records: 2 });
  const fanout = createFanout({
    adapters: sims.adapters(),
    store: memoryStore(),
    secret: "example-secret-0123456789",
    now: clock,
    pollInterval: 1000,
    timeZone: "Europe/Amsterdam",
    retention: INVOICE_RETENTION,
  });
  // Works the request, moving the clock a minute between rounds (provider jobs run on it).
  const work = async (id: string) => {
    for (let i = 0; i < 60; i++) {
      await fanout.drain();
      const { state } = await fanout.status(id);
      if (state === "completed" || state === "needs_attention") return state;
      now += 60_000;
    }
    return (await fanout.status(id)).state;
  };

  // The account is closed: data kept 90 days (the controller's own window), then erased.
  const closure = await fanout.erase(
    { email: person.email, ids },
    { after: "90d", reason: "account-closed", idempotencyKey: "account-42-closure" },
  );
  await fanout.drain();
  const waiting = await fanout.status(closure.id);
  console.log(`closure ${closure.id}: ${waiting.state} until ${waiting.after.slice(0, 10)}`);

  now += 90 * DAY;
  console.log(`after 90 days: ${await work(closure.id)}`);
  const receipt = await fanout.receipt(closure.id);
  for (const k of receipt.retention.kept)
    console.log(`kept: ${k.adapter} ${k.count} ${k.type} (${k.basis}) until ${k.until}`);
  const [followUp] = receipt.retention.followUps;
  if (!followUp) throw new Error("no erasure was scheduled for the kept records");
  const listed = (await fanout.list()).items.find((r) => r.id === followUp.requestId);
  // 1 January 2035, 00:00 in Amsterdam: seven years after the end of 2027, the year erasure began.
  console.log(`scheduled: ${followUp.requestId} (${listed?.state}) erases them at ${followUp.until}`);
  console.log(
    `stripe invoices with personal data now: ${sims.oracle("stripe", person).byType.invoice?.live ?? 0}`,
  );

  now = Date.parse(followUp.until);
  console.log(`at ${followUp.until}: ${await work(followUp.requestId)}`);
  console.log(
    `stripe invoices with personal data then: ${sims.oracle("stripe", person).byType.invoice?.live ?? 0}`,
  );
  const verified = await fanout.verifyReceipt(await fanout.receipt(followUp.requestId));
  console.log(`follow-up receipt verifies: ${verified.valid}`);
  await fanout.close();
  await sims.close();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
