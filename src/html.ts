/**
 * HTML escaping for the self-contained pages gdpr-fanout writes (the operator report, the access
 * package's `index.html`). Everything that did not come from a literal in our own code goes
 * through {@link escapeHtml}: provider data, ids, error messages, reasons.
 */

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
};

/** Escapes text for an HTML text node or a quoted attribute value. */
export function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(/[&<>"'`]/g, (c) => ENTITIES[c] ?? c);
}

/**
 * The Content-Security-Policy of our pages: no scripts, no network, inline styles only. Opening
 * the file fetches nothing, even if some escaped text looked like a URL.
 */
export const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";
