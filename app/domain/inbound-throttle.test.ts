import { describe, expect, it } from "vitest";
import { parseInboundBucket, takeInboundToken, type InboundBucket } from "./inbound-throttle";

const OPTIONS = { ratePerSec: 1, burst: 8 };

function run(timestamps: number[]): boolean[] {
  let bucket: InboundBucket | null = null;
  return timestamps.map((at) => {
    const result = takeInboundToken(bucket, at, OPTIONS);
    bucket = result.bucket;
    return result.ok;
  });
}

describe("inbound throttle on the shopper's clock", () => {
  it("50 messages written in the same second: the burst is answered, the rest is not", () => {
    const results = run(Array.from({ length: 50 }, () => 1_700_000_000_000));
    expect(results.filter(Boolean)).toHaveLength(8);
    expect(results.slice(0, 8).every(Boolean)).toBe(true);
  });

  it("a backlog of messages written six seconds apart is answered in full, however fast it is processed", () => {
    const results = run(Array.from({ length: 40 }, (_, i) => 1_700_000_000_000 + i * 6_000));
    expect(results.every(Boolean)).toBe(true);
  });

  it("after the burst, one message a second (of the shopper's time) is answered", () => {
    const t0 = 1_700_000_000_000;
    const burst = Array.from({ length: 8 }, () => t0);
    const then = [t0 + 400, t0 + 1_000, t0 + 1_500, t0 + 2_000, t0 + 2_100];
    expect(run([...burst, ...then]).slice(8)).toEqual([false, true, false, true, false]);
  });

  it("an out-of-order timestamp never refills the bucket backwards", () => {
    const t0 = 1_700_000_000_000;
    const first = takeInboundToken(null, t0 + 10_000, OPTIONS).bucket;
    const older = takeInboundToken(first, t0, OPTIONS);
    expect(older.bucket.at).toBe(t0 + 10_000);
    expect(older.bucket.tokens).toBe(6);
  });

  it("reads only a well-formed stored bucket", () => {
    expect(parseInboundBucket('{"tokens":2.5,"at":17}')).toEqual({ tokens: 2.5, at: 17 });
    for (const bad of [null, "", "x", "{}", '{"tokens":"1","at":2}', '{"tokens":1,"at":null}', "[1,2]"])
      expect(parseInboundBucket(bad)).toBeNull();
  });
});
