import { describe, expect, it } from "vitest";
import {
  adminClientFromGraphql,
  adminGraphqlUrl,
  backoffDelay,
  classifyFailure,
  createAdminClient,
  normaliseShopDomain,
  operationNameOf,
  parseRetryAfter,
  ShopifyAdminError,
  throttleWaitMs,
} from "./admin-client";
import { ADMIN_API_VERSION } from "./api-version";

const THROTTLED_BODY = {
  errors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }],
  extensions: {
    cost: {
      requestedQueryCost: 202,
      actualQueryCost: null,
      throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 2, restoreRate: 100 },
    },
  },
};

describe("classifyFailure", () => {
  it.each([
    [{ status: 401 }, "auth", false],
    [{ status: 403 }, "auth", false],
    [{ status: 429 }, "throttled", true],
    [{ status: 200, errors: THROTTLED_BODY.errors }, "throttled", true],
    [{ status: 500 }, "unavailable", true],
    [{ status: 502 }, "unavailable", true],
    [{ status: 503 }, "unavailable", true],
    [{ status: 402 }, "unavailable", false],
    [{ status: 423 }, "unavailable", false],
    [{ status: 404 }, "unavailable", false],
    [{ status: 400 }, "graphql", false],
    [{ status: 200, errors: [{ message: "x", extensions: { code: "ACCESS_DENIED" } }] }, "auth", false],
    [
      { status: 200, errors: [{ message: "x", extensions: { code: "INTERNAL_SERVER_ERROR" } }] },
      "unavailable",
      true,
    ],
    [{ status: 200, errors: [{ message: "Field 'x' doesn't exist" }] }, "graphql", false],
    [{ transportError: new TypeError("fetch failed") }, "unavailable", true],
    [{ status: 200, transportError: new SyntaxError("Unexpected token <") }, "unavailable", true],
  ] as const)("%j → %s (retry: %s)", (facts, kind, retryable) => {
    const c = classifyFailure(facts as Parameters<typeof classifyFailure>[0]);
    expect(c.kind).toBe(kind);
    expect(c.retryable).toBe(retryable);
  });

  it("takes the larger of Retry-After and the bucket refill time", () => {
    expect(
      classifyFailure({ status: 200, errors: THROTTLED_BODY.errors, extensions: THROTTLED_BODY.extensions })
        .minDelayMs,
    ).toBe(2000);
    expect(classifyFailure({ status: 429, retryAfter: "3" }).minDelayMs).toBe(3000);
    expect(classifyFailure({ status: 503, retryAfter: "1" }).minDelayMs).toBe(1000);
  });
});

describe("throttle and backoff arithmetic", () => {
  it("computes the bucket refill time from extensions.cost", () => {
    expect(throttleWaitMs(THROTTLED_BODY.extensions)).toBe(2000);
    expect(
      throttleWaitMs({
        cost: { requestedQueryCost: 10, throttleStatus: { currentlyAvailable: 50, restoreRate: 50 } },
      }),
    ).toBe(20);
    expect(throttleWaitMs({})).toBeUndefined();
    expect(throttleWaitMs(undefined)).toBeUndefined();
    expect(throttleWaitMs({ cost: { throttleStatus: { restoreRate: 0 } } })).toBeUndefined();
  });

  it("parses Retry-After as seconds or an HTTP date", () => {
    expect(parseRetryAfter("2")).toBe(2000);
    expect(parseRetryAfter("1.5")).toBe(1500);
    expect(
      parseRetryAfter("Wed, 21 Oct 2026 07:28:05 GMT", () => Date.parse("Wed, 21 Oct 2026 07:28:00 GMT")),
    ).toBe(5000);
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it("grows exponentially with jitter, within [min, max]", () => {
    const opts = { baseDelayMs: 100, maxDelayMs: 1000, random: () => 1 };
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, undefined, opts))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffDelay(1, undefined, { ...opts, random: () => 0 })).toBe(50);
    expect(backoffDelay(1, 700, opts)).toBe(700);
    expect(backoffDelay(1, 5000, opts)).toBe(1000);
  });
});

describe("shop domain and URL", () => {
  it("normalises and validates the shop domain", () => {
    expect(normaliseShopDomain("https://Demo-Hala.myshopify.com/")).toBe("demo-hala.myshopify.com");
    expect(adminGraphqlUrl("demo-hala.myshopify.com")).toBe(
      `https://demo-hala.myshopify.com/admin/api/${ADMIN_API_VERSION}/graphql.json`,
    );
    for (const bad of [
      "",
      "demo",
      "evil.com/path",
      "a b.myshopify.com",
      "user@evil.com",
      "demo.myshopify.com?x=1",
    ]) {
      expect(() => normaliseShopDomain(bad)).toThrow(/Invalid shop domain/);
    }
  });

  it("reads the operation name", () => {
    expect(operationNameOf("#graphql\n query HalaShopInfo { shop { name } }")).toBe("HalaShopInfo");
    expect(operationNameOf("mutation HalaX($a: Int) { x }")).toBe("HalaX");
    expect(operationNameOf("{ shop { name } }")).toBeUndefined();
  });
});

type Reply = Response | Error;

function fakeFetch(replies: Reply[]) {
  const calls: { url: string; headers: Headers; body: unknown }[] = [];
  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({
      url: String(input instanceof Request ? input.url : input),
      headers: new Headers(init?.headers),
      body: JSON.parse(String(init?.body)),
    });
    const reply = replies.shift();
    if (!reply) throw new Error("no more replies");
    if (reply instanceof Error) throw reply;
    return reply;
  }) as typeof fetch;
  return { fetchFn, calls };
}

const json = (body: unknown, init: ResponseInit = {}) =>
  new Response(JSON.stringify(body), {
    status: 200,
    ...init,
    headers: { "Content-Type": "application/json", ...init.headers },
  });

describe("createAdminClient", () => {
  it("posts the operation with the access token to the versioned endpoint", async () => {
    const { fetchFn, calls } = fakeFetch([json({ data: { shop: { name: "Demo" } } })]);
    const client = createAdminClient({
      shop: "demo-hala.myshopify.com",
      accessToken: "shpat_x",
      fetch: fetchFn,
    });
    const data = await client.request<{ shop: { name: string } }>(
      "query HalaShopInfo($a: Int) { shop { name } }",
      { a: 1 },
    );
    expect(data.shop.name).toBe("Demo");
    expect(client.shop).toBe("demo-hala.myshopify.com");
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe(`https://demo-hala.myshopify.com/admin/api/${ADMIN_API_VERSION}/graphql.json`);
    expect(calls[0].headers.get("x-shopify-access-token")).toBe("shpat_x");
    expect(calls[0].headers.get("content-type")).toContain("application/json");
    expect(calls[0].body).toMatchObject({ variables: { a: 1 }, operationName: "HalaShopInfo" });
  });

  it("retries with the injected sleep and reports each retry", async () => {
    const sleeps: number[] = [];
    const retries: unknown[] = [];
    const { fetchFn, calls } = fakeFetch([
      json(THROTTLED_BODY),
      new TypeError("fetch failed"),
      new Response("<html>502 Bad Gateway</html>", { status: 502, headers: { "Content-Type": "text/html" } }),
      new Response("<html>maintenance</html>", { status: 200, headers: { "Content-Type": "text/html" } }),
      json({ data: { ok: true } }),
    ]);
    const client = createAdminClient({
      shop: "demo-hala.myshopify.com",
      accessToken: "t",
      fetch: fetchFn,
      maxAttempts: 5,
      sleep: async (ms) => void sleeps.push(ms),
      random: () => 0,
      onRetry: (e) => retries.push(e),
    });
    expect(await client.request("query HalaOk { ok }")).toEqual({ ok: true });
    expect(calls).toHaveLength(5);
    expect(sleeps).toEqual([2000, 300, 600, 1200]);
    expect(retries).toMatchObject([
      { attempt: 1, kind: "throttled", code: "THROTTLED", operationName: "HalaOk" },
      { attempt: 2, kind: "unavailable" },
      { attempt: 3, kind: "unavailable", status: 502 },
      { attempt: 4, kind: "unavailable" },
    ]);
  });

  it("throws a typed error with the GraphQL errors, without retrying them", async () => {
    const { fetchFn, calls } = fakeFetch([
      json({ data: null, errors: [{ message: "Field 'nope' doesn't exist on type 'Shop'" }] }),
    ]);
    const client = createAdminClient({ shop: "demo-hala.myshopify.com", accessToken: "t", fetch: fetchFn });
    const error = await client.request("query HalaBad { shop { nope } }").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyAdminError);
    expect(error).toMatchObject({ kind: "graphql", attempts: 1, status: 200, operationName: "HalaBad" });
    expect((error as Error).message).toContain("doesn't exist");
    expect(calls).toHaveLength(1);
  });

  it("maps Shopify's 401 string body", async () => {
    const { fetchFn } = fakeFetch([
      json({ errors: "[API] Invalid API key or access token" }, { status: 401 }),
    ]);
    const client = createAdminClient({ shop: "demo-hala.myshopify.com", accessToken: "t", fetch: fetchFn });
    const error = (await client
      .request("query HalaX { shop { name } }")
      .catch((e: unknown) => e)) as ShopifyAdminError;
    expect(error.kind).toBe("auth");
    expect(error.errors[0].message).toBe("[API] Invalid API key or access token");
  });

  it("times out a hanging request and retries it", async () => {
    let n = 0;
    const fetchFn = ((_input: RequestInfo | URL, init?: RequestInit) =>
      n++ === 0
        ? new Promise<Response>((_, reject) =>
            init?.signal?.addEventListener("abort", () => reject(init.signal!.reason)),
          )
        : Promise.resolve(json({ data: { ok: 1 } }))) as typeof fetch;
    const client = createAdminClient({
      shop: "demo-hala.myshopify.com",
      accessToken: "t",
      fetch: fetchFn,
      timeoutMs: 20,
      sleep: async () => {},
    });
    expect(await client.request("query HalaOk { ok }")).toEqual({ ok: 1 });
    expect(n).toBe(2);
  });

  it("refuses a client without a token", () => {
    expect(() => createAdminClient({ shop: "demo-hala.myshopify.com", accessToken: "" })).toThrow(
      /missing access token/,
    );
  });
});

describe("adminClientFromGraphql", () => {
  it("wraps admin.graphql and maps its errors", async () => {
    const ok = adminClientFromGraphql("demo-hala.myshopify.com", async (_q, opts) =>
      json({ data: { echo: opts?.variables } }),
    );
    expect(await ok.request("query HalaEcho { echo }", { a: 1 })).toEqual({ echo: { a: 1 } });

    const throttled = adminClientFromGraphql("demo-hala.myshopify.com", async () => json(THROTTLED_BODY));
    await expect(throttled.request("query HalaX { x }")).rejects.toMatchObject({ kind: "throttled" });

    const thrown = adminClientFromGraphql("demo-hala.myshopify.com", async () => {
      throw Object.assign(new Error("Unauthorized"), { response: { code: 401 } });
    });
    await expect(thrown.request("query HalaX { x }")).rejects.toMatchObject({ kind: "auth", status: 401 });
  });
});
