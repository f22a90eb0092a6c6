/**
 * A small OpenAPI 3 matcher for contract checks: load the JSON specs of a folder, then say whether
 * a served call (method + concrete path + query parameter names) matches one of their operations.
 * Templated paths (`/crm/v3/objects/contacts/{contactId}`), server base paths and `$ref`
 * parameters (local, or `other.json#/…` in the same folder) are understood. Request bodies are not
 * checked: the official SDKs, generated from these specs, are the contract for body shapes.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"] as const;

/** One operation of a loaded spec. */
export interface SpecOperation {
  readonly file: string;
  readonly method: string;
  /** The templated path, with the server base path in front. */
  readonly template: string;
  readonly pattern: RegExp;
  /** Declared query parameter names. */
  readonly query: ReadonlySet<string>;
}

/** The operations of a folder of specs. */
export interface LoadedSpecs {
  readonly dir: string;
  readonly operations: readonly SpecOperation[];
}

/** A call as the contract check reads it (a {@link SimCall} fits). */
export interface ContractCall {
  readonly provider?: string;
  readonly method: string;
  readonly path: string;
  readonly queryKeys?: readonly string[];
}

/** A call that matches no operation, and why. */
export interface ContractMismatch {
  readonly method: string;
  readonly path: string;
  readonly reason: string;
}

type Json = Record<string, unknown>;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** `/a/{id}/b` → `^/a/[^/]+/b/?$`. */
function templatePattern(template: string): RegExp {
  const parts = template
    .split(/(\{[^}]+\})/)
    .map((part) => (/^\{[^}]+\}$/.test(part) ? "[^/]+" : escapeRegExp(part)));
  return new RegExp(`^${parts.join("").replace(/\/$/, "")}/?$`);
}

function pointer(doc: unknown, path: string): unknown {
  let node = doc;
  for (const raw of path.replace(/^#?\//, "").split("/")) {
    if (raw === "") continue;
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    node = (node as Json | undefined)?.[key];
  }
  return node;
}

function resolve(
  value: unknown,
  file: string,
  docs: ReadonlyMap<string, unknown>,
  depth = 0,
): Json | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const ref = (value as Json).$ref;
  if (typeof ref !== "string" || depth > 8) return value as Json;
  const [target, path = ""] = ref.split("#");
  const targetFile = target ? basename(target) : file;
  return resolve(pointer(docs.get(targetFile), path), targetFile, docs, depth + 1);
}

function basePaths(doc: Json): string[] {
  const servers = Array.isArray(doc.servers) ? (doc.servers as Json[]) : [];
  const bases = servers.map((s) => {
    const url = typeof s.url === "string" ? s.url.replace(/\{[^}]+\}/g, "x") : "";
    try {
      return new URL(url, "https://placeholder.invalid").pathname.replace(/\/$/, "");
    } catch {
      return "";
    }
  });
  return bases.length === 0 ? [""] : [...new Set(bases)];
}

/** Loads every `*.json` OpenAPI 3 document of `dir`. */
export function loadSpecs(dir: string): LoadedSpecs {
  const docs = new Map<string, unknown>();
  for (const name of readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()) {
    docs.set(name, JSON.parse(readFileSync(join(dir, name), "utf8")) as unknown);
  }
  const operations: SpecOperation[] = [];
  for (const [file, raw] of docs) {
    const doc = raw as Json;
    if (typeof doc.openapi !== "string" || typeof doc.paths !== "object" || doc.paths === null) continue;
    for (const [path, itemRaw] of Object.entries(doc.paths as Json)) {
      const item = resolve(itemRaw, file, docs) ?? {};
      const shared = Array.isArray(item.parameters) ? item.parameters : [];
      for (const method of METHODS) {
        const op = resolve(item[method], file, docs);
        if (!op) continue;
        const params = [...shared, ...(Array.isArray(op.parameters) ? op.parameters : [])];
        const query = new Set<string>();
        for (const p of params) {
          const param = resolve(p, file, docs);
          if (param?.in === "query" && typeof param.name === "string") query.add(param.name);
        }
        for (const base of basePaths(doc)) {
          const template = `${base}${path}`;
          operations.push({
            file,
            method: method.toUpperCase(),
            template,
            pattern: templatePattern(template),
            query,
          });
        }
      }
    }
  }
  if (operations.length === 0) throw new Error(`no OpenAPI 3 operations found in ${dir}`);
  return { dir, operations };
}

/** `expand[]`, `filter[a][b]` → `expand`, `filter`: how form/deepObject parameters are named on the wire. */
function queryBase(key: string): string {
  return key.replace(/\[.*$/, "");
}

/** The reason a call matches no operation, or `undefined` when it matches one. */
export function matchCall(call: ContractCall, specs: LoadedSpecs): string | undefined {
  const method = call.method.toUpperCase();
  const onPath = specs.operations.filter((op) => op.pattern.test(call.path));
  if (onPath.length === 0) return "no operation has this path";
  const candidates = onPath.filter((op) => op.method === method);
  if (candidates.length === 0) return `no ${method} operation on this path`;
  const keys = call.queryKeys ?? [];
  const fits = candidates.find((op) => keys.every((k) => op.query.has(k) || op.query.has(queryBase(k))));
  if (fits) return undefined;
  const unknown = keys.filter((k) => !candidates.some((op) => op.query.has(k) || op.query.has(queryBase(k))));
  return `query parameter(s) not in the spec: ${unknown.join(", ")}`;
}

/**
 * Every call that matches no operation of the specs (a folder path or loaded specs). An empty
 * array means the run stayed inside the documented API.
 */
export function checkCallsAgainstSpecs(
  calls: readonly ContractCall[],
  specs: LoadedSpecs | string,
): ContractMismatch[] {
  const loaded = typeof specs === "string" ? loadSpecs(specs) : specs;
  const seen = new Set<string>();
  const out: ContractMismatch[] = [];
  for (const call of calls) {
    const key = `${call.method} ${call.path} ${(call.queryKeys ?? []).join(",")}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const reason = matchCall(call, loaded);
    if (reason !== undefined) out.push({ method: call.method, path: call.path, reason });
  }
  return out;
}
