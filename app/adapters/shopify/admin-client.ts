/**
 * A small, typed Admin GraphQL client on graphql-request, independent of Remix: background workers build one
 * from the shop's offline session token (`createAdminClient({ shop, accessToken })`), routes can wrap
 * `admin.graphql` from `authenticate.admin()` with `adminClientFromGraphql`. Model functions in `catalog.ts`,
 * `orders.ts` and `checkout.ts` take either as their first argument.
 *
 * Throttling-aware: a `THROTTLED` GraphQL error, HTTP 429, HTTP 5xx, a network error or a timeout is retried
 * with exponential backoff and full jitter, waiting at least as long as `Retry-After` or the leaky bucket's
 * refill time (`extensions.cost.throttleStatus`) says. 401/403 and ordinary GraphQL errors are not retried.
 * Whatever fails ends as a `ShopifyAdminError` with a `kind`.
 */
import { ClientError, GraphQLClient } from "graphql-request";
import { ADMIN_API_VERSION } from "./api-version";

export type Variables = Record<string, unknown>;

export interface AdminClient {
  /** The shop's myshopify domain, e.g. `demo-hala.myshopify.com`. */
  readonly shop: string;
  request<T = unknown>(query: string, variables?: Variables): Promise<T>;
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

export type ShopifyAdminErrorKind = "throttled" | "unavailable" | "graphql" | "auth";

export interface GraphQLErrorLike {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: Record<string, unknown>;
}

export class ShopifyAdminError extends Error {
  override readonly name = "ShopifyAdminError";
  readonly kind: ShopifyAdminErrorKind;
  /** HTTP status, when there was a response. */
  readonly status?: number;
  /** `extensions.code` of the first GraphQL error (THROTTLED, ACCESS_DENIED, …), when there was one. */
  readonly code?: string;
  readonly operationName?: string;
  /** How many requests were sent. */
  readonly attempts: number;
  readonly errors: GraphQLErrorLike[];

  constructor(init: {
    kind: ShopifyAdminErrorKind;
    message: string;
    status?: number;
    code?: string;
    operationName?: string;
    attempts: number;
    errors?: GraphQLErrorLike[];
    cause?: unknown;
  }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.status = init.status;
    this.code = init.code;
    this.operationName = init.operationName;
    this.attempts = init.attempts;
    this.errors = init.errors ?? [];
  }
}

export function isShopifyAdminError(error: unknown): error is ShopifyAdminError {
  return error instanceof ShopifyAdminError;
}

/** A mutation answered but refused the input (`userErrors`). Never retried: the same input fails again. */
export class ShopifyUserErrors extends Error {
  override readonly name = "ShopifyUserErrors";
  readonly userErrors: { field?: readonly string[] | null; message: string }[];
  readonly operationName: string;

  constructor(operationName: string, userErrors: { field?: readonly string[] | null; message: string }[]) {
    super(`${operationName}: ${userErrors.map((e) => e.message).join("; ")}`);
    this.operationName = operationName;
    this.userErrors = userErrors;
  }
}

// ---------------------------------------------------------------------------------------------
// Classification and backoff (pure, exported for unit tests)
// ---------------------------------------------------------------------------------------------

export interface ThrottleStatus {
  maximumAvailable?: number;
  currentlyAvailable?: number;
  restoreRate?: number;
}

export interface ResponseFacts {
  /** HTTP status; undefined for network errors and timeouts. */
  status?: number;
  errors?: GraphQLErrorLike[];
  extensions?: unknown;
  retryAfter?: string | null;
  /** Set for network errors, timeouts and unparsable bodies. */
  transportError?: unknown;
}

export interface Classification {
  kind: ShopifyAdminErrorKind;
  retryable: boolean;
  code?: string;
  message: string;
  /** The least time to wait before retrying, from Retry-After or the throttle bucket. */
  minDelayMs?: number;
}

const RETRYABLE_GRAPHQL_CODES = new Set(["INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE", "TIMEOUT"]);

export function classifyFailure(facts: ResponseFacts): Classification {
  const { status, errors = [] } = facts;
  const codes = errors.map((e) => (typeof e.extensions?.code === "string" ? e.extensions.code : undefined));
  const firstCode = codes.find((c) => c !== undefined);
  const firstMessage = errors[0]?.message;
  const retryAfterMs = parseRetryAfter(facts.retryAfter);

  if (facts.transportError !== undefined && status === undefined) {
    return {
      kind: "unavailable",
      retryable: true,
      message: `network error: ${describe(facts.transportError)}`,
    };
  }
  if (status === 401 || status === 403) {
    return {
      kind: "auth",
      retryable: false,
      code: firstCode,
      message: `HTTP ${status}${firstMessage ? `: ${firstMessage}` : ""}`,
    };
  }
  if (status === 429 || codes.includes("THROTTLED")) {
    const bucketMs = throttleWaitMs(facts.extensions);
    const minDelayMs = maxDefined(retryAfterMs, bucketMs);
    return {
      kind: "throttled",
      retryable: true,
      code: codes.includes("THROTTLED") ? "THROTTLED" : firstCode,
      message: status === 429 ? "HTTP 429 Too Many Requests" : "Throttled",
      minDelayMs,
    };
  }
  if (status !== undefined && status >= 500) {
    return {
      kind: "unavailable",
      retryable: true,
      code: firstCode,
      message: `HTTP ${status}`,
      minDelayMs: retryAfterMs,
    };
  }
  // 402 Payment Required (shop frozen), 423 Locked (shop locked), 404 (shop gone or version unknown).
  if (status === 402 || status === 404 || status === 423) {
    return {
      kind: "unavailable",
      retryable: false,
      code: firstCode,
      message: `HTTP ${status}${firstMessage ? `: ${firstMessage}` : ""}`,
    };
  }
  if (status !== undefined && (status < 200 || status >= 300)) {
    return {
      kind: "graphql",
      retryable: false,
      code: firstCode,
      message: `HTTP ${status}${firstMessage ? `: ${firstMessage}` : ""}`,
    };
  }
  if (codes.includes("ACCESS_DENIED")) {
    return {
      kind: "auth",
      retryable: false,
      code: "ACCESS_DENIED",
      message: firstMessage ?? "Access denied",
    };
  }
  const retryableCode = codes.find((c) => c !== undefined && RETRYABLE_GRAPHQL_CODES.has(c));
  if (retryableCode) {
    return {
      kind: "unavailable",
      retryable: true,
      code: retryableCode,
      message: firstMessage ?? retryableCode,
    };
  }
  if (facts.transportError !== undefined) {
    // A 2xx whose body is not GraphQL JSON (a proxy's error page, a truncated body).
    return {
      kind: "unavailable",
      retryable: true,
      message: `unreadable response: ${describe(facts.transportError)}`,
    };
  }
  return {
    kind: "graphql",
    retryable: false,
    code: firstCode,
    message: errors.map((e) => e.message).join("; ") || "GraphQL error",
  };
}

/** Time until the leaky bucket holds the requested cost again, from `extensions.cost`. */
export function throttleWaitMs(extensions: unknown): number | undefined {
  const cost = (
    extensions as { cost?: { requestedQueryCost?: number; throttleStatus?: ThrottleStatus } } | undefined
  )?.cost;
  const status = cost?.throttleStatus;
  if (!status || typeof status.restoreRate !== "number" || status.restoreRate <= 0) return undefined;
  const requested = typeof cost?.requestedQueryCost === "number" ? cost.requestedQueryCost : 0;
  const available = typeof status.currentlyAvailable === "number" ? status.currentlyAvailable : 0;
  const missing = Math.max(requested - available, 1);
  return Math.ceil((missing / status.restoreRate) * 1000);
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds. */
export function parseRetryAfter(
  value: string | null | undefined,
  now: () => number = Date.now,
): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now());
}

export interface BackoffOptions {
  baseDelayMs: number;
  maxDelayMs: number;
  random: () => number;
}

/**
 * Delay before retry number `attempt` (1 = the first retry): exponential with "equal jitter"
 * (half fixed, half random) so that concurrent workers spread out, never below `minDelayMs`, never above
 * `maxDelayMs`.
 */
export function backoffDelay(
  attempt: number,
  minDelayMs: number | undefined,
  options: BackoffOptions,
): number {
  const exponential = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  const jittered = exponential / 2 + options.random() * (exponential / 2);
  return Math.round(Math.min(options.maxDelayMs, Math.max(jittered, minDelayMs ?? 0)));
}

// ---------------------------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------------------------

export interface RetryEvent {
  operationName?: string;
  attempt: number;
  delayMs: number;
  kind: ShopifyAdminErrorKind;
  status?: number;
  code?: string;
}

export interface AdminClientOptions {
  /** The shop's myshopify domain (`demo-hala.myshopify.com`); `https://` and a trailing slash are tolerated. */
  shop: string;
  accessToken: string;
  fetch?: typeof fetch;
  /** Total requests per call, the first included. Default 4. */
  maxAttempts?: number;
  /** Default 300 ms. */
  baseDelayMs?: number;
  /** Upper bound of one wait, including Retry-After / bucket refill hints. Default 10 s. */
  maxDelayMs?: number;
  /** Per-request timeout. Default 20 s. */
  timeoutMs?: number;
  /** Injected by tests to avoid real waiting. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onRetry?: (event: RetryEvent) => void;
}

const SHOP_HOST = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+(?::\d+)?$/i;

export function normaliseShopDomain(shop: string): string {
  const host = shop
    .trim()
    .replace(/^https?:\/\//i, "")
    .replace(/\/+$/, "")
    .toLowerCase();
  if (!SHOP_HOST.test(host)) throw new Error(`Invalid shop domain: ${JSON.stringify(shop)}`);
  return host;
}

export function adminGraphqlUrl(shop: string): string {
  return `https://${normaliseShopDomain(shop)}/admin/api/${ADMIN_API_VERSION}/graphql.json`;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createAdminClient(options: AdminClientOptions): AdminClient {
  const shop = normaliseShopDomain(options.shop);
  if (!options.accessToken) throw new Error(`createAdminClient: missing access token for ${shop}`);
  const maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? 4));
  const backoff: BackoffOptions = {
    baseDelayMs: options.baseDelayMs ?? 300,
    maxDelayMs: options.maxDelayMs ?? 10_000,
    random: options.random ?? Math.random,
  };
  const timeoutMs = options.timeoutMs ?? 20_000;
  const sleep = options.sleep ?? defaultSleep;

  const gql = new GraphQLClient(adminGraphqlUrl(shop), {
    headers: { "X-Shopify-Access-Token": options.accessToken },
    // Resolved per call (not captured here) so msw, installed later, still intercepts the global fetch.
    fetch: (input, init) => (options.fetch ?? globalThis.fetch)(input, init),
    errorPolicy: "all",
  });

  async function request<T>(query: string, variables?: Variables): Promise<T> {
    const operationName = operationNameOf(query);
    for (let attempt = 1; ; attempt++) {
      const facts = await send(query, variables);
      if ("data" in facts) return facts.data as T;

      const c = classifyFailure(facts);
      if (!c.retryable || attempt >= maxAttempts) {
        throw new ShopifyAdminError({
          kind: c.kind,
          message: `Shopify Admin ${operationName ?? "request"} failed for ${shop} after ${attempt} attempt${attempt > 1 ? "s" : ""}: ${c.message}`,
          status: facts.status,
          code: c.code,
          operationName,
          attempts: attempt,
          errors: facts.errors,
          cause: facts.transportError,
        });
      }
      const delayMs = backoffDelay(attempt, c.minDelayMs, backoff);
      options.onRetry?.({
        operationName,
        attempt,
        delayMs,
        kind: c.kind,
        status: facts.status,
        code: c.code,
      });
      await sleep(delayMs);
    }
  }

  async function send(query: string, variables?: Variables): Promise<ResponseFacts | { data: unknown }> {
    try {
      const response = await gql.rawRequest<unknown>({
        query,
        variables: variables ?? {},
        signal: AbortSignal.timeout(timeoutMs),
      });
      const errors = asErrors(response.errors);
      if (errors.length === 0 && response.data != null) return { data: response.data };
      return {
        status: response.status,
        errors,
        extensions: response.extensions,
        retryAfter: response.headers.get("retry-after"),
      };
    } catch (error) {
      if (error instanceof ClientError) {
        const errors = asErrors(error.response.errors);
        return {
          status: error.response.status,
          errors: errors.length ? errors : errorsFromBody(error.response.body),
          extensions: error.response.extensions,
          retryAfter: error.response.headers?.get?.("retry-after") ?? null,
        };
      }
      return { transportError: error };
    }
  }

  return { shop, request };
}

// ---------------------------------------------------------------------------------------------
// Adapter for `admin.graphql` of @shopify/shopify-app-remix (structural, so this module needs no Remix)
// ---------------------------------------------------------------------------------------------

export interface GraphqlFunctionLike {
  (query: string, options?: { variables?: Variables }): Promise<Response>;
}

/**
 * Wraps `admin.graphql` from `authenticate.admin(request)` (or `unauthenticated.admin(shop)`) so the same model
 * functions work in routes. That client does its own retries; errors are mapped to `ShopifyAdminError`.
 */
export function adminClientFromGraphql(shop: string, graphql: GraphqlFunctionLike): AdminClient {
  const host = normaliseShopDomain(shop);
  return {
    shop: host,
    async request<T>(query: string, variables?: Variables): Promise<T> {
      const operationName = operationNameOf(query);
      let body: { data?: unknown; errors?: unknown; extensions?: unknown };
      let status: number | undefined;
      try {
        const response = await graphql(query, { variables });
        status = response.status;
        body = (await response.json()) as typeof body;
      } catch (error) {
        // The library throws GraphqlQueryError (with `.body` / `.response`) or HttpResponseError (with `.response.code`).
        const e = error as { response?: { code?: number; status?: number }; body?: { errors?: unknown } };
        const facts: ResponseFacts = {
          status: e.response?.code ?? e.response?.status,
          errors: asErrors(e.body?.errors),
          transportError: error,
        };
        if (facts.status === undefined && facts.errors?.length) facts.status = 200;
        const c = classifyFailure(facts);
        throw new ShopifyAdminError({
          kind: c.kind,
          message: c.message,
          status: facts.status,
          code: c.code,
          operationName,
          attempts: 1,
          errors: facts.errors,
          cause: error,
        });
      }
      const errors = asErrors(body.errors);
      if (errors.length === 0 && body.data != null) return body.data as T;
      const c = classifyFailure({ status, errors, extensions: body.extensions });
      throw new ShopifyAdminError({
        kind: c.kind,
        message: c.message,
        status,
        code: c.code,
        operationName,
        attempts: 1,
        errors,
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

export function operationNameOf(query: string): string | undefined {
  return /\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/.exec(query)?.[1];
}

function asErrors(value: unknown): GraphQLErrorLike[] {
  if (value == null) return [];
  if (Array.isArray(value)) {
    return value.map((e) =>
      typeof e === "object" && e !== null && typeof (e as GraphQLErrorLike).message === "string"
        ? (e as GraphQLErrorLike)
        : { message: String(typeof e === "object" ? JSON.stringify(e) : e) },
    );
  }
  // Shopify answers 401/404 with `{"errors": "[API] Invalid API key or access token …"}`.
  if (typeof value === "string") return [{ message: value }];
  if (typeof value === "object") return [{ message: JSON.stringify(value) }];
  return [{ message: String(value) }];
}

/** Non-GraphQL error bodies (`{"errors":"…"}`, plain text) that graphql-request could not parse. */
function errorsFromBody(body: unknown): GraphQLErrorLike[] {
  if (typeof body !== "string" || body.length === 0) return [];
  try {
    return asErrors((JSON.parse(body) as { errors?: unknown }).errors);
  } catch {
    return [{ message: body.slice(0, 200) }];
  }
}

function maxDefined(...values: (number | undefined)[]): number | undefined {
  const defined = values.filter((v): v is number => typeof v === "number");
  return defined.length ? Math.max(...defined) : undefined;
}

function describe(error: unknown): string {
  if (error instanceof Error)
    return error.name === "Error" ? error.message : `${error.name}: ${error.message}`;
  return String(error);
}
