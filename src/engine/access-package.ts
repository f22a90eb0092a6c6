/**
 * The access package: what `export()` writes for the data subject. One JSON file per adapter (and
 * the files it downloaded), an `index.html`, and a `manifest.json` with the sha256 of every file;
 * when `to` ends in `.zip`, all of it in one zip (streamed, never held in memory), optionally
 * encrypted with AES-256. Everything is built in a private staging folder (see export-staging.ts)
 * and appears at `to` only once complete. Exported data goes only there, never into the store.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { link, readFile, rename, rm, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { ExportResult } from "../adapter.js";
import { isFanoutError } from "../errors.js";
import { ZipWriter } from "../zip/writer.js";
import { FileNamer } from "./export-file-names.js";
import { exportFailure, removeStaging, stagingZip, writePrivateFile } from "./export-staging.js";
import type { AccessManifest, ManifestFile } from "./types.js";

/** What one adapter's export wrote (kept in the store: paths, hashes and counts only). */
export interface WrittenExport {
  readonly records: number;
  readonly files: readonly { readonly path: string; readonly sha256: string; readonly bytes: number }[];
}

/** How a package is written. */
export interface PackageOptions {
  /** Encrypts the zip with WinZip AES-256 under this password. */
  readonly password?: string;
  /** Told how far packing is, in bytes of files packed. */
  readonly onProgress?: (done: number, total: number) => void;
}

const sha256 = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest("hex");

async function put(root: string, path: string, bytes: Uint8Array | string) {
  await writePrivateFile(root, path, bytes);
  const size = typeof bytes === "string" ? Buffer.byteLength(bytes) : bytes.byteLength;
  return { path, sha256: sha256(bytes), bytes: size };
}

/**
 * Writes one adapter's records and files into the staging folder, replacing what an interrupted
 * attempt of the same branch left. Provider file names are made safe and unique (see
 * export-file-names.ts); with `neutralNames` (an encrypted zip, whose file names anyone can list)
 * files are numbered instead. Either way `<adapter>.json` keeps each original name.
 */
export async function writeBranchExport(
  dir: string,
  adapter: string,
  result: ExportResult,
  now: number,
  options: { neutralNames?: boolean } = {},
): Promise<WrittenExport> {
  await rm(join(dir, adapter), { recursive: true, force: true });
  await rm(join(dir, `${adapter}.json`), { force: true });
  const namer = new FileNamer();
  const files = [];
  const originalNames: Record<string, string> = {};
  for (const [index, file] of (result.files ?? []).entries()) {
    const extension = /\.[A-Za-z0-9]{1,8}$/.exec(file.name)?.[0] ?? "";
    const name = namer.name(
      options.neutralNames ? `file-${String(index + 1).padStart(4, "0")}${extension}` : file.name,
    );
    const path = `${adapter}/files/${name}`;
    if (name !== file.name) originalNames[path] = file.name;
    files.push(await put(dir, path, file.bytes));
  }
  const body = JSON.stringify(
    {
      adapter,
      exportedAt: new Date(now).toISOString(),
      records: result.records,
      files: files.map((f) => f.path),
      ...(Object.keys(originalNames).length > 0 ? { originalNames } : {}),
    },
    null,
    2,
  );
  const json = await put(dir, `${adapter}.json`, body);
  return { records: result.records.length, files: [json, ...files] };
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** The original provider file names recorded in the branch files. */
async function originalNamesIn(dir: string, adapters: readonly string[]): Promise<Record<string, string>> {
  const names: Record<string, string> = {};
  for (const adapter of adapters) {
    try {
      const branch = JSON.parse(await readFile(join(dir, `${adapter}.json`), "utf8")) as {
        originalNames?: Record<string, string>;
      };
      Object.assign(names, branch.originalNames ?? {});
    } catch {
      // a failed branch wrote no file
    }
  }
  return names;
}

/**
 * Completes the package from the staging folder `dir`: checks every recorded file is there with
 * its hash (nothing else in the folder is taken), adds `extraFiles` and `manifest.json`, then
 * moves the folder to `to`, or streams a zip to a private temporary file and links it to `to`.
 * Never replaces anything at `to`. On failure removes what it staged and throws `STEP_FAILED`.
 */
export async function assemblePackage(
  to: string,
  requestId: string,
  dir: string,
  info: Omit<AccessManifest, "schemaVersion" | "files">,
  written: readonly WrittenExport["files"][number][],
  extraFiles: readonly { path: string; content: string }[],
  options: PackageOptions = {},
): Promise<AccessManifest> {
  try {
    const names = await originalNamesIn(dir, Object.keys(info.adapters));
    const files: ManifestFile[] = [];
    for (const file of written) {
      const actual = await hashFile(join(dir, file.path)).catch(() => null);
      if (actual !== file.sha256)
        throw exportFailure("a staged file is missing or changed; the export must run again");
      const original = names[file.path];
      files.push({ ...file, ...(original === undefined ? {} : { name: original }) });
    }
    // A run cut off while assembling may have left these (the branch files are checked above).
    for (const path of [...extraFiles.map((e) => e.path), "manifest.json"])
      await rm(join(dir, path), { force: true });
    for (const extra of extraFiles) files.push(await put(dir, extra.path, extra.content));
    files.sort((a, b) => (a.path < b.path ? -1 : 1));
    const manifest: AccessManifest = {
      schemaVersion: 1,
      ...info,
      ...(options.password === undefined ? {} : { encrypted: "AES-256 (WinZip AE-2)" }),
      files,
    };
    await put(dir, "manifest.json", JSON.stringify(manifest, null, 2));
    if (to.toLowerCase().endsWith(".zip")) await zipInto(to, requestId, dir, manifest, options);
    else await moveInto(dir, to);
    await rm(dir, { recursive: true, force: true });
    return manifest;
  } catch (error) {
    await removeStaging(to, requestId);
    throw isFanoutError(error) ? error : exportFailure("the package could not be written", error);
  }
}

async function moveInto(dir: string, to: string): Promise<void> {
  try {
    // rename() replaces an empty directory but fails on a non-empty one or a file: never clobbers.
    await rename(dir, to);
  } catch (error) {
    throw exportFailure("something appeared at the destination while the package was built", error);
  }
}

async function zipInto(
  to: string,
  requestId: string,
  dir: string,
  manifest: AccessManifest,
  options: PackageOptions,
): Promise<void> {
  const temp = stagingZip(to, requestId);
  await rm(temp, { force: true });
  const zip = await ZipWriter.create(
    temp,
    options.password === undefined ? {} : { password: options.password },
  );
  const total = manifest.files.reduce((n, f) => n + f.bytes, 0);
  let done = 0;
  try {
    await zip.add("manifest.json", join(dir, "manifest.json"), {
      size: (await stat(join(dir, "manifest.json"))).size,
    });
    for (const file of manifest.files) {
      await zip.add(file.path, join(dir, file.path), {
        size: file.bytes,
        onBytes: (n) => {
          done += n;
          options.onProgress?.(done, total);
        },
      });
    }
    await zip.finish();
  } catch (error) {
    await zip.abort();
    throw error;
  }
  try {
    // link() fails when `to` exists (rename would silently replace it).
    await link(temp, to);
    await unlink(temp);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST")
      throw exportFailure("something appeared at the destination while the package was built", error);
    // A file system without hard links: rename, after making sure nothing is there.
    if (
      await stat(to).then(
        () => true,
        () => false,
      )
    )
      throw exportFailure("something appeared at the destination", error);
    await rename(temp, to);
  }
}
