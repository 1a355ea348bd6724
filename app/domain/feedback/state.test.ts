import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FEEDBACK_STATE_VERSION, initialFeedbackState, parseFeedbackState } from "./state";

const now = new Date("2025-03-01T10:00:00.000Z");

describe("feedback state", () => {
  it("initial state is valid, versioned, awaiting the rating", () => {
    const s = initialFeedbackState(now);
    expect(s).toMatchObject({
      version: FEEDBACK_STATE_VERSION,
      step: "awaiting_rating",
      startedAt: now.toISOString(),
    });
    expect(parseFeedbackState(s)).toEqual(s);
  });

  it("round-trips through JSON (object or string)", () => {
    const s = {
      ...initialFeedbackState(now),
      step: "done" as const,
      rating: 4 as const,
      comment: "حلو",
      outcome: "positive" as const,
    };
    expect(parseFeedbackState(JSON.parse(JSON.stringify(s)))).toEqual(s);
    expect(parseFeedbackState(JSON.stringify(s))).toEqual(s);
  });

  it.each([
    ["null", null],
    ["undefined", undefined],
    ["a number", 42],
    ["an array", []],
    ["broken JSON", "{not json"],
    ["no version", { step: "awaiting_rating" }],
    ["a future version", { ...initialFeedbackState(now), version: 99 }],
    ["a bad step", { ...initialFeedbackState(now), step: "dancing" }],
    ["a bad rating", { ...initialFeedbackState(now), rating: 7 }],
    ["a bad date", { ...initialFeedbackState(now), startedAt: "yesterday" }],
    [
      "a score out of range",
      { ...initialFeedbackState(now), sentiment: { label: "positive", score: 3, source: "llm" } },
    ],
  ])("returns null for %s", (_name, raw) => {
    expect(parseFeedbackState(raw)).toBeNull();
  });

  it("never throws, whatever it is given", () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.json(), fc.string()), (raw) => {
        expect(() => parseFeedbackState(raw)).not.toThrow();
      }),
      { numRuns: 500 },
    );
    const hostile = {
      get version(): number {
        throw new Error("boom");
      },
    };
    expect(parseFeedbackState(hostile)).toBeNull();
  });
});
