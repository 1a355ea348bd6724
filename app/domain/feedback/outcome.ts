/**
 * How a rating and the sentiment of the comment combine into the outcome that drives the follow-up.
 *
 *   rating      | comment sentiment                     | outcome
 *   ------------|---------------------------------------|---------
 *   1–2         | anything                              | negative   (an explicit "Bad" is never overridden)
 *   3           | negative                              | negative
 *   3           | neutral, positive, none               | neutral    (no review request on a lukewarm rating)
 *   4–5         | negative with score ≤ −0.4            | negative   (a clear complaint: a person follows up)
 *   4–5         | negative with score > −0.4            | neutral    (mixed: thank, but do not ask for a review)
 *   4–5         | neutral, positive, none               | positive
 *   none        | label of the sentiment                | that label (a free-text reply without a rating)
 *   none        | none                                  | neutral
 *
 * Why: the review link should only reach shoppers with nothing to complain about, and a missed unhappy shopper
 * costs more than one extra hand-off, so a clearly negative comment wins over a high rating.
 */
import type { SentimentLabel } from "../sentiment/analyze";
import type { Rating } from "./parse-rating";

export type FeedbackOutcome = "positive" | "neutral" | "negative";

export interface SentimentSignal {
  label: SentimentLabel;
  /** -1..1 */
  score: number;
}

/**
 * A comment at or below this score overrides a 4–5 rating into "negative". Calibrated on the built-in
 * analyzer: one clear complaint ("wrong size", "stopped working", "broken") scores about −0.46 to −0.55, a mild
 * one ("late", "a bit slow") −0.2 to −0.36. An LLM should be asked for the same scale (−1..1, ≤ −0.4 = a real
 * problem).
 */
export const CLEARLY_NEGATIVE_SCORE = -0.4;

export function combineOutcome(rating: Rating | null, sentiment: SentimentSignal | null): FeedbackOutcome {
  if (rating === null) return sentiment?.label ?? "neutral";
  if (rating <= 2) return "negative";
  if (rating === 3) return sentiment?.label === "negative" ? "negative" : "neutral";
  if (sentiment?.label === "negative")
    return sentiment.score <= CLEARLY_NEGATIVE_SCORE ? "negative" : "neutral";
  return "positive";
}
