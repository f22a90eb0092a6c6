/**
 * `Content-Disposition` for a file download, as providers send it for names outside ASCII: an
 * ASCII-only `filename` for old clients plus the exact name in `filename*` (RFC 6266 §4.3, with the
 * RFC 5987 / RFC 8187 `UTF-8''` encoding). A raw non-Latin-1 name in a header is not HTTP: Node's
 * `writeHead` throws `ERR_INVALID_CHAR` on it, and real providers never send one.
 * @see https://www.rfc-editor.org/rfc/rfc6266#section-4.3
 * @see https://www.rfc-editor.org/rfc/rfc8187#section-3.2
 */

/** RFC 8187 `value-chars`: everything outside `attr-char` percent-encoded, as UTF-8 bytes. */
export function rfc8187Encode(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** The ASCII fallback: printable ASCII only, without the quote and backslash of a quoted-string. */
function asciiFallback(name: string): string {
  const ascii = name.normalize("NFKD").replace(/[^\x20-\x7e]|["\\]/g, (c) => (/\p{M}/u.test(c) ? "" : "_"));
  return ascii.trim() || "file";
}

/** `<type>; filename="<ascii>"; filename*=UTF-8''<encoded>`. */
export function contentDisposition(type: "inline" | "attachment", filename: string): string {
  return `${type}; filename="${asciiFallback(filename)}"; filename*=UTF-8''${rfc8187Encode(filename)}`;
}
