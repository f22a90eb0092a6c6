import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL(".", import.meta.url));

/** `gdpr-fanout/*` imports (as examples and docs write them) resolve to the sources in tests. */
export const packageAliases = [
  { find: /^gdpr-fanout\/adapters\/(.+)$/, replacement: `${root}adapters/$1/index.ts` },
  { find: /^gdpr-fanout\/stores\/(.+)$/, replacement: `${root}src/stores/$1.ts` },
  { find: /^gdpr-fanout\/testing$/, replacement: `${root}src/testing/index.ts` },
  { find: /^gdpr-fanout$/, replacement: `${root}src/index.ts` },
];
