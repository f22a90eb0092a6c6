/**
 * The Stripe contract check. There is no Stripe path spec in the shared specs folder (Stripe's
 * OpenAPI file is too large), only `stripe/openapi`'s example objects: `fixtures3.json` (GA) and
 * `fixtures3.private_preview.json` (`privacy.redaction_job`). The check: every object a simulator
 * returned has every key of the fixture of its `object` type — recursively into lists (`data`).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** An object whose keys differ from its fixture. */
export interface FixtureMismatch {
  readonly object: string;
  readonly id: string;
  /** Keys of the fixture missing from the served object. */
  readonly missing: readonly string[];
}

/** Fixture keys by `object` type, from the files in `dir` (the `stripe` folder of the specs). */
export function loadStripeFixtureKeys(dir: string): Map<string, ReadonlySet<string>> {
  const keys = new Map<string, ReadonlySet<string>>();
  for (const name of ["fixtures3.json", "fixtures3.private_preview.json"]) {
    const file = join(dir, name);
    if (!existsSync(file)) continue;
    const doc = JSON.parse(readFileSync(file, "utf8")) as {
      resources?: Record<string, Record<string, unknown>>;
    };
    for (const resource of Object.values(doc.resources ?? {})) {
      const type = resource.object;
      if (typeof type !== "string" || keys.has(type)) continue;
      // A deleted object's fixture (`deleted_customer`) shares `object` with the live one.
      if (resource.deleted === true) continue;
      keys.set(type, new Set(Object.keys(resource)));
    }
  }
  if (keys.size === 0) throw new Error(`no Stripe fixtures found in ${dir}`);
  return keys;
}

function visit(value: unknown, out: Record<string, unknown>[]): void {
  if (Array.isArray(value)) {
    for (const item of value) visit(item, out);
    return;
  }
  if (typeof value !== "object" || value === null) return;
  const record = value as Record<string, unknown>;
  if (record.object === "list" || record.object === "search_result") {
    visit(record.data, out);
    return;
  }
  if (typeof record.object === "string" && typeof record.id === "string") out.push(record);
}

/**
 * Every top-level object (and list item) in `bodies` whose `object` type has a fixture and which
 * lacks one of its keys. Tombstones (`deleted: true`) are checked against `{ id, object, deleted }`.
 */
export function checkStripeObjects(
  bodies: readonly unknown[],
  fixtures: Map<string, ReadonlySet<string>>,
): { checked: number; mismatches: FixtureMismatch[]; types: string[] } {
  const objects: Record<string, unknown>[] = [];
  for (const body of bodies) visit(body, objects);
  const mismatches: FixtureMismatch[] = [];
  const types = new Set<string>();
  let checked = 0;
  for (const o of objects) {
    const type = String(o.object);
    const expected = o.deleted === true ? new Set(["id", "object", "deleted"]) : fixtures.get(type);
    if (!expected) continue;
    checked += 1;
    types.add(type);
    const missing = [...expected].filter((k) => !(k in o));
    if (missing.length > 0) mismatches.push({ object: type, id: String(o.id), missing });
  }
  return { checked, mismatches, types: [...types].sort() };
}
