/**
 * File-system helpers for what the library writes on the caller's disk (access packages, reports)
 * or opens there (the SQLite store): paths checked so a failure names what is wrong, and files
 * that always end up with the mode asked for, written whole or not at all.
 */
import { randomBytes } from "node:crypto";
import { statSync } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";

function kindOf(path: string): "file" | "directory" | "missing" | "other" {
  try {
    const s = statSync(path);
    return s.isDirectory() ? "directory" : s.isFile() ? "file" : "other";
  } catch {
    return "missing";
  }
}

/**
 * What stands in the way of creating a file at `path`: the path is a directory, a file sits where
 * a directory should be, or (with `mustExist`) its directory is missing. `undefined` when nothing.
 */
export function pathProblem(path: string, options: { parentMustExist?: boolean } = {}): string | undefined {
  const full = resolve(path);
  if (kindOf(full) === "directory") return `${full} is a directory; give a file name inside it`;
  let dir = dirname(full);
  let missing = false;
  for (;;) {
    const kind = kindOf(dir);
    if (kind === "directory") break;
    if (kind !== "missing") return `${dir} is a file, not a directory`;
    missing = true;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  if (missing && options.parentMustExist)
    return `the directory ${dirname(full)} does not exist; create it first`;
  return undefined;
}

/** A name for a temporary sibling of `path`, hidden and unguessable. */
export function siblingTempPath(path: string, tag = "tmp"): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.${tag}`);
}

/**
 * Writes `data` to `path` with exactly `mode`, whatever was there before: through a new file
 * created exclusively beside it (no symlink followed, no other process's file reused), renamed
 * over `path` once complete. An existing file keeps neither its content nor its old mode.
 */
export async function replaceFile(path: string, data: string | Uint8Array, mode: number): Promise<void> {
  const temp = siblingTempPath(path);
  const handle = await open(temp, "wx", mode);
  try {
    await handle.chmod(mode); // the umask may have narrowed `mode`; a report asked for 0644 gets it
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
