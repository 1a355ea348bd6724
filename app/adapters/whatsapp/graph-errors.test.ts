import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  classifyGraphError,
  isRetryableErrorCode,
  parseGraphErrorBody,
  parseRetryAfter,
} from "./graph-errors";

/** A Graph API error response body, as Meta documents it. */
const graphError = (code: number, extra: Record<string, unknown> = {}) => ({
  error: {
    message: `(#${code}) Something`,
    type: "OAuthException",
    code,
    error_data: { messaging_product: "whatsapp", details: `details of ${code}` },
    fbtrace_id: "AbCdEf123",
    ...extra,
  },
});

const NOW = new Date("2026-06-01T12:00:00Z");

describe("classifyGraphError: retry", () => {
  it.each([
    [130429, 400, "Cloud API throughput reached"],
    [131056, 400, "pair rate limit"],
    [131000, 500, "something went wrong"],
    [131016, 503, "service unavailable"],
    [4, 400, "app rate limit"],
    [80007, 400, "WABA rate limit"],
    [2, 503, "temporary downtime"],
    [133004, 503, "server temporarily unavailable"],
  ])("retries code %s (HTTP %s, %s)", (code, status) => {
    expect(classifyGraphError({ status, body: graphError(code) })).toEqual({
      kind: "retry",
      code,
      title: `(#${code}) Something`,
    });
  });

  it.each([500, 502, 503, 504, 429, 408])("retries HTTP %s without a Graph error", (status) => {
    expect(classifyGraphError({ status, body: "<html>Bad gateway</html>" })).toEqual({ kind: "retry" });
  });

  it("retries network errors (no response)", () => {
    expect(classifyGraphError({})).toEqual({ kind: "retry" });
    expect(classifyGraphError({ status: null })).toEqual({ kind: "retry" });
  });

  it("retries an unknown code on a 5xx", () => {
    expect(classifyGraphError({ status: 500, body: graphError(999999) })).toMatchObject({
      kind: "retry",
      code: 999999,
    });
  });

  it("retries an unknown code that Graph marks transient", () => {
    expect(
      classifyGraphError({ status: 400, body: graphError(999999, { is_transient: true }) }),
    ).toMatchObject({
      kind: "retry",
    });
  });

  it("passes Retry-After on", () => {
    expect(classifyGraphError({ status: 429, retryAfter: "30" })).toEqual({
      kind: "retry",
      retryAfterMs: 30_000,
    });
    expect(
      classifyGraphError({
        status: 400,
        body: graphError(130429),
        retryAfter: "Mon, 01 Jun 2026 12:00:05 GMT",
        now: NOW,
      }),
    ).toMatchObject({ kind: "retry", retryAfterMs: 5_000 });
  });
});

describe("classifyGraphError: permanent", () => {
  it.each([
    [131026, "message"], // undeliverable
    [131047, "message"], // outside the 24h window
    [131051, "message"], // unsupported type
    [100, "message"], // invalid parameter
    [131049, "message"], // not delivered, ecosystem engagement
    [131030, "message"], // recipient not in allowed list
    [132000, "message"], // template params mismatch
    [132001, "message"], // template does not exist
    [131050, "message"], // stopped marketing messages
    [131008, "message"],
    [131009, "message"],
    [190, "account"], // token expired
    [10, "account"], // permission denied
    [200, "account"], // API permission
    [299, "account"],
    [131031, "account"], // account locked
    [131042, "account"], // payment issue
    [368, "account"], // policy block
  ] as const)("does not retry code %s (%s)", (code, scope) => {
    expect(classifyGraphError({ status: 400, body: graphError(code) })).toEqual({
      kind: "permanent",
      code,
      title: `(#${code}) Something`,
      details: `details of ${code}`,
      scope,
    });
  });

  it("classifies by code even when the HTTP status says otherwise", () => {
    expect(classifyGraphError({ status: 500, body: graphError(131047) })).toMatchObject({
      kind: "permanent",
      code: 131047,
    });
  });

  it("prefers error_user_title and error_user_msg when Graph gives them", () => {
    expect(
      classifyGraphError({
        status: 400,
        body: {
          error: {
            code: 131047,
            message: "(#131047) Re-engagement message",
            error_user_title: "Outside window",
            error_user_msg: "More than 24 hours",
          },
        },
      }),
    ).toEqual({
      kind: "permanent",
      code: 131047,
      title: "Outside window",
      details: "More than 24 hours",
      scope: "message",
    });
  });

  it("treats an unknown code on a 4xx as permanent", () => {
    expect(classifyGraphError({ status: 400, body: graphError(987654) })).toMatchObject({
      kind: "permanent",
      code: 987654,
      scope: "message",
    });
  });

  it("uses the HTTP status when there is no Graph error", () => {
    expect(classifyGraphError({ status: 404, body: null })).toEqual({
      kind: "permanent",
      code: 404,
      title: "HTTP 404",
      scope: "message",
    });
    expect(classifyGraphError({ status: 401, body: "" })).toMatchObject({
      kind: "permanent",
      code: 401,
      scope: "account",
    });
    expect(classifyGraphError({ status: 403, body: graphError(987654) })).toMatchObject({ scope: "account" });
  });
});

describe("parseGraphErrorBody", () => {
  it("reads a Graph error and keeps unknown fields", () => {
    expect(parseGraphErrorBody(graphError(131047, { error_subcode: 2494010, extra: 1 }))).toMatchObject({
      code: 131047,
      error_subcode: 2494010,
      fbtrace_id: "AbCdEf123",
      extra: 1,
    });
  });

  it.each([undefined, null, "oops", 5, [], {}, { error: {} }, { error: { code: "131047" } }])(
    "returns undefined for %j",
    (body) => {
      expect(parseGraphErrorBody(body)).toBeUndefined();
    },
  );
});

describe("parseRetryAfter", () => {
  it("reads delay-seconds", () => {
    expect(parseRetryAfter("0")).toBe(0);
    expect(parseRetryAfter("120")).toBe(120_000);
    expect(parseRetryAfter(" 7 ")).toBe(7_000);
  });

  it("reads an HTTP date relative to now", () => {
    expect(parseRetryAfter("Mon, 01 Jun 2026 12:01:00 GMT", NOW)).toBe(60_000);
    expect(parseRetryAfter("Mon, 01 Jun 2026 11:00:00 GMT", NOW)).toBe(0);
  });

  it.each([undefined, null, "", "soon", "-5", "1.5", "12abc", "Tomorrow-ish"])("ignores %j", (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });

  it("never throws and never returns a negative delay", () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const ms = parseRetryAfter(value, NOW);
        return ms === undefined || (Number.isFinite(ms) && ms >= 0);
      }),
    );
  });
});

describe("isRetryableErrorCode (status webhooks)", () => {
  it("tells retryable codes from final ones", () => {
    expect(isRetryableErrorCode(131000)).toBe(true);
    expect(isRetryableErrorCode(130429)).toBe(true);
    expect(isRetryableErrorCode(131049)).toBe(false);
    expect(isRetryableErrorCode(131026)).toBe(false);
  });
});

describe("classifyGraphError never throws", () => {
  it("whatever it is given", () => {
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: 100, max: 599 })),
        fc.anything(),
        fc.option(fc.string()),
        (status, body, retryAfter) => {
          const verdict = classifyGraphError({ status, body, retryAfter, now: NOW });
          return verdict.kind === "retry" || verdict.kind === "permanent";
        },
      ),
    );
  });
});
