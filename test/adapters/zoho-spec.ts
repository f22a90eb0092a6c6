/**
 * A small OpenAPI route matcher for the Zoho contract test: does `(method, path)` match an
 * operation of the official specs in `$GDPR_FANOUT_SPECS_DIR/zoho/*.json` (templated paths, under
 * each spec's `servers` base path)? The accounts server's token endpoint is matched against the
 * OAuth scheme's `tokenUrl`/`refreshUrl` in the same specs.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

interface Operation {
  readonly method: string;
  readonly template: string;
  readonly pattern: RegExp;
  readonly literals: number;
}

const METHODS = ["get", "post", "put", "patch", "delete"];

function compile(base: string, template: string): { pattern: RegExp; literals: number } {
  const full = `${base.replace(/\/+$/, "")}${template}`;
  const parts = full.split("/").filter(Boolean);
  const source = parts
    .map((p) => (/^\{[^}]+\}$/.test(p) ? "[^/]+" : p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  return { pattern: new RegExp(`^/${source}/?$`), literals: parts.filter((p) => !p.startsWith("{")).length };
}

/** Loads every operation of the Zoho specs, plus the OAuth token endpoints they declare. */
export function loadZohoOperations(specsDir: string): Operation[] {
  const dir = join(specsDir, "zoho");
  const ops: Operation[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
    const spec = JSON.parse(readFileSync(join(dir, file), "utf8")) as {
      servers?: { url: string }[];
      paths?: Record<string, Record<string, unknown>>;
      components?: { securitySchemes?: Record<string, { flows?: Record<string, Record<string, unknown>> }> };
    };
    const base = new URL(spec.servers?.[0]?.url ?? "https://example.invalid").pathname;
    for (const [template, item] of Object.entries(spec.paths ?? {})) {
      for (const method of Object.keys(item).filter((m) => METHODS.includes(m))) {
        ops.push({ method: method.toUpperCase(), template, ...compile(base, template) });
      }
    }
    for (const scheme of Object.values(spec.components?.securitySchemes ?? {})) {
      for (const flow of Object.values(scheme.flows ?? {})) {
        for (const key of ["tokenUrl", "refreshUrl"]) {
          const url = flow[key];
          if (typeof url !== "string") continue;
          const path = new URL(url).pathname;
          ops.push({ method: "POST", template: `${key}:${path}`, ...compile("", path) });
        }
      }
    }
  }
  return ops;
}

/** The most specific operation matching `(method, path)`, or undefined. */
export function matchOperation(
  ops: readonly Operation[],
  method: string,
  path: string,
): Operation | undefined {
  return ops
    .filter((op) => op.method === method && op.pattern.test(path))
    .sort((a, b) => b.literals - a.literals)[0];
}
