import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkCallsAgainstSpecs, loadSpecs, matchCall } from "../../src/testing/index.js";

const specsDir = process.env.GDPR_FANOUT_SPECS_DIR;

function tinySpecs(): string {
  const dir = mkdtempSync(join(tmpdir(), "gf-specs-"));
  writeFileSync(
    join(dir, "contacts.json"),
    JSON.stringify({
      openapi: "3.0.1",
      servers: [{ url: "https://api.example.test/api" }],
      components: { parameters: { after: { name: "after", in: "query", schema: { type: "string" } } } },
      paths: {
        "/v1/contacts": {
          get: { parameters: [{ name: "email", in: "query" }, { $ref: "#/components/parameters/after" }] },
        },
        "/v1/contacts/{id}": {
          parameters: [{ name: "id", in: "path", required: true }],
          get: {},
          delete: { parameters: [{ $ref: "shared.json#/components/parameters/hard" }] },
        },
      },
    }),
  );
  writeFileSync(
    join(dir, "shared.json"),
    JSON.stringify({
      openapi: "3.0.1",
      paths: {},
      components: { parameters: { hard: { name: "hard", in: "query" } } },
    }),
  );
  writeFileSync(join(dir, "notes.txt"), "not a spec");
  return dir;
}

describe("OpenAPI contract matcher", () => {
  const specs = loadSpecs(tinySpecs());

  it("matches method, templated path, server base path and declared query parameters", () => {
    expect(
      matchCall({ method: "GET", path: "/api/v1/contacts", queryKeys: ["email", "after"] }, specs),
    ).toBeUndefined();
    expect(matchCall({ method: "GET", path: "/api/v1/contacts/c_42" }, specs)).toBeUndefined();
    expect(
      matchCall({ method: "DELETE", path: "/api/v1/contacts/c_42", queryKeys: ["hard"] }, specs),
    ).toBeUndefined();
  });

  it("says why a call does not match", () => {
    expect(matchCall({ method: "GET", path: "/v1/contacts" }, specs)).toMatch(/no operation has this path/);
    expect(matchCall({ method: "POST", path: "/api/v1/contacts/c_42" }, specs)).toMatch(/no POST operation/);
    expect(matchCall({ method: "GET", path: "/api/v1/contacts/a/b" }, specs)).toMatch(/no operation/);
    expect(matchCall({ method: "GET", path: "/api/v1/contacts", queryKeys: ["phone"] }, specs)).toMatch(
      /not in the spec: phone/,
    );
  });

  it("lists each mismatching call once", () => {
    const calls = [
      { method: "GET", path: "/api/v1/contacts", queryKeys: ["email"] },
      { method: "PATCH", path: "/api/v1/contacts/1" },
      { method: "PATCH", path: "/api/v1/contacts/1" },
    ];
    expect(checkCallsAgainstSpecs(calls, specs)).toEqual([
      { method: "PATCH", path: "/api/v1/contacts/1", reason: "no PATCH operation on this path" },
    ]);
  });

  it("refuses a folder without OpenAPI documents", () => {
    expect(() => loadSpecs(mkdtempSync(join(tmpdir(), "gf-empty-")))).toThrow(/no OpenAPI 3 operations/);
  });

  it.skipIf(!specsDir)(
    specsDir
      ? "reads the official HubSpot and Zoho specs"
      : "official specs: skipped because GDPR_FANOUT_SPECS_DIR is not set (CI sets it to ../shared/specs)",
    () => {
      const hubspot = loadSpecs(join(specsDir ?? "", "hubspot"));
      expect(matchCall({ method: "POST", path: "/crm/v3/objects/contacts/search" }, hubspot)).toBeUndefined();
      expect(
        matchCall(
          { method: "GET", path: "/crm/v3/objects/contacts/123", queryKeys: ["properties"] },
          hubspot,
        ),
      ).toBeUndefined();
      expect(matchCall({ method: "DELETE", path: "/crm/v3/objects/contacts/123" }, hubspot)).toBeUndefined();
      expect(matchCall({ method: "GET", path: "/crm/v3/objects/nope/1/2/3" }, hubspot)).toBeDefined();
      const zoho = loadSpecs(join(specsDir ?? "", "zoho"));
      expect(matchCall({ method: "GET", path: "/crm/v8/Contacts/123" }, zoho)).toBeUndefined();
      expect(matchCall({ method: "DELETE", path: "/crm/v8/settings/recycle_bin/123" }, zoho)).toBeUndefined();
    },
  );
});
