/** The fenced code blocks of a markdown page, as test/docs/snippets.test.ts runs them (see there). */

/** Info-string languages whose blocks run unless marked `fragment`. */
export const RUNNABLE = new Set(["ts", "typescript", "js", "mjs", "javascript"]);

export interface Block {
  readonly page: string;
  readonly index: number;
  readonly lang: string;
  readonly fragment: boolean;
  readonly file: string;
  readonly code: string;
}

/** The fenced code blocks of a markdown page. */
export function blocks(page: string, text: string): Block[] {
  const out: Block[] = [];
  const fence = /^```([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm;
  for (const match of text.matchAll(fence)) {
    const [lang = "", ...words] = (match[1] ?? "").trim().split(/\s+/);
    const code = match[2] ?? "";
    const named = /^\/\/ ([\w./-]+\.(?:ts|mts|js|mjs))(?:\s|$)/.exec(code);
    const index = out.length;
    out.push({
      page,
      index,
      lang: lang.toLowerCase(),
      fragment: words.includes("fragment"),
      file:
        named?.[1] ??
        `block-${index + 1}.${lang === "js" || lang === "mjs" || lang === "javascript" ? "mjs" : "ts"}`,
      code,
    });
  }
  return out;
}
