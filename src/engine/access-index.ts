/**
 * The access package's `index.html`: the same data as the JSON files, for the person it is about,
 * in their language (see `src/engine/access/` for how it reads). It is written into the package
 * beside the JSON files and covered by the manifest's hashes.
 */
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { ExportRecord, SubprocessorAdapter } from "../adapter.js";
import type { AccessLanguage } from "../presentation.js";
import type { ServiceInput } from "./access/model.js";
import { renderAccessPage } from "./access/page.js";
import { type AccessSettings, resolveAccessSettings } from "./access/settings.js";
import type { AccessManifest } from "./types.js";

interface BranchFile {
  readonly records?: readonly ExportRecord[];
  readonly files?: readonly string[];
}

async function readBranch(dir: string, adapter: string): Promise<BranchFile> {
  try {
    return JSON.parse(await readFile(join(dir, `${adapter}.json`), "utf8")) as BranchFile;
  } catch {
    return {};
  }
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

/** What the page needs beyond the files: language, Art. 15 settings, the adapters' presentations. */
export interface AccessIndexOptions {
  /** @default "en" */
  readonly language?: AccessLanguage;
  /** @default nothing configured (placeholders) */
  readonly settings?: AccessSettings;
  /** The fanout's adapters, for their `presentation`. */
  readonly adapters?: ReadonlyMap<string, SubprocessorAdapter>;
}

/** Renders `index.html` from the branch files already written in `dir`. */
export async function renderAccessIndex(
  dir: string,
  info: Omit<AccessManifest, "schemaVersion" | "files">,
  options: AccessIndexOptions = {},
): Promise<string> {
  const services: ServiceInput[] = [];
  for (const [adapter, summary] of Object.entries(info.adapters)) {
    const branch = await readBranch(dir, adapter);
    const files = [];
    for (const path of branch.files ?? []) files.push({ path, bytes: await sizeOf(join(dir, path)) });
    services.push({
      id: adapter,
      status: summary.status,
      searchedBy: summary.coverage?.searchedBy ?? null,
      records: branch.records ?? [],
      files,
      presentation: options.adapters?.get(adapter)?.presentation,
    });
  }
  return renderAccessPage({
    requestId: info.requestId,
    preparedAt: info.completedAt,
    language: options.language ?? "en",
    settings: options.settings ?? resolveAccessSettings({}, []),
    services,
  });
}
