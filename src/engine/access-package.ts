/**
 * The access package: what `export()` writes for the data subject. One JSON file per adapter (and
 * the files it downloaded), a `manifest.json` with the sha256 of every file, and — when `to` ends
 * in `.zip` — all of it zipped. Exported data goes only here, never into the store.
 */
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { zipSync } from "fflate";
import type { ExportResult } from "../adapter.js";
import type { AccessManifest } from "./types.js";

/** What one adapter's export wrote (kept in the store: paths, hashes and counts only). */
export interface WrittenExport {
  readonly records: number;
  readonly files: readonly { readonly path: string; readonly sha256: string; readonly bytes: number }[];
}

const sha256 = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest("hex");

/** Where branch files go while the package is being built. */
export function stagingDir(to: string): string {
  return to.toLowerCase().endsWith(".zip") ? `${to}.parts` : to;
}

async function put(root: string, path: string, bytes: Uint8Array | string) {
  const full = join(root, path);
  await mkdir(dirname(full), { recursive: true });
  await writeFile(full, bytes, { mode: 0o600 });
  const size = typeof bytes === "string" ? Buffer.byteLength(bytes) : bytes.byteLength;
  return { path, sha256: sha256(bytes), bytes: size };
}

/** Writes one adapter's records and files into the package directory. */
export async function writeBranchExport(
  dir: string,
  adapter: string,
  result: ExportResult,
  now: number,
): Promise<WrittenExport> {
  const files = [];
  for (const file of result.files ?? [])
    files.push(await put(dir, `${adapter}/files/${file.name}`, file.bytes));
  const body = JSON.stringify(
    {
      adapter,
      exportedAt: new Date(now).toISOString(),
      records: result.records,
      files: files.map((f) => f.path),
    },
    null,
    2,
  );
  const json = await put(dir, `${adapter}.json`, body);
  return { records: result.records.length, files: [json, ...files] };
}

async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(relative(root, join(entry.parentPath, entry.name)).split(sep).join("/"));
  }
  return out.sort();
}

/** Writes `manifest.json` (and zips the package when `to` ends in `.zip`). */
export async function assemblePackage(
  to: string,
  info: Omit<AccessManifest, "schemaVersion" | "files">,
  extraFiles: readonly { path: string; content: string }[] = [],
): Promise<AccessManifest> {
  const dir = stagingDir(to);
  await mkdir(dir, { recursive: true });
  for (const extra of extraFiles) await put(dir, extra.path, extra.content);
  const files = [];
  for (const path of await listFiles(dir)) {
    if (path === "manifest.json") continue;
    const bytes = await readFile(join(dir, path));
    files.push({ path, sha256: sha256(bytes), bytes: bytes.byteLength });
  }
  const manifest: AccessManifest = { schemaVersion: 1, ...info, files };
  await put(dir, "manifest.json", JSON.stringify(manifest, null, 2));
  if (dir !== to) {
    const entries: Record<string, Uint8Array> = {};
    for (const path of await listFiles(dir)) entries[path] = new Uint8Array(await readFile(join(dir, path)));
    await mkdir(dirname(to), { recursive: true });
    await writeFile(to, zipSync(entries, { level: 6 }), { mode: 0o600 });
    await rm(dir, { recursive: true, force: true });
  }
  return manifest;
}

/** True when a finished package exists at `to`. */
export async function packageExists(to: string): Promise<boolean> {
  try {
    const s = await stat(to.toLowerCase().endsWith(".zip") ? to : join(to, "manifest.json"));
    return s.isFile();
  } catch {
    return false;
  }
}
