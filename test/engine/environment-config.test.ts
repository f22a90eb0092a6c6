// Configuration the way Node services get it: the store from GDPR_FANOUT_DATABASE_URL when no
// store is passed, and event handlers in the options (`on`), so one options object serves the
// backend and the CLI's config file.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createFanout, isFanoutError, memoryStore } from "../../src/index.js";
import { FakeProvider } from "./fake-provider.js";
import { EMAIL, SECRET } from "./helpers.js";

const saved = process.env.GDPR_FANOUT_DATABASE_URL;
const dir = mkdtempSync(join(tmpdir(), "gf-env-"));
afterEach(() => {
  if (saved === undefined) delete process.env.GDPR_FANOUT_DATABASE_URL;
  else process.env.GDPR_FANOUT_DATABASE_URL = saved;
});

function adapters() {
  const p = new FakeProvider("alpha");
  p.seed(EMAIL, 1);
  return [p.adapter()];
}

describe("GDPR_FANOUT_DATABASE_URL", () => {
  it("names the default store: a SQLite path, or Postgres by URL", async () => {
    const path = join(dir, "from-env.db");
    process.env.GDPR_FANOUT_DATABASE_URL = `sqlite:${path}`;
    const fanout = createFanout({ adapters: adapters(), secret: SECRET });
    expect(fanout.store.kind).toBe("sqlite");
    await fanout.erase({ email: EMAIL });
    expect(existsSync(path)).toBe(true);
    await fanout.close();
    process.env.GDPR_FANOUT_DATABASE_URL = "postgres://gdpr:pw@127.0.0.1:1/gdpr";
    expect(createFanout({ adapters: adapters(), secret: SECRET }).store.kind).toBe("postgres");
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a URL it cannot use, at createFanout", () => {
    process.env.GDPR_FANOUT_DATABASE_URL = "mysql://db/gdpr";
    let caught: unknown;
    try {
      createFanout({ adapters: adapters(), secret: SECRET });
    } catch (error) {
      caught = error;
    }
    expect(isFanoutError(caught, "CONFIGURATION")).toBe(true);
    expect((caught as Error).message).toContain("GDPR_FANOUT_DATABASE_URL");
  });
});

describe("createFanout({ on })", () => {
  it("registers handlers by event name; a failing async handler is logged, never fatal", async () => {
    const seen: string[] = [];
    const errors: unknown[] = [];
    const fanout = createFanout({
      adapters: adapters(),
      store: memoryStore(),
      secret: SECRET,
      logger: { debug() {}, info() {}, warn() {}, error: (obj) => errors.push(obj) },
      on: {
        "request.completed": (event) => {
          seen.push(`${event.type} ${event.requestId}`);
        },
        "request.created": async () => {
          throw new Error("pager down");
        },
      },
    });
    const req = await fanout.erase({ email: EMAIL });
    await fanout.drain();
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([`request.completed ${req.id}`]);
    expect(errors).toContainEqual({ event: "request.created", code: "HANDLER" });
    expect(() => createFanout({ adapters: adapters(), secret: SECRET, on: { x: "y" } as never })).toThrow(
      /on\["x"\]/,
    );
  });
});
