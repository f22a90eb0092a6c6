/**
 * Where an access package is built before it exists: a private staging folder beside the
 * destination, `.<name>.<request id>.partial`, created exclusively with mode 0700 (so no other user
 * can read, plant or swap anything in it), its files created exclusively with mode 0600 and
 * never through a symlink. The package appears at the destination only when complete (a rename),
 * and a failed or interrupted export removes the folder: nothing half-written stays behind.
 *
 * The name is fixed per request so that a worker resuming a request after a crash finds (and
 * checks, then reuses) the folder of the run that died; see docs/security.md.
 */
import { constants, type Stats } from "node:fs";
import { lstat, mkdir, open, readdir, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { FanoutError, InvalidArgumentError } from "../errors.js";
import { pathProblem } from "../safe-fs.js";

const CREATE_PRIVATE =
  constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | (constants.O_NOFOLLOW ?? 0);

/** The staging folder of request `requestId` exporting to `to`. */
export function stagingDir(to: string, requestId: string): string {
  return join(dirname(to), `.${basename(to)}.${requestId}.partial`);
}

/** The temporary zip of request `requestId`, renamed to `to` once finished. */
export function stagingZip(to: string, requestId: string): string {
  return join(dirname(to), `.${basename(to)}.${requestId}.zip.partial`);
}

async function lstatOrNull(path: string): Promise<Stats | null> {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

function refuse(problem: string, message: string): InvalidArgumentError {
  return new InvalidArgumentError(`export \`to\`: ${message}`, { details: { argument: "to", problem } });
}

/**
 * Checks the destination when `export()` is called: a package never lands on top of anything. A
 * zip path must not exist; a directory path must not exist or be an empty directory (not a
 * symlink). Nothing on the way may be a file.
 */
export async function checkDestination(to: string): Promise<void> {
  const found = await lstatOrNull(to).catch(() => null);
  if (!found) {
    const problem = pathProblem(to);
    if (problem) throw refuse("path", problem);
    return;
  }
  const zip = to.toLowerCase().endsWith(".zip");
  if (zip || !found.isDirectory() || found.isSymbolicLink()) {
    throw refuse("exists", "something already exists there; choose a new path (a package never overwrites)");
  }
  if ((await readdir(to)).length > 0) {
    throw refuse("not_empty", "the directory is not empty; choose a new or empty directory");
  }
}

/** A non-retryable export error that names no path (paths may hold a person's name). */
export function exportFailure(message: string, cause?: unknown): FanoutError {
  const code = (cause as { code?: unknown } | undefined)?.code;
  return new FanoutError(
    "STEP_FAILED",
    `Access package: ${message}${typeof code === "string" ? ` (${code})` : ""}`,
    {
      retryable: false,
      operation: "export.package",
    },
  );
}

/**
 * Opens the staging folder: creates it (`fresh: true`), or reuses the one an interrupted run of
 * this request left, after checking it is a real directory of this user that nobody else can
 * enter. Anything else there is refused, untouched.
 */
export async function openStaging(to: string, requestId: string): Promise<{ dir: string; fresh: boolean }> {
  const dir = stagingDir(to, requestId);
  await mkdir(dirname(to), { recursive: true });
  try {
    await mkdir(dir, { mode: 0o700 });
    return { dir, fresh: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST")
      throw exportFailure("cannot create the staging folder", error);
  }
  const found = await lstat(dir);
  const mine = typeof process.getuid !== "function" || found.uid === process.getuid();
  if (!found.isDirectory() || found.isSymbolicLink() || !mine || (found.mode & 0o077) !== 0) {
    throw exportFailure(
      "a staging folder of this request exists and is not a private folder of this user; it was left alone",
    );
  }
  return { dir, fresh: false };
}

/** Creates a new file (exclusively, mode 0600, no symlink followed) inside the staging folder. */
export async function writePrivateFile(
  root: string,
  path: string,
  bytes: Uint8Array | string,
): Promise<void> {
  const full = join(root, path);
  await mkdir(dirname(full), { recursive: true, mode: 0o700 });
  const handle = await open(full, CREATE_PRIVATE, 0o600);
  try {
    await handle.writeFile(bytes);
  } finally {
    await handle.close();
  }
}

/** Removes what an export of `requestId` to `to` staged (folder and temporary zip). */
export async function removeStaging(to: string, requestId: string): Promise<void> {
  await rm(stagingDir(to, requestId), { recursive: true, force: true });
  await rm(stagingZip(to, requestId), { force: true });
}
