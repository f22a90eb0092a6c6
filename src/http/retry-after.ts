/**
 * `Retry-After` as RFC 9110 defines it: delay-seconds or an HTTP-date. Returns milliseconds to wait
 * (never negative), or `undefined` when the header is absent or unreadable.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text.length === 0) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // An HTTP-date always names a weekday or a month; a bare number that failed above is not a date.
  if (!/[A-Za-z]/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/**
 * A reset time given as UTC epoch seconds (e.g. Capsule's `X-RateLimit-Reset`) or as seconds from
 * now (values smaller than ten years are taken as relative, as Pipedrive and HubSpot send them).
 */
export function parseRateLimitReset(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined || !/^\d+(\.\d+)?$/.test(value.trim())) return undefined;
  const n = Number(value.trim());
  if (n > 315_360_000) return Math.max(0, Math.round(n * 1000 - now));
  return Math.round(n * 1000);
}
