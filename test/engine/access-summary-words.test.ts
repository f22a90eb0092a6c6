// The access page's summary speaks of "1 record" and "2 records", "1 service" and "2 services", in
// each of its languages: the singular only for exactly one, the plural with the number formatted
// for the reader's locale.
import { describe, expect, it } from "vitest";
import { Formatter } from "../../src/engine/access/format.js";
import { messagesFor } from "../../src/engine/access/messages.js";
import type { ServiceModel } from "../../src/engine/access/model.js";
import { resolveAccessSettings } from "../../src/engine/access/settings.js";
import { summarySection } from "../../src/engine/access/summary.js";
import type { AccessLanguage } from "../../src/presentation.js";

const service = (id: string, count: number): ServiceModel => ({
  id,
  name: id,
  status: "exported",
  searchedBy: ["email"],
  presentation: undefined,
  groups: [],
  categories: [],
  count,
  since: null,
  files: [],
});

const settings = resolveAccessSettings({ controller: { name: "Example Ltd" } }, null);

function summary(language: AccessLanguage, services: ServiceModel[]) {
  const html = summarySection(services, settings, new Formatter(messagesFor(language)), language);
  const lead = /<p class="lead">([^<]*)<\/p>/.exec(html)?.[1];
  const counts = [...html.matchAll(/<span class="count">([^<]*)<\/span>/g)].map((m) => m[1]);
  return { lead, counts };
}

describe("the summary's record and service counts", () => {
  const cases: [AccessLanguage, string, string, string[]][] = [
    [
      "en",
      "We found 1 record about you in 1 service.",
      "We found 1,200 records about you in 2 services.",
      ["1,200 records", "0 records"],
    ],
    [
      "de",
      "Wir haben 1 Datensatz über Sie bei 1 Dienst gefunden.",
      "Wir haben 1.200 Datensätze über Sie bei 2 Diensten gefunden.",
      ["1.200 Datensätze", "0 Datensätze"],
    ],
    [
      "nl",
      "We vonden 1 vermelding over u bij 1 dienst.",
      "We vonden 1.200 vermeldingen over u bij 2 diensten.",
      ["1.200 vermeldingen", "0 vermeldingen"],
    ],
  ];
  for (const [language, one, many, cards] of cases) {
    it(`${language}: the singular for exactly one, the plural with a formatted number otherwise`, () => {
      expect(summary(language, [service("stripe", 1)])).toEqual({
        lead: one,
        counts: [one.match(/1 \S+/)?.[0]],
      });
      expect(summary(language, [service("stripe", 1200), service("hubspot", 0)])).toEqual({
        lead: many,
        counts: cards,
      });
    });
  }
});
