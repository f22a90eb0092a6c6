/**
 * The access package's own words, in each language it is written in. Everything a person reads on
 * the page that is not their data or the controller's configured text comes from here, so a
 * language is complete or it does not compile.
 */
import type { AccessLanguage, DataCategory } from "../../presentation.js";
import { DE } from "./messages-de.js";
import { EN } from "./messages-en.js";
import { NL } from "./messages-nl.js";

/** The headings of the Art. 15(1) information, by the letter of the paragraph (plus `controller` and Art. 15(2)). */
export type Art15Key = "controller" | "a" | "b" | "c" | "transfers" | "d" | "e" | "f" | "g" | "h";

/** Every {@link Art15Key}, in the order the page shows them. */
export const ART15_KEYS: readonly Art15Key[] = [
  "controller",
  "a",
  "b",
  "c",
  "transfers",
  "d",
  "e",
  "f",
  "g",
  "h",
];

export interface Messages {
  /** `lang` of the page. */
  readonly htmlLang: string;
  /** Locale for dates and numbers (`Intl`). */
  readonly locale: string;
  title(controller: string | null): string;
  /** The opening paragraph: what this is, for whom, from when. */
  intro(controller: string | null, date: string): string;
  /** What the JSON files and the manifest are. */
  readonly portability: string;
  readonly timesInUtc: string;
  request(id: string): string;
  readonly skipToSummary: string;
  readonly onThisPage: string;
  readonly summary: string;
  summaryLead(records: string, services: string): string;
  records(n: number, formatted: string): string;
  services(n: number, formatted: string): string;
  since(date: string): string;
  readonly usedFor: string;
  readonly kindsOfData: string;
  readonly nothingHere: string;
  readonly exportFailed: string;
  readonly failedShort: string;
  /** The request gave no identifier this service can look a person up by. */
  readonly notSearched: string;
  readonly notSearchedShort: string;
  readonly lookedUpBy: string;
  /** Identifier kinds, as a person says them. */
  readonly identifiers: Readonly<Record<"email" | "phone" | "id", string>>;
  readonly machineReadable: string;
  readonly attachments: string;
  readonly attachment: string;
  otherFields(n: string): string;
  /** A record's summary when it has neither title nor date. */
  readonly untitled: string;
  readonly cutShort: string;
  readonly yes: string;
  readonly no: string;
  readonly categories: Readonly<Record<DataCategory, string>>;
  readonly placeholder: string;
  readonly art15: {
    readonly heading: string;
    readonly lead: string;
    readonly headings: Readonly<Record<Art15Key, string>>;
    readonly name: string;
    readonly contact: string;
    readonly dpo: string;
    readonly processors: string;
    readonly otherRecipients: string;
    readonly country: string;
    readonly safeguards: string;
    readonly noTransfers: string;
    readonly transfersUnknown: string;
    readonly ourPolicy: string;
    readonly perService: string;
    readonly rights: string;
    readonly writeTo: string;
    readonly complaint: string;
    readonly authority: string;
    readonly sourceYou: string;
    readonly categoriesLead: string;
  };
  readonly checksums: string;
}

const CATALOGS: Readonly<Record<AccessLanguage, Messages>> = { en: EN, nl: NL, de: DE };

export function messagesFor(language: AccessLanguage): Messages {
  return CATALOGS[language];
}
