/**
 * A retention sweep: prospects' data is kept 24 months, then erased. This finds, in each CRM, the
 * prospects nobody touched for 24 months and files one erasure per record; a worker carries them
 * out. A dry run first shows how many there are (counts and fingerprints only).
 *
 * Run it: `node --import tsx examples/retention-sweep.ts` — it starts local simulators of HubSpot,
 * Pipedrive, Zoho CRM and Capsule with prospects of several ages, sweeps, and prints what is left.
 */
import { createFanout, memoryStore } from "gdpr-fanout";
import { startSimulators } from "gdpr-fanout/testing";

const MONTH = 30 * 86_400_000;
const sims = await startSimulators({
  providers: ["hubspot", "pipedrive", "zoho", "capsule"],
  transport: "http",
});
try {
  const people = {
    "old-prospect": { stage: "prospect", createdAt: Date.now() - 30 * MONTH },
    "young-prospect": { stage: "prospect", createdAt: Date.now() - 6 * MONTH },
    "old-customer": { stage: "customer", createdAt: Date.now() - 40 * MONTH },
  } as const;
  for (const [name, options] of Object.entries(people)) {
    await sims.seedSubject({ email: `${name}@example.test` }, { records: 1, ...options });
  }

  const fanout = createFanout({ adapters: sims.adapters(), store: memoryStore(), pollInterval: "200ms" });

  // 1. How many records are past the 24 months? Nothing is filed.
  const dry = await fanout.sweep({ policy: "prospect", olderThan: "24mo", dryRun: true });
  const perAdapter = Object.entries(dry.adapters).map(([id, a]) => `${id} ${a.found}`);
  console.log(`dry run: ${dry.found} expired (${perAdapter.join(", ")})`);

  // 2. File one erasure per record (durable: a sweep that stops resumes where it stood).
  fanout.on("sweep.adapter_done", (e) => console.log(`  ${e.adapter}: ${e.filed} filed`));
  const sweep = await fanout.sweep({ policy: "prospect", olderThan: "24mo" });
  console.log(`filed ${sweep.filed} erasure requests`);

  // 3. A worker carries them out (here: until they are all done).
  for (let round = 0; round < 150; round++) {
    await fanout.drain();
    const open = (await fanout.list({ limit: 100 })).items.filter((r) => r.state !== "completed");
    if (open.length === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  console.log(`completed ${(await fanout.list({ state: "completed" })).items.length} requests`);
  for (const name of Object.keys(people)) {
    const left = await sims.remaining(`${name}@example.test`);
    console.log(
      `${name}: ${Object.entries(left)
        .map(([id, n]) => `${id} ${n}`)
        .join(", ")} records left`,
    );
  }
  await fanout.close();
} finally {
  await sims.close();
}
