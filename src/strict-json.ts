/**
 * JSON parsing that refuses ambiguity. `JSON.parse` keeps the last of two equal keys, so a signed
 * document with `"outcome": "failed"` early and `"outcome": "erased"` late shows one thing to a
 * reader and verifies as the other. Signed documents (receipts) are read with this instead: a
 * duplicate key, or anything `JSON.parse` would refuse, is an error.
 */

/** Thrown for text that is not one unambiguous JSON value; the message never quotes the text. */
export class AmbiguousJsonError extends Error {
  override readonly name = "AmbiguousJsonError";
}

const WS = new Set([" ", "\t", "\n", "\r"]);

/** Parses JSON text, refusing duplicate object keys (at any depth). */
export function parseStrictJson(text: string): unknown {
  let i = 0;
  const fail = (what: string): never => {
    throw new AmbiguousJsonError(`${what} at position ${i}`);
  };
  const skip = () => {
    while (i < text.length && WS.has(text[i]!)) i++;
  };
  // Strings and primitives are delegated to JSON.parse, so their rules are exactly JSON's.
  const string = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    if (i >= text.length) fail("unterminated string");
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const primitive = (): unknown => {
    const match = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(
      text.slice(i, i + 400),
    );
    if (!match) return fail("unexpected character");
    i += match[0].length;
    return JSON.parse(match[0]);
  };
  const value = (depth: number): unknown => {
    if (depth > 200) fail("nesting too deep");
    skip();
    const c = text[i];
    if (c === '"') return string();
    if (c === "[") {
      i++;
      const out: unknown[] = [];
      skip();
      if (text[i] === "]") {
        i++;
        return out;
      }
      for (;;) {
        out.push(value(depth + 1));
        skip();
        if (text[i] === ",") i++;
        else if (text[i] === "]") {
          i++;
          return out;
        } else fail("expected , or ]");
      }
    }
    if (c === "{") {
      i++;
      const out: Record<string, unknown> = {};
      const seen = new Set<string>();
      skip();
      if (text[i] === "}") {
        i++;
        return out;
      }
      for (;;) {
        skip();
        if (text[i] !== '"') fail("expected a key");
        const key = string();
        if (seen.has(key)) fail("duplicate key");
        seen.add(key);
        skip();
        if (text[i] !== ":") fail("expected :");
        i++;
        Object.defineProperty(out, key, { value: value(depth + 1), enumerable: true, writable: true });
        skip();
        if (text[i] === ",") i++;
        else if (text[i] === "}") {
          i++;
          return out;
        } else fail("expected , or }");
      }
    }
    return primitive();
  };
  const result = value(0);
  skip();
  if (i !== text.length) fail("trailing characters");
  return result;
}
