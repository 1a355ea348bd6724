import { createHmac, randomUUID } from "node:crypto";
import { http, HttpResponse } from "msw";

/**
 * A Shopify session token (the JWT App Bridge puts in `Authorization: Bearer …` on every request of the
 * embedded admin), signed HS256 with SHOPIFY_API_SECRET exactly as Shopify signs it.
 * https://shopify.dev/docs/apps/build/authentication-authorization/session-tokens
 */
export interface SessionTokenOptions {
  shop: string;
  /** The admin user's id (`sub`). */
  userId?: string;
  apiKey?: string;
  secret?: string;
  /** Seconds from now until `exp` (default 60, as Shopify's). Negative for an expired token. */
  expiresIn?: number;
}

const b64url = (value: string | Buffer) => Buffer.from(value).toString("base64url");

export function sessionToken(options: SessionTokenOptions): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: "HS256", typ: "JWT" };
  const payload = {
    iss: `https://${options.shop}/admin`,
    dest: `https://${options.shop}`,
    aud: options.apiKey ?? process.env.SHOPIFY_API_KEY,
    sub: options.userId ?? "42",
    exp: now + (options.expiresIn ?? 60),
    nbf: now - 5,
    iat: now - 5,
    jti: randomUUID(),
    sid: randomUUID(),
  };
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const signature = createHmac("sha256", options.secret ?? process.env.SHOPIFY_API_SECRET!)
    .update(signingInput)
    .digest("base64url");
  return `${signingInput}.${signature}`;
}

/**
 * A request of the embedded admin for `shop`: the session token in the Authorization header (as App
 * Bridge's fetch sends it). `form` becomes a urlencoded POST body.
 */
export function adminRequest(
  shop: string,
  path: string,
  init: {
    method?: string;
    form?: Record<string, string>;
    headers?: Record<string, string>;
    signal?: AbortSignal;
  } = {},
): Request {
  const url = new URL(path, process.env.SHOPIFY_APP_URL ?? "https://hala.test");
  const headers: Record<string, string> = {
    Authorization: `Bearer ${sessionToken({ shop })}`,
    ...init.headers,
  };
  const body = init.form ? new URLSearchParams(init.form) : undefined;
  if (body) headers["Content-Type"] = "application/x-www-form-urlencoded";
  return new Request(url, {
    method: init.method ?? (body ? "POST" : "GET"),
    headers,
    body,
    signal: init.signal,
  });
}

/**
 * Shopify's token exchange (`POST https://<shop>/admin/oauth/access_token`), which the library calls when a
 * valid session token arrives for a shop without a stored offline session.
 */
export function tokenExchangeHandler(shop: string, accessToken = "shpat_exchanged") {
  return http.post(`https://${shop}/admin/oauth/access_token`, () =>
    HttpResponse.json({
      access_token: accessToken,
      scope: "read_products,write_draft_orders,read_orders,read_customers,read_fulfillments",
      expires_in: 3600,
      refresh_token: "shprt_exchanged",
      refresh_token_expires_in: 7_776_000,
    }),
  );
}
