/**
 * A provider SDK that is not installed (they are optional peer dependencies) is a configuration
 * problem, never a passing one: recognised here wherever an import error may surface — the
 * engine's step errors, `toFanoutError`, `check()` — and made a non-retryable `CONFIGURATION`
 * error naming the package to install, instead of hours of retries.
 */
import { ConfigurationError } from "./errors.js";

const CODES = new Set(["ERR_MODULE_NOT_FOUND", "MODULE_NOT_FOUND", "ERR_PACKAGE_PATH_NOT_EXPORTED"]);

/** The package a module-resolution error names (`"postmark"`), or `undefined` for any other error. */
export function missingPackage(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== "string" || !CODES.has(code)) return undefined;
  const named =
    /(?:package|module) '([^']+)'/.exec(error.message) ??
    /in .*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(error.message);
  const specifier = named?.[1] ?? "";
  // A bare specifier's package: "@hubspot/api-client/lib/x" → "@hubspot/api-client", "pipedrive/v1" → "pipedrive".
  if (specifier.startsWith(".") || specifier.startsWith("/"))
    return specifier.split("/").at(-1) || "a module";
  const parts = specifier.split("/");
  return (specifier.startsWith("@") ? parts.slice(0, 2) : parts.slice(0, 1)).join("/") || "a module";
}

/** The error for a provider SDK that cannot be loaded. */
export function missingPackageError(
  pkg: string,
  where: { provider?: string | undefined; operation?: string | undefined },
  cause?: unknown,
): ConfigurationError {
  return new ConfigurationError(
    `${where.provider ? `${where.provider}: ` : ""}the package "${pkg}" cannot be loaded: install it (npm install ${pkg}) or inject a client`,
    {
      ...(where.provider ? { provider: where.provider } : {}),
      ...(where.operation ? { operation: where.operation } : {}),
      option: "client",
      details: { package: pkg },
      cause,
    },
  );
}
