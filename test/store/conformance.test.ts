import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { memoryStore } from "../../src/index.js";
import { sqliteStore } from "../../src/store/sqlite-store.js";
import { runStoreConformance } from "../../src/testing/store-conformance.js";

const dir = mkdtempSync(join(tmpdir(), "gf-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

runStoreConformance("memory", async () => memoryStore());
runStoreConformance("sqlite", async () => sqliteStore({ path: join(dir, `s${++n}.db`) }));
