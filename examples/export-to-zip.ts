/**
 * Access and portability: everything the providers hold about a person, as one zip with a
 * manifest (sha256 of every file), one JSON file per provider, and an index.html the person can
 * read — here in Dutch, with the controller's statements of GDPR Art. 15(1) (docs/access-package.md).
 * Nothing exported is kept in the store.
 *
 * Run it: `node --import tsx examples/export-to-zip.ts [out.zip]`
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createFanout, memoryStore } from "gdpr-fanout";
import { startSimulators } from "gdpr-fanout/testing";

async function main() {
  const to = process.argv[2] ?? join(tmpdir(), `access-package-${Date.now()}.zip`);
  const sims = await startSimulators({ transport: "http", timeScale: 0.001 });
  await sims.seedSubject({ email: "ana@acme.test", name: "Ana Lima" }, { records: 4 });
  const fanout = createFanout({
    adapters: sims.adapters(),
    store: memoryStore(),
    secret: "example-secret-0123456789",
    controller: { name: "Acme Ltd", contact: "privacy@acme.test", dpo: "dpo@acme.test" },
    purposes: { "*": { en: "Running your account", nl: "Het beheer van uw account" } },
    recipients: [{ name: "Stripe Payments Europe Ltd", adapter: "stripe", country: "IE" }],
  });
  const result = await fanout.export(
    { email: "ana@acme.test" },
    { to, reason: "access-request", language: "nl" },
  );
  if (result.state !== "completed" || !result.manifest) throw new Error(`export ended ${result.state}`);
  console.log(`access package: ${result.path}`);
  for (const [adapter, info] of Object.entries(result.manifest.adapters)) {
    console.log(`  ${adapter}: ${info.records} records, ${info.files} files (${info.status})`);
  }
  await sims.close();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
