/**
 * Where the documentation lives for someone who installed the package: the repository's `docs/`
 * on GitHub (the package ships `dist` only, so a path such as `docs/cli.md` would point nowhere).
 * A test keeps it in step with `repository.url` in package.json.
 */
export const DOCS_URL = "https://github.com/gdpr-fanout/gdpr-fanout/blob/main/docs";

/** The URL of one documentation page, e.g. `docsUrl("cli.md")`. */
export function docsUrl(page: string): string {
  return `${DOCS_URL}/${page}`;
}
