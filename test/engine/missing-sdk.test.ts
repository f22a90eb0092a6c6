// A provider SDK that is not installed is a CONFIGURATION error that is never retried (Postmark's
// used to be a retryable STEP_FAILED: hours of retries for something only an install fixes). The
// packed-package test (test/slow/packed-package.test.ts) sees it with Postmark's real SDK absent.
import { describe, expect, it } from "vitest";
import { createFanout, defineAdapter, memoryStore, toFanoutError } from "../../src/index.js";
import { missingPackage } from "../../src/missing-package.js";

/** An adapter that loads its SDK lazily, as the built-in ones do — one that is not installed. */
const lazySdkAdapter = defineAdapter({
  id: "lazy-sdk",
  capabilities: { restrict: false },
  async locate() {
    const specifier = "gdpr-fanout-sdk-that-is-not-installed";
    await import(specifier);
    return { refs: [] };
  },
  export: async () => ({ records: [] }),
  delete: async () => ({ outcome: "not_found", deleted: 0 }),
  status: async () => ({ state: "done", remaining: 0 }),
});

describe("a provider SDK that is not installed", () => {
  it("ends the branch at once with CONFIGURATION naming the package, not a retry", async () => {
    const fanout = createFanout({
      adapters: [lazySdkAdapter],
      store: memoryStore(),
      secret: "missing-sdk-secret-0123456789",
    });
    const req = await fanout.erase({ email: "jane@acme.test" });
    await fanout.drain();
    const status = await fanout.status(req.id);
    expect(status.state).toBe("needs_attention");
    const branch = status.branches[0]!;
    expect(branch).toMatchObject({ state: "failed", attempt: 1 });
    expect(branch.error).toMatchObject({
      code: "CONFIGURATION",
      retryable: false,
      provider: "lazy-sdk",
      operation: "locate",
      details: { package: "gdpr-fanout-sdk-that-is-not-installed" },
    });
    expect(branch.error?.message).toMatch(/^lazy-sdk: /);
    expect(branch.error?.message).toContain("npm install gdpr-fanout-sdk-that-is-not-installed");
  });

  it("is recognised from every resolution error shape, and toFanoutError never calls it NETWORK", () => {
    const shapes: [string, string, string][] = [
      ["ERR_MODULE_NOT_FOUND", "Cannot find package 'postmark' imported from /x.js", "postmark"],
      [
        "ERR_MODULE_NOT_FOUND",
        "Cannot find package '@hubspot/api-client' imported from /x.js",
        "@hubspot/api-client",
      ],
      ["MODULE_NOT_FOUND", "Cannot find module 'stripe'\nRequire stack:\n- /x.js", "stripe"],
      [
        "ERR_PACKAGE_PATH_NOT_EXPORTED",
        "Package subpath './v2' is not defined by \"exports\" in /app/node_modules/pipedrive/package.json",
        "pipedrive",
      ],
    ];
    for (const [code, message, pkg] of shapes) {
      const error = Object.assign(new Error(message), { code });
      expect(missingPackage(error)).toBe(pkg);
      expect(toFanoutError(error, { provider: "x", operation: "load" })).toMatchObject({
        code: "CONFIGURATION",
        retryable: false,
      });
    }
    expect(
      missingPackage(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })),
    ).toBeUndefined();
  });
});
