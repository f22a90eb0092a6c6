/**
 * What the access page shows, worked out once from the exported records and the adapters'
 * presentations: per service its record types grouped by category, each record's date, the
 * service's earliest date ("since when") and its files.
 */
import type { ExportRecord, JsonValue } from "../../adapter.js";
import {
  type AccessLanguage,
  type AdapterPresentation,
  DATA_CATEGORIES,
  type DataCategory,
  localize,
  type RecordTypePresentation,
} from "../../presentation.js";
import { humanize, toTime, valueAt } from "./format.js";

/** One adapter's part of the package, as read from its JSON file. */
export interface ServiceInput {
  readonly id: string;
  readonly status: "exported" | "failed" | "not_searched";
  /** Identifier kinds the adapter searched by; `null` when it did not report them. */
  readonly searchedBy: readonly ("email" | "phone" | "id")[] | null;
  readonly records: readonly ExportRecord[];
  /** Files the adapter wrote (package paths) with their sizes. */
  readonly files: readonly { readonly path: string; readonly bytes: number }[];
  readonly presentation: AdapterPresentation | undefined;
}

export interface RecordView {
  readonly record: ExportRecord;
  /** The record's date (epoch ms), when it has one. */
  readonly time: number | null;
}

export interface TypeGroup {
  readonly type: string;
  readonly category: DataCategory;
  readonly label: string;
  readonly spec: RecordTypePresentation | undefined;
  readonly records: readonly RecordView[];
}

export interface ServiceModel {
  readonly id: string;
  readonly name: string;
  readonly status: ServiceInput["status"];
  readonly searchedBy: ServiceInput["searchedBy"];
  readonly presentation: AdapterPresentation | undefined;
  /** Record types by category, in category order. */
  readonly groups: readonly TypeGroup[];
  readonly categories: readonly DataCategory[];
  readonly count: number;
  /** The earliest record date (epoch ms). */
  readonly since: number | null;
  readonly files: ServiceInput["files"];
}

/** Field names that usually hold a record's date, for records without a presentation. */
const DATE_KEYS = [
  "created",
  "createdAt",
  "created_at",
  "createdate",
  "add_time",
  "Created_Time",
  "CreatedAt",
  "date",
  "timestamp",
  "ReceivedAt",
  "BouncedAt",
  "sent_time",
  "entryAt",
  "properties.hs_timestamp",
  "properties.createdate",
];

function recordTime(record: ExportRecord, spec: RecordTypePresentation | undefined): number | null {
  if (spec?.date) return toTime(valueAt(record.data, spec.date));
  for (const key of DATE_KEYS) {
    const t = toTime(valueAt(record.data, key) as JsonValue | undefined);
    if (t !== null) return t;
  }
  return null;
}

/** Builds the model of one service. */
export function serviceModel(input: ServiceInput, language: AccessLanguage): ServiceModel {
  const types = input.presentation?.types ?? {};
  const byType = new Map<string, RecordView[]>();
  for (const record of input.records) {
    const list = byType.get(record.type) ?? [];
    list.push({ record, time: recordTime(record, types[record.type]) });
    byType.set(record.type, list);
  }
  const groups: TypeGroup[] = [...byType].map(([type, records]) => {
    const spec = types[type];
    return {
      type,
      category: spec && DATA_CATEGORIES.includes(spec.category) ? spec.category : "other",
      label: spec ? localize(spec.label, language) : humanize(type),
      spec,
      // Newest first; records without a date keep their order, after the dated ones.
      records: [...records].sort((a, b) => (b.time ?? -Infinity) - (a.time ?? -Infinity)),
    };
  });
  groups.sort((a, b) => DATA_CATEGORIES.indexOf(a.category) - DATA_CATEGORIES.indexOf(b.category));
  const times = input.records.length
    ? groups.flatMap((g) => g.records.map((r) => r.time)).filter((t): t is number => t !== null)
    : [];
  return {
    id: input.id,
    name: input.presentation?.name ?? input.id,
    status: input.status,
    searchedBy: input.searchedBy,
    presentation: input.presentation,
    groups,
    categories: [...new Set(groups.map((g) => g.category))],
    count: input.records.length,
    since: times.length ? Math.min(...times) : null,
    files: input.files,
  };
}
