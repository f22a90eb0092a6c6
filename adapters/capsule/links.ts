/**
 * Capsule's response headers: RFC 5988 `Link` pagination and the attachment file name.
 */
import type { QueryValue } from "../../src/http/client.js";

const API = "/api/v2";

/** The `rel="next"` target of a `Link` header, as a path and query (its host is ignored on purpose). */
export function nextLink(
  header: string | null,
): { path: string; query: Record<string, QueryValue> } | undefined {
  if (!header) return undefined;
  for (const part of header.split(",")) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(part);
    if (!match?.[1]) continue;
    const url = new URL(match[1], "https://api.capsulecrm.com");
    if (!url.pathname.startsWith(`${API}/`)) return undefined;
    const query: Record<string, QueryValue> = {};
    for (const key of new Set(url.searchParams.keys())) {
      const values = url.searchParams.getAll(key);
      query[key] = values.length === 1 ? values[0] : values;
    }
    return { path: url.pathname, query };
  }
  return undefined;
}

/** The file name in a `Content-Disposition` header (`filename*` preferred), if any. */
export function filenameOf(header: string | null): string | undefined {
  if (!header) return undefined;
  const star = /filename\*\s*=\s*(?:UTF-8)?''([^;]+)/i.exec(header)?.[1];
  if (star) {
    try {
      return decodeURIComponent(star.trim());
    } catch {
      // fall through to the plain parameter
    }
  }
  return /filename\s*=\s*"?([^";]+)"?/i.exec(header)?.[1]?.trim();
}
