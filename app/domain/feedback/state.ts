/**
 * The feedback conversation's state: a versioned zod schema. Stored as JSON next to the conversation;
 * `parseFeedbackState` reads whatever was stored (object or JSON string), upgrades older versions, and returns
 * null — never throws — when it cannot be used (the service then starts over or ignores it).
 *
 * Steps: awaiting_rating → awaiting_comment → awaiting_sentiment → done. `awaiting_sentiment` is the short wait
 * for the `sentimentResult` event after the shopper's comment (the service asks an LLM or the built-in analyzer).
 * A free-text answer to the rating question skips straight to awaiting_sentiment.
 */
import { z } from "zod";

export const FEEDBACK_STATE_VERSION = 1;
export const MAX_COMMENT_LENGTH = 2000;

const Iso = z.iso.datetime({ offset: true });
const RatingSchema = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)]);

export const FeedbackStateV1 = z.object({
  version: z.literal(1),
  step: z.enum(["awaiting_rating", "awaiting_comment", "awaiting_sentiment", "done"]),
  startedAt: Iso,
  updatedAt: Iso,
  rating: RatingSchema.nullable(),
  comment: z.string().max(MAX_COMMENT_LENGTH).nullable(),
  /** The language the shopper switched to by writing in it; null = the contact's language (ctx.language). */
  language: z.enum(["en", "ar"]).nullable(),
  /** Unrecognised replies in the current step. */
  attempts: z.int().min(0),
  sentiment: z
    .object({
      label: z.enum(["positive", "neutral", "negative"]),
      score: z.number().min(-1).max(1),
      source: z.enum(["llm", "builtin"]),
    })
    .nullable(),
  outcome: z.enum(["positive", "neutral", "negative"]).nullable(),
  /** Why the conversation is done: completed; no answer before a timeout; too old; stepped aside for the menu. */
  closedReason: z.enum(["completed", "no_response", "expired", "released"]).nullable(),
});

export type FeedbackState = z.infer<typeof FeedbackStateV1>;
export type FeedbackStep = FeedbackState["step"];

/**
 * Upgrades from older versions, keyed by the version they upgrade FROM. Version 1 is the first; when the shape
 * changes, add `1: (v1) => ({ ...v1, version: 2, … })` and bump FEEDBACK_STATE_VERSION.
 */
const UPGRADES: Record<number, (old: Record<string, unknown>) => Record<string, unknown>> = {};

export function initialFeedbackState(now: Date): FeedbackState {
  const at = now.toISOString();
  return {
    version: 1,
    step: "awaiting_rating",
    startedAt: at,
    updatedAt: at,
    rating: null,
    comment: null,
    language: null,
    attempts: 0,
    sentiment: null,
    outcome: null,
    closedReason: null,
  };
}

/** Stored state (object or JSON string) → current FeedbackState, or null if unusable. Never throws. */
export function parseFeedbackState(raw: unknown): FeedbackState | null {
  try {
    let value: unknown = raw;
    if (typeof value === "string") value = JSON.parse(value);
    if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
    let obj = value as Record<string, unknown>;
    for (let guard = 0; guard < 100; guard++) {
      const version = obj.version;
      if (typeof version !== "number" || !Number.isInteger(version)) return null;
      if (version === FEEDBACK_STATE_VERSION) break;
      const upgrade = UPGRADES[version];
      if (!upgrade) return null; // unknown (e.g. newer) version
      obj = upgrade(obj);
    }
    const parsed = FeedbackStateV1.safeParse(obj);
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
