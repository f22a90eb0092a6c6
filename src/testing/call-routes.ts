/**
 * Calls counted per route, so a test can pin how many requests one erasure costs each provider
 * (`sims.callsByRoute()`). A route is the method and the path with its ids replaced: a segment
 * holding an email address becomes `:email`, one that looks like a record id (it contains a digit,
 * or is a prefixed id such as Stripe's `cus_…`) becomes `:id`; API versions (`v3`) stay.
 */
import type { SimCall } from "./serve.js";

const VERSION = /^v\d+(\.\d+)?$/;
const PREFIXED_ID = /^[a-z]{2,6}_[A-Za-z0-9]{6,}$/;

function segment(part: string): string {
  if (part === "") return part;
  const decoded = part.includes("%") ? safeDecode(part) : part;
  if (decoded.includes("@")) return ":email";
  if (VERSION.test(part)) return part;
  if (/\d/.test(part) || PREFIXED_ID.test(part)) return ":id";
  return part;
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** `GET /v1/customers/cus_123` → `GET /v1/customers/:id`. */
export function callRoute(call: Pick<SimCall, "method" | "path">): string {
  return `${call.method} ${call.path.split("/").map(segment).join("/")}`;
}

/** Counts of `calls` per provider and route, routes in first-seen order. */
export function countByRoute(calls: readonly SimCall[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const call of calls) {
    const routes = out[call.provider] ?? {};
    out[call.provider] = routes;
    const route = callRoute(call);
    routes[route] = (routes[route] ?? 0) + 1;
  }
  return out;
}
