/**
 * Names of provider files inside an access package. A provider file name is somebody's input: it
 * may be 300 bytes long, hold a NUL or a right-to-left override that makes `gpj.exe` read as
 * `exe.jpg`, be `CON` or `aux.txt` (which Windows cannot create), end in a space or a dot (which
 * Windows drops), or equal another file's name but for case (one file on macOS and Windows). Each
 * becomes a safe name that is unique in its folder, case-insensitively; the original stays in the
 * manifest. A name is never a reason for an export to fail.
 * @see https://learn.microsoft.com/en-us/windows/win32/fileio/naming-a-file
 */

/** Longest name in UTF-8 bytes: under the 255-byte limit of common file systems, with room for " (n)". */
const MAX_NAME_BYTES = 200;

// Controls, bidirectional overrides/isolates/marks and other invisible format characters.
const INVISIBLE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;
// Separators and what Windows forbids in a name.
const FORBIDDEN = /[/\\<>:"|?*]/g;
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;

function utf8Length(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

/** Cuts `text` to at most `max` UTF-8 bytes without splitting a character. */
function cutBytes(text: string, max: number): string {
  let out = "";
  for (const ch of text) {
    if (utf8Length(out + ch) > max) break;
    out += ch;
  }
  return out;
}

function splitExtension(name: string): [string, string] {
  const dot = name.lastIndexOf(".");
  if (dot <= 0 || name.length - dot > 16) return [name, ""];
  return [name.slice(0, dot), name.slice(dot)];
}

/** A safe form of one name, not yet unique. */
export function safeFileName(original: string): string {
  let name = original.normalize("NFC").replace(INVISIBLE, "").replace(FORBIDDEN, "_");
  name = name.replace(/[. ]+$/u, "").replace(/^[. ]+/u, "");
  let [stem, ext] = splitExtension(name);
  if (RESERVED.test(stem.trim())) stem = `_${stem}`;
  ext = cutBytes(ext, 16);
  stem = cutBytes(stem, MAX_NAME_BYTES - utf8Length(ext)).replace(/[. ]+$/u, "");
  return `${stem || "file"}${ext}`;
}

/** Hands out safe names unique within one folder (case-insensitive, as macOS and Windows compare). */
export class FileNamer {
  readonly #taken = new Set<string>();

  /** A safe, unused name for `original`. */
  name(original: string): string {
    const safe = safeFileName(original);
    let candidate = safe;
    const [stem, ext] = splitExtension(safe);
    for (let n = 2; this.#taken.has(candidate.toLowerCase()); n++) candidate = `${stem} (${n})${ext}`;
    this.#taken.add(candidate.toLowerCase());
    return candidate;
  }
}
