// Crash recovery across the seven real adapters on SQLite (see reliability/crash-run.ts).
import { afterAll, describe, it } from "vitest";
import { cleanup, crashAcrossAdapters, KILLS, REQUESTS } from "./reliability/crash-run.js";

afterAll(cleanup);

describe("SIGKILL across the seven adapters on SQLite", () => {
  it(`completes ${REQUESTS} erasures across ${KILLS} kills`, () => crashAcrossAdapters("sqlite"), 300_000);
});
