/**
 * Crash safety of the BUILT app (child process on 127.0.0.1, a fresh PostgreSQL database on 127.0.0.1:5432,
 * Redis db RES_REDIS_DB (default 8), a fake Graph API on loopback): under a steady load of signed
 * webhooks the app is SIGKILLed at random moments and restarted, and every webhook that got no 200 is
 * delivered again (as Meta does). Then: every acknowledged message processed exactly once, every reply
 * delivered, duplicate replies counted (only a crash between the Graph call and its bookkeeping may cause
 * one); and a no-crash control with zero duplicates.
 *
 * Bounded CI form: 5 kills over ~20 s of load (the dead process's leases are expired at restart instead of
 * waited for). bench/resilience/soak.ts runs ≥ 20 kills over minutes, with the leases left to expire.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareBuild, type AppSnapshot } from "../../bench/resilience/lib/app";
import { runCrashScenario, type CrashFigures } from "../../bench/resilience/lib/scenarios";
import { recordFigures } from "./support/figures";

const LONG = process.env.RES_LONG === "1";
let snapshot: AppSnapshot | undefined;
let control: CrashFigures;
let crash: CrashFigures;

beforeAll(
  async () => {
    snapshot = await prepareBuild();
    control = await runCrashScenario({
      label: "ci-control",
      snapshot,
      kills: 0,
      messages: LONG ? 3_000 : 240,
      ratePerSec: 30,
      seed: 101,
    });
    crash = await runCrashScenario({
      label: "ci-crash",
      snapshot,
      kills: LONG ? 20 : 5,
      messages: LONG ? 12_000 : 600,
      ratePerSec: LONG ? 40 : 30,
      seed: 102,
      expireLeasesOnRestart: !LONG,
      drainTimeoutMs: LONG ? 150_000 : 60_000,
    });
    recordFigures("crash", { title: "Crash safety (CI form)", stale: snapshot.stale, control, crash });
  },
  LONG ? 3_600_000 : 600_000,
);

afterAll(() => snapshot?.cleanup());

function exactlyOnce(f: CrashFigures) {
  expect(f.drained, "the backlog drained").toBe(true);
  expect(f.neverAcknowledged, "webhooks never acknowledged after redelivery").toBe(0);
  expect(f.lostAfterAck, "acknowledged but not stored").toBe(0);
  expect(f.notProcessed, `acknowledged but not processed: ${JSON.stringify(f.notProcessedStatuses)}`).toBe(0);
  expect(f.inboundRowsMissing).toBe(0);
  expect(f.inboundRowsDuplicated).toBe(0);
  expect(f.unanswered).toBe(0);
  expect(f.repliesNotSent).toEqual({});
  expect(f.repliesNeverDelivered).toBe(0);
  expect(f.phantomSends).toBe(0);
}

describe("crash safety (built app, PostgreSQL + Redis)", () => {
  it("no-crash control: every message exactly once, every reply delivered once", () => {
    exactlyOnce(control);
    expect(control.duplicateReplies).toBe(0);
    expect(control.unexpectedExits).toBe(0);
  });

  it("SIGKILL at random moments: every acknowledged message processed exactly once, every reply delivered", () => {
    expect(crash.kills).toBe(LONG ? 20 : 5);
    expect(crash.redeliveries).toBeGreaterThan(0);
    exactlyOnce(crash);
    expect(crash.unexpectedExits).toBe(0);
  });

  it("duplicate replies only from crashes between the Graph call and its bookkeeping (reported)", () => {
    // At most the replies in flight at each kill; the target rate (≤ 0.1%) is asserted by the long run.
    expect(crash.duplicateReplies).toBeLessThanOrEqual(crash.kills * 10);
    if (LONG) expect(crash.duplicateReplyRate).toBeLessThanOrEqual(0.001);
  });
});
