// Simulators never take the test process down with a header HTTP cannot carry: file names outside
// Latin-1 are encoded as providers do (RFC 6266 / RFC 8187), and whatever a simulator still gets
// wrong is answered as a 500 that says so, over HTTP and through nock alike.
import { afterEach, describe, expect, it } from "vitest";
import { filenameOf } from "../../adapters/capsule/links.js";
import { normalizeSubject } from "../../src/subject.js";
import { contentDisposition } from "../../src/testing/content-disposition.js";
import { createOperationContext } from "../../src/testing/context.js";
import { createSimEnvironment } from "../../src/testing/environment.js";
import { serveHttp } from "../../src/testing/serve.js";
import { serveNock } from "../../src/testing/serve-nock.js";
import type { ProviderSimulator } from "../../src/testing/simulator.js";
import { capsuleSimulator, createCapsuleSimulator } from "../../src/testing/simulators/capsule/index.js";

const open: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()?.();
});

const HOSTILE_NAME = "Zoë 履歴書 — call 1.mp3";

/** A simulator whose only route answers with a raw non-Latin-1 header, as the Capsule one did. */
const brokenSimulator: ProviderSimulator = {
  id: "broken",
  handle: () => ({
    status: 200,
    headers: { "content-disposition": `attachment; filename="${HOSTILE_NAME}"` },
    body: Buffer.from("bytes"),
  }),
  errorResponse: (status) => ({ status, body: { error: "x" } }),
  seed: () => [],
  oracle: () => ({ live: 0, trashed: 0, restricted: 0, byType: {} }),
  destructiveApplications: () => new Map(),
  adapterOptions: () => ({}),
};

describe("Content-Disposition for any file name", () => {
  it.each([HOSTILE_NAME, "plain.pdf", `quote " and back\\slash (1)*'.txt`, "\u202Egpj.exe"])(
    "round-trips %j through filename* with an ASCII fallback",
    (name) => {
      const header = contentDisposition("attachment", name);
      expect(header).toMatch(/^[\x20-\x7e]+$/);
      expect(filenameOf(header)).toBe(name);
    },
  );
});

describe.each(["http", "nock"] as const)("serving over %s", (transport) => {
  it("answers a header HTTP cannot carry with a 500 naming the problem, not a crash", async () => {
    const serving =
      transport === "http"
        ? await serveHttp(brokenSimulator)
        : await serveNock(brokenSimulator, "https://broken.example.test");
    open.push(() => serving.close());
    const res = await fetch(`${serving.baseUrl}/file`);
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: string; message: string };
    expect(body.error).toBe("simulator_invalid_header");
    expect(body.message).toContain('"content-disposition"');
    expect(body.message).not.toContain("履歴書");
  });

  it("Capsule sends a non-Latin-1 attachment name the adapter reads back exactly", async () => {
    const sim = createCapsuleSimulator().create(createSimEnvironment({ pageSize: 10 }));
    const subject = { email: "zoe.unicode@example.test" };
    sim.seed(subject, { records: 1 });
    for (const attachment of sim.state.attachments.values()) attachment.filename = HOSTILE_NAME;
    const serving =
      transport === "http" ? await serveHttp(sim) : await serveNock(sim, "https://api.capsulecrm.com");
    open.push(() => serving.close());
    const adapter = capsuleSimulator.createAdapter(sim.adapterOptions(serving.baseUrl));
    const ctx = createOperationContext({ subject });
    const { refs } = await adapter.locate(normalizeSubject(subject), ctx);
    const result = await adapter.export(refs, ctx);
    expect(result.files?.length).toBe(1);
    expect(result.files?.[0]?.name.endsWith(HOSTILE_NAME)).toBe(true);
  });
});
