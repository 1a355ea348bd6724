/**
 * The post-delivery feedback conversation as a pure state machine (XState-style: returns the next state and the
 * effects, runs nothing). The service sends `buildFeedbackRequest(...)`, stores `initialFeedbackState(now)`, then
 * feeds every inbound event of that conversation (and the `sentimentResult` it obtains) to `feedbackTransition`.
 *
 *   awaiting_rating ──rating──▶ awaiting_comment ──text──▶ awaiting_sentiment ──sentimentResult──▶ done
 *         │                          └──Skip / timeout──────────────────────────────────────────▶ done
 *         └──free text (≥ 2 words) without a rating: taken as the comment ──▶ awaiting_sentiment
 *
 * Rating: taps on fb:rate:N (buttons or list), or typed digits / words / emoji / stars (parseRating), or a
 * WhatsApp reaction with a rating emoji. Anything else gets a short hint plus the buttons again; after
 * MAX_UNRECOGNISED such replies in a row the conversation steps aside (`release`) so the main engine can answer.
 *
 * Timeouts (`{type:"timeout"}`, synthesised by the service): no rating yet → done without recording; rating but
 * no comment → recorded silently (negative still hands off); waiting for sentiment → finish on the rating alone.
 *
 * Escape words ("menu", "help", "human", "القائمة", "موظف"…), taps on other flows' buttons, and anything after
 * `done` produce `{type:"release", event}`: the service passes that event to the main conversation engine.
 * A rating already given is recorded first.
 *
 * Language: replies use ctx.language unless the shopper writes in the other one (Arabic script, or ≥ 2 English
 * words); that choice is kept in `state.language` and recorded with the feedback.
 */
import type { SentimentLabel } from "../sentiment/analyze";
import { detectLanguage } from "../sentiment/normalize";
import { findRatingMentions } from "../sentiment/rating";
import type { InboundEvent, Language, OutboundMessage } from "../types";
import { t } from "./catalog";
import {
  closingMessage,
  commentPrompt,
  ratingButtons,
  ratingFromReplyId,
  SKIP_ID,
  skipButton,
  type FeedbackContext,
} from "./messages";
import { combineOutcome, type FeedbackOutcome, type SentimentSignal } from "./outcome";
import { isEscapeKeyword, isSkip, parseRating, type Rating } from "./parse-rating";
import { MAX_COMMENT_LENGTH, type FeedbackState } from "./state";

export type SentimentSource = "llm" | "builtin";

/** The sentiment of the comment, obtained by the service after an `analyzeSentiment` effect. */
export interface SentimentResultEvent {
  type: "sentimentResult";
  label: SentimentLabel;
  /** -1..1 (clamped) */
  score: number;
  source: SentimentSource;
  /** The text that was analysed. When given and no longer the current comment, the result is stale and ignored. */
  text?: string;
}

export type FeedbackEvent = InboundEvent | SentimentResultEvent;

export interface FeedbackRecord {
  rating: Rating | null;
  comment: string | null;
  language: Language;
  sentimentLabel: SentimentLabel | null;
  sentimentScore: number | null;
  sentimentSource: SentimentSource | null;
  outcome: FeedbackOutcome;
  orderName: string;
  recordedAt: string;
}

export interface MerchantNotification {
  reason: "unhappy_feedback";
  orderName: string;
  customerFirstName: string | null;
  rating: Rating | null;
  comment: string | null;
  language: Language;
  sentimentLabel: SentimentLabel | null;
}

export type FeedbackEffect =
  | { type: "send"; message: OutboundMessage }
  | { type: "analyzeSentiment"; text: string }
  | { type: "recordFeedback"; feedback: FeedbackRecord }
  | { type: "handoff"; reason: "unhappy_feedback" }
  | { type: "notifyMerchant"; notification: MerchantNotification }
  /** Not for the feedback conversation (any more): hand this event to the main conversation engine. */
  | { type: "release"; event: InboundEvent };

export type { FeedbackContext };

export interface FeedbackTransition {
  state: FeedbackState;
  effects: FeedbackEffect[];
}

/** Unrecognised replies to the rating question before the conversation steps aside. */
export const MAX_UNRECOGNISED = 3;
/** A feedback conversation older than this no longer captures free text. */
export const FEEDBACK_TTL_MS = 7 * 24 * 60 * 60 * 1000;

// ---------------------------------------------------------------------------------------------

const effectiveLanguage = (s: FeedbackState, ctx: FeedbackContext): Language => s.language ?? ctx.language;

function withLanguageFrom(s: FeedbackState, ctx: FeedbackContext, text: string): FeedbackState {
  const detected = detectLanguage(text);
  const words = text.trim().split(/\s+/).filter(Boolean).length;
  let lang = effectiveLanguage(s, ctx);
  if (detected === "ar") lang = "ar";
  else if (detected === "en" && words >= 2) lang = "en";
  return { ...s, language: lang === ctx.language ? null : lang };
}

function touch(s: FeedbackState, ctx: FeedbackContext, patch: Partial<FeedbackState> = {}): FeedbackState {
  return { ...s, ...patch, updatedAt: ctx.now.toISOString() };
}

const clipComment = (text: string) => [...text.trim()].slice(0, MAX_COMMENT_LENGTH).join("");

/** Two or more words: worth reading as a comment even without a rating. */
function isSubstantive(text: string): boolean {
  return (
    text
      .trim()
      .split(/\s+/)
      .filter((w) => /\p{L}/u.test(w)).length >= 2
  );
}

/** The text of an event, if it has any (a caption counts). */
function textOf(event: InboundEvent): string | null {
  if (event.type === "text") return event.text.trim() || null;
  if (event.type === "media") return event.caption?.trim() || null;
  return null;
}

function finish(
  s: FeedbackState,
  ctx: FeedbackContext,
  opts: { sentiment: FeedbackState["sentiment"]; silent: boolean },
): FeedbackTransition {
  const language = effectiveLanguage(s, ctx);
  const signal: SentimentSignal | null = opts.sentiment
    ? { label: opts.sentiment.label, score: opts.sentiment.score }
    : null;
  const outcome = combineOutcome(s.rating, signal);
  const effects: FeedbackEffect[] = [
    {
      type: "recordFeedback",
      feedback: {
        rating: s.rating,
        comment: s.comment,
        language,
        sentimentLabel: opts.sentiment?.label ?? null,
        sentimentScore: opts.sentiment?.score ?? null,
        sentimentSource: opts.sentiment?.source ?? null,
        outcome,
        orderName: ctx.orderName,
        recordedAt: ctx.now.toISOString(),
      },
    },
  ];
  if (!opts.silent) effects.push({ type: "send", message: closingMessage(language, outcome, ctx) });
  if (outcome === "negative") {
    effects.push(
      { type: "handoff", reason: "unhappy_feedback" },
      {
        type: "notifyMerchant",
        notification: {
          reason: "unhappy_feedback",
          orderName: ctx.orderName,
          customerFirstName: ctx.customerFirstName?.trim() || null,
          rating: s.rating,
          comment: s.comment,
          language,
          sentimentLabel: opts.sentiment?.label ?? null,
        },
      },
    );
  }
  const state = touch(s, ctx, {
    step: "done",
    sentiment: opts.sentiment,
    outcome,
    closedReason: "completed",
    attempts: 0,
  });
  return { state, effects };
}

/** Step aside for the main engine; a rating already given is recorded (silently) first. */
function release(s: FeedbackState, ctx: FeedbackContext, event: InboundEvent): FeedbackTransition {
  if (s.rating !== null || s.comment !== null) {
    const done = finish(s, ctx, { sentiment: s.sentiment, silent: true });
    return {
      state: { ...done.state, closedReason: "released" },
      effects: [...done.effects, { type: "release", event }],
    };
  }
  return {
    state: touch(s, ctx, { step: "done", closedReason: "released" }),
    effects: [{ type: "release", event }],
  };
}

function askForComment(s: FeedbackState, ctx: FeedbackContext, rating: Rating): FeedbackTransition {
  const state = touch(s, ctx, { step: "awaiting_comment", rating, attempts: 0 });
  return {
    state,
    effects: [{ type: "send", message: commentPrompt(effectiveLanguage(state, ctx), rating) }],
  };
}

function analyze(
  s: FeedbackState,
  ctx: FeedbackContext,
  comment: string,
  rating: Rating | null,
): FeedbackTransition {
  const state = touch(s, ctx, { step: "awaiting_sentiment", rating, comment, attempts: 0 });
  return { state, effects: [{ type: "analyzeSentiment", text: comment }] };
}

function ratingHint(s: FeedbackState, ctx: FeedbackContext, event: InboundEvent): FeedbackTransition {
  const attempts = s.attempts + 1;
  if (attempts >= MAX_UNRECOGNISED) return release(s, ctx, event);
  const state = touch(s, ctx, { attempts });
  const lang = effectiveLanguage(state, ctx);
  return { state, effects: [{ type: "send", message: ratingButtons(lang, t(lang, "rating_hint")) }] };
}

function commentHint(s: FeedbackState, ctx: FeedbackContext): FeedbackTransition {
  const state = touch(s, ctx, { attempts: s.attempts + 1 });
  const lang = effectiveLanguage(state, ctx);
  return { state, effects: [{ type: "send", message: skipButton(lang, t(lang, "comment_hint")) }] };
}

const nothing = (s: FeedbackState): FeedbackTransition => ({ state: s, effects: [] });

// ---------------------------------------------------------------------------------------------

function onAwaitingRating(s: FeedbackState, event: InboundEvent, ctx: FeedbackContext): FeedbackTransition {
  switch (event.type) {
    case "reply": {
      const rating = ratingFromReplyId(event.id) ?? parseRating(event.title);
      if (rating !== null) return askForComment(withLanguageFrom(s, ctx, event.title), ctx, rating);
      if (event.id.startsWith("fb:")) return ratingHint(s, ctx, event);
      return release(s, ctx, event); // a button of another flow: the shopper moved on
    }
    case "reaction": {
      const rating = event.emoji ? parseRating(event.emoji) : null;
      return rating !== null ? askForComment(s, ctx, rating) : nothing(s);
    }
    case "timeout":
      return { state: touch(s, ctx, { step: "done", closedReason: "no_response" }), effects: [] };
    case "text":
    case "media": {
      const text = textOf(event);
      if (text === null) return ratingHint(s, ctx, event);
      if (isEscapeKeyword(text)) return release(s, ctx, event);
      const s2 = withLanguageFrom(s, ctx, text);
      const rating = parseRating(text);
      if (rating !== null) return askForComment(s2, ctx, rating);
      // "4/5 but the colour is a bit off": an explicit rating inside a comment.
      const { mentions } = findRatingMentions(text);
      const inText = mentions.length === 1 ? Math.round(mentions[0].rating) : null;
      const mentioned = inText !== null && inText >= 1 && inText <= 5 ? (inText as Rating) : null;
      if (isSubstantive(text)) return analyze(s2, ctx, clipComment(text), mentioned);
      if (mentioned !== null) return askForComment(s2, ctx, mentioned);
      return ratingHint(s2, ctx, event);
    }
    default:
      return ratingHint(s, ctx, event);
  }
}

function onAwaitingComment(s: FeedbackState, event: InboundEvent, ctx: FeedbackContext): FeedbackTransition {
  switch (event.type) {
    case "reply": {
      if (event.id === SKIP_ID) return finish(s, ctx, { sentiment: null, silent: false });
      const rating = ratingFromReplyId(event.id);
      if (rating !== null) return askForComment(s, ctx, rating); // an earlier rating button, tapped again
      if (event.id.startsWith("fb:")) return commentHint(s, ctx);
      return release(s, ctx, event);
    }
    case "reaction":
      return nothing(s);
    case "timeout":
      return finish(s, ctx, { sentiment: null, silent: true });
    case "text":
    case "media": {
      const text = textOf(event);
      if (text === null) return commentHint(s, ctx);
      if (isSkip(text))
        return finish(withLanguageFrom(s, ctx, text), ctx, { sentiment: null, silent: false });
      if (isEscapeKeyword(text)) return release(s, ctx, event);
      return analyze(withLanguageFrom(s, ctx, text), ctx, clipComment(text), s.rating);
    }
    default:
      return commentHint(s, ctx);
  }
}

function onAwaitingSentiment(
  s: FeedbackState,
  event: FeedbackEvent,
  ctx: FeedbackContext,
): FeedbackTransition {
  switch (event.type) {
    case "sentimentResult": {
      if (event.text !== undefined && event.text !== s.comment) return nothing(s); // stale
      const score = Number.isFinite(event.score) ? Math.max(-1, Math.min(1, event.score)) : 0;
      return finish(s, ctx, {
        sentiment: { label: event.label, score, source: event.source },
        silent: false,
      });
    }
    case "timeout":
      return finish(s, ctx, { sentiment: null, silent: false });
    case "reply": {
      const rating = ratingFromReplyId(event.id);
      if (rating !== null) return { state: touch(s, ctx, { rating }), effects: [] };
      if (event.id.startsWith("fb:")) return nothing(s);
      return release(s, ctx, event);
    }
    case "text":
    case "media": {
      const text = textOf(event);
      if (text === null || isSkip(text)) return nothing(s);
      if (isEscapeKeyword(text)) return release(s, ctx, event);
      // A second message while we wait: part of the same comment; analyse the whole again.
      const comment = clipComment(`${s.comment ?? ""}\n${text}`);
      return analyze(withLanguageFrom(s, ctx, text), ctx, comment, s.rating);
    }
    default:
      return nothing(s);
  }
}

/**
 * One step of the feedback conversation. Pure: the time comes from ctx.now; nothing is sent, stored or
 * analysed here — the effects say what the service should do.
 */
export function feedbackTransition(
  state: FeedbackState,
  event: FeedbackEvent,
  ctx: FeedbackContext,
): FeedbackTransition {
  if (state.step === "done") {
    return event.type === "sentimentResult" || event.type === "timeout"
      ? nothing(state)
      : { state, effects: [{ type: "release", event }] };
  }
  if (state.step === "awaiting_sentiment") return onAwaitingSentiment(state, event, ctx);
  if (event.type === "sentimentResult") return nothing(state); // stale: no comment is being analysed

  // An old conversation no longer captures free text (taps on our own buttons still count).
  const expired = ctx.now.getTime() - Date.parse(state.startedAt) > FEEDBACK_TTL_MS;
  const ownTap = event.type === "reply" && event.id.startsWith("fb:");
  if (expired && !ownTap) {
    if (event.type === "timeout")
      return { state: touch(state, ctx, { step: "done", closedReason: "expired" }), effects: [] };
    const released = release(state, ctx, event);
    return { state: { ...released.state, closedReason: "expired" }, effects: released.effects };
  }

  return state.step === "awaiting_rating"
    ? onAwaitingRating(state, event, ctx)
    : onAwaitingComment(state, event, ctx);
}
