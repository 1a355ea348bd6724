import { describe, expect, it } from "vitest";
import { CLEARLY_NEGATIVE_SCORE, combineOutcome } from "./outcome";

const pos = { label: "positive", score: 0.7 } as const;
const neu = { label: "neutral", score: 0 } as const;
const mildNeg = { label: "negative", score: -0.3 } as const;
const neg = { label: "negative", score: -0.8 } as const;

describe("combineOutcome", () => {
  it("a rating of 1–2 is negative whatever the comment", () => {
    for (const r of [1, 2] as const) {
      for (const s of [null, pos, neu, mildNeg, neg]) expect(combineOutcome(r, s)).toBe("negative");
    }
  });

  it("3 is neutral unless the comment is negative", () => {
    expect(combineOutcome(3, null)).toBe("neutral");
    expect(combineOutcome(3, neu)).toBe("neutral");
    expect(combineOutcome(3, pos)).toBe("neutral");
    expect(combineOutcome(3, mildNeg)).toBe("negative");
    expect(combineOutcome(3, neg)).toBe("negative");
  });

  it("4–5 is positive unless the comment is negative: clearly → negative, mildly → neutral", () => {
    for (const r of [4, 5] as const) {
      expect(combineOutcome(r, null)).toBe("positive");
      expect(combineOutcome(r, pos)).toBe("positive");
      expect(combineOutcome(r, neu)).toBe("positive");
      expect(combineOutcome(r, mildNeg)).toBe("neutral");
      expect(combineOutcome(r, neg)).toBe("negative");
      expect(combineOutcome(r, { label: "negative", score: CLEARLY_NEGATIVE_SCORE })).toBe("negative");
    }
  });

  it("without a rating the sentiment decides, defaulting to neutral", () => {
    expect(combineOutcome(null, pos)).toBe("positive");
    expect(combineOutcome(null, neg)).toBe("negative");
    expect(combineOutcome(null, null)).toBe("neutral");
  });
});
