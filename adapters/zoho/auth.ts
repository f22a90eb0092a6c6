/**
 * Zoho OAuth: the data centres' accounts servers and API domains, and an access-token cache that
 * uses the refresh-token grant. Tokens are refreshed shortly before they expire, and once more
 * when the API says `INVALID_TOKEN`. Credentials never reach an error message.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/multi-dc.html
 * @see https://www.zoho.com/crm/developer/docs/api/v8/refresh.html
 */
import type { OperationContext } from "../../src/adapter.js";
import { FanoutError } from "../../src/errors.js";
import { createHttpClient } from "../../src/http/client.js";
import { parseZohoError, zohoRetryAfter } from "./errors.js";

/** Zoho data centres (the top-level domain of `www.zohoapis.{dc}`). */
export type ZohoDataCenter = "com" | "eu" | "in" | "com.au" | "jp" | "com.cn" | "ca" | "sa";

export const DATA_CENTERS: readonly ZohoDataCenter[] = [
  "com",
  "eu",
  "in",
  "com.au",
  "jp",
  "com.cn",
  "ca",
  "sa",
];

/** The accounts server and API domain of a data centre (Canada's accounts server is zohocloud.ca). */
export function dataCenterUrls(dc: ZohoDataCenter): { accountsUrl: string; apiDomain: string } {
  return {
    accountsUrl: dc === "ca" ? "https://accounts.zohocloud.ca" : `https://accounts.zoho.${dc}`,
    apiDomain: `https://www.zohoapis.${dc}`,
  };
}

/** Where the adapter sends token and API requests. */
export interface ZohoEndpoints {
  readonly accountsUrl: string;
  /** Undefined: taken from the token response's `api_domain`, else the data centre's default. */
  readonly apiDomain: string | undefined;
  /** The data centre's API domain, used when neither the options nor the token response give one. */
  readonly fallbackApiDomain: string;
}

/**
 * Chooses the hosts: explicit `accountsUrl`/`apiDomain` win, then `baseUrl` (both), then the data
 * centre (`com` by default). Without an explicit API domain the token response's `api_domain` is used.
 */
export function zohoEndpoints(options: {
  dataCenter?: ZohoDataCenter | undefined;
  accountsUrl?: string | undefined;
  apiDomain?: string | undefined;
  baseUrl?: string | undefined;
}): ZohoEndpoints {
  const dc = dataCenterUrls(options.dataCenter ?? "com");
  const trim = (url: string) => url.replace(/\/+$/, "");
  const apiDomain = options.apiDomain ?? options.baseUrl;
  return {
    accountsUrl: trim(options.accountsUrl ?? options.baseUrl ?? dc.accountsUrl),
    apiDomain: apiDomain === undefined ? undefined : trim(apiDomain),
    fallbackApiDomain: dc.apiDomain,
  };
}

interface TokenAnswer {
  access_token?: string;
  expires_in?: number;
  api_domain?: string;
  error?: string;
}

/** A cached access token and the API domain it belongs to. */
export interface AccessToken {
  readonly value: string;
  readonly apiDomain: string;
}

/** Refreshes and caches access tokens for one set of credentials. */
export class TokenManager {
  private current: { value: string; apiDomain: string; refreshAt: number } | undefined;
  private pending: Promise<AccessToken> | undefined;
  private readonly client;

  constructor(
    private readonly credentials: { clientId: string; clientSecret: string; refreshToken: string },
    private readonly endpoints: ZohoEndpoints,
    timeoutMs: number | undefined,
  ) {
    this.client = createHttpClient({
      provider: "zoho",
      baseUrl: endpoints.accountsUrl,
      secrets: [credentials.clientSecret, credentials.refreshToken, credentials.clientId],
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      parseError: (body) => {
        const error = (body as TokenAnswer | undefined)?.error;
        if (typeof error !== "string") return parseZohoError(body);
        // "Access Denied": too many token requests for this refresh token in a short time.
        return /access denied/i.test(error)
          ? { providerCode: error.slice(0, 40), code: "RATE_LIMITED", retryable: true }
          : { providerCode: error.slice(0, 40) };
      },
      retryAfter: zohoRetryAfter,
    });
  }

  /** Secrets to scrub from errors: the credentials and the current access token. */
  secrets(): string[] {
    const out = [this.credentials.clientSecret, this.credentials.refreshToken, this.credentials.clientId];
    if (this.current) out.push(this.current.value);
    return out;
  }

  /** A valid access token, refreshed when missing or about to expire. */
  async get(ctx: OperationContext): Promise<AccessToken> {
    const current = this.current;
    if (current && Date.now() < current.refreshAt) return current;
    return this.refresh(ctx);
  }

  /** Drops `stale` (the API rejected it) and fetches a new token, unless another call already did. */
  async renew(stale: string, ctx: OperationContext): Promise<AccessToken> {
    if (this.current && this.current.value !== stale) return this.current;
    this.current = undefined;
    return this.refresh(ctx);
  }

  private refresh(ctx: OperationContext): Promise<AccessToken> {
    this.pending ??= this.fetchToken(ctx).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async fetchToken(ctx: OperationContext): Promise<AccessToken> {
    await ctx.rateLimit();
    const started = Date.now();
    const response = await this.client.request<TokenAnswer>({
      method: "POST",
      path: "/oauth/v2/token",
      form: {
        grant_type: "refresh_token",
        client_id: this.credentials.clientId,
        client_secret: this.credentials.clientSecret,
        refresh_token: this.credentials.refreshToken,
      },
      operation: "oauth.token",
      signal: ctx.signal,
    });
    const body = response.data ?? {};
    if (typeof body.error === "string" || typeof body.access_token !== "string") {
      // Zoho answers a bad client or refresh token with HTTP 200 and `{error}`.
      const code = typeof body.error === "string" ? body.error : "no_access_token";
      const throttled = /access denied|too many/i.test(code);
      throw new FanoutError(
        throttled ? "RATE_LIMITED" : "AUTHENTICATION",
        `zoho oauth.token failed (${code.slice(0, 40)})`,
        {
          provider: "zoho",
          operation: "oauth.token",
          status: response.status,
          providerCode: code.slice(0, 40),
          retryable: throttled,
          redact: this.secrets(),
        },
      );
    }
    const lifetimeMs = (typeof body.expires_in === "number" ? body.expires_in : 3600) * 1000;
    // Refresh a little early: a tenth of the lifetime, at most a minute.
    const margin = Math.min(60_000, lifetimeMs / 10);
    const apiDomain = (
      this.endpoints.apiDomain ??
      (typeof body.api_domain === "string" && body.api_domain.startsWith("http")
        ? body.api_domain
        : undefined) ??
      this.endpoints.fallbackApiDomain
    ).replace(/\/+$/, "");
    this.current = { value: body.access_token, apiDomain, refreshAt: started + lifetimeMs - margin };
    return this.current;
  }
}
