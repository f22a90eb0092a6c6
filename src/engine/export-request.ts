/**
 * The arguments of `export()` that concern the package: the destination (made absolute, so a
 * worker in another directory writes to the same place, and checked before anything is recorded)
 * and the encryption password; and reading the finished package's manifest back.
 */
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { InvalidArgumentError } from "../errors.js";
import { readZipEntry } from "../zip/reader.js";
import { checkDestination } from "./export-staging.js";
import * as opts from "./options.js";
import type { AccessManifest } from "./types.js";

const MIN_PASSWORD = 12;

/** `to` and the password from `export()` options; throws `INVALID_ARGUMENT` at the call. */
export async function exportDestination(
  raw: Record<string, unknown>,
): Promise<{ to: string; password?: string }> {
  const given = opts.textArgument(raw.to, "to", 4096);
  if (!given)
    throw new InvalidArgumentError("export needs `to`: a directory or a .zip path", {
      details: { argument: "to" },
    });
  const to = resolve(given);
  let password: string | undefined;
  if (raw.encrypt !== undefined) {
    const encrypt = opts.assertPlainOptions(raw.encrypt, "encrypt", ["password"]);
    if (typeof encrypt.password !== "string" || [...encrypt.password].length < MIN_PASSWORD) {
      throw new InvalidArgumentError(`encrypt.password must be text of at least ${MIN_PASSWORD} characters`, {
        details: { argument: "encrypt.password" },
      });
    }
    if (!to.toLowerCase().endsWith(".zip")) {
      throw new InvalidArgumentError("encrypt needs a .zip destination (a folder cannot be encrypted)", {
        details: { argument: "encrypt" },
      });
    }
    password = encrypt.password;
  }
  await checkDestination(to);
  return password === undefined ? { to } : { to, password };
}

/** The manifest of the finished package at `to`. */
export async function readManifest(to: string, password?: string): Promise<AccessManifest> {
  if (to.toLowerCase().endsWith(".zip")) {
    const bytes = await readZipEntry(to, "manifest.json", password);
    return JSON.parse(bytes?.toString("utf8") ?? "null") as AccessManifest;
  }
  return JSON.parse(await readFile(join(to, "manifest.json"), "utf8")) as AccessManifest;
}
