/**
 * Dependency faults, against the BUILT app with a PRIVATE PostgreSQL cluster (initdb in a temp dir, its own
 * port) and a PRIVATE redis-server — never the machine's shared ones — and a fake Graph API on loopback:
 * - the Graph API answers 30% 500 / 429 / 130429 and 20% slowly: everything delivered once, the backoff
 *   honoured, the send rate per number measured against its messagesPerSecond;
 * - PostgreSQL stops mid-load: webhooks answer 503 (never a 200 for something not stored) and the app
 *   recovers by itself when it is back;
 * - Redis stops mid-load: degraded but correct — webhooks keep being acknowledged, nothing is lost, replies
 *   keep flowing on per-process buckets at once (the cache's circuit breaker: fixed cache-outage-waits).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareBuild, type AppSnapshot } from "../../bench/resilience/lib/app";
import { runDependencyScenario, type DependencyFigures } from "../../bench/resilience/lib/scenarios";
import { recordFigures } from "./support/figures";
import type { DeliveryFigures } from "../../bench/resilience/lib/verify";

const LONG = process.env.RES_LONG === "1";
let snapshot: AppSnapshot | undefined;
let f: DependencyFigures;

beforeAll(
  async () => {
    snapshot = await prepareBuild();
    f = await runDependencyScenario({
      label: "ci-dependencies",
      snapshot,
      ratePerSec: 20,
      warmS: LONG ? 10 : 3,
      outageS: LONG ? 20 : 4,
      recoverS: LONG ? 10 : 3,
      graphFaultMessages: LONG ? 1_000 : 80,
      maxConsecutiveFaults: LONG ? Infinity : 3,
      graphFaultRate: 0.3,
      graphTenantRate: 5,
      expireLeasesAfterRedisOutage: !LONG,
      drainTimeoutMs: LONG ? 240_000 : 120_000,
      seed: 11,
    });
    recordFigures("dependencies", { title: "Dependency faults (CI form)", stale: snapshot.stale, ...f });
  },
  LONG ? 3_600_000 : 600_000,
);

afterAll(() => snapshot?.cleanup());

function allOnce(d: DeliveryFigures) {
  expect(d.neverAcknowledged).toBe(0);
  expect(d.lostAfterAck).toBe(0);
  expect(d.notProcessed, JSON.stringify(d.notProcessedStatuses)).toBe(0);
  expect(d.inboundRowsDuplicated).toBe(0);
  expect(d.unanswered).toBe(0);
  expect(d.repliesNotSent).toEqual({});
  expect(d.repliesNeverDelivered).toBe(0);
  expect(d.duplicateReplies).toBe(0);
}

describe("Graph API: 30% 500/429/130429 and slow answers", () => {
  it("everything delivered exactly once", () => {
    expect(f.graph.faultsInjected).toBeGreaterThan(0);
    allOnce(f.graph.delivery);
  });

  it("the backoff is honoured between the attempts of one message", () => {
    expect(f.graph.backoffChecked).toBeGreaterThan(0);
    expect(f.graph.backoffViolations).toEqual([]);
  });

  it("fixed (outbox-rate-burst): measured at the fake Graph API, no number ever gets more than messagesPerSecond requests in any sliding second", () => {
    expect(Object.keys(f.graph.maxPerSecondSliding).length).toBeGreaterThan(0);
    for (const [number, max] of Object.entries(f.graph.maxPerSecondSliding))
      expect(max, `number ${number}`).toBeLessThanOrEqual(f.graph.messagesPerSecond);
  });
});

describe("PostgreSQL stopped and restarted mid-load", () => {
  it("webhooks answer 503 while it is down, never 200 for something not stored", () => {
    expect(f.postgres.answersDuringOutage["503"] ?? 0).toBeGreaterThan(0);
    expect(
      Object.keys(f.postgres.answersDuringOutage).filter((s) => s !== "503" && s !== "200" && s !== "0"),
    ).toEqual([]);
    expect(f.postgres.delivery.lostAfterAck).toBe(0);
  });

  it("the app recovers by itself: acknowledged again, everything processed once", () => {
    expect(f.postgres.recoverySeconds).not.toBeNull();
    expect(f.postgres.recoverySeconds!).toBeLessThan(15);
    allOnce(f.postgres.delivery);
    expect(f.unexpectedExits).toBe(0);
  });
});

describe("Redis stopped and restarted mid-load", () => {
  it("webhooks keep being acknowledged and nothing is lost", () => {
    expect(f.redis.answersDuringOutage["200"] ?? 0).toBeGreaterThan(0);
    expect(Object.keys(f.redis.answersDuringOutage).filter((s) => s !== "200")).toEqual([]);
    allOnce(f.redis.delivery);
  });

  it("fixed (outbox-no-cache-degradation): replies keep flowing while Redis is down (rate limits fall back)", () => {
    expect(f.redis.repliesSentDuringOutage).toBeGreaterThan(0);
    expect(f.redis.leasesExpiredByTest).toBe(false);
  });

  it("fixed (cache-outage-waits): while Redis is down replies go out at ≥ half the rate they did before", () => {
    expect(f.redis.repliesPerSecondDuring).toBeGreaterThanOrEqual(f.redis.repliesPerSecondBefore / 2);
  });
});
