import { describe, expect, it } from "vitest";
import { analyzeSentiment } from "../sentiment/analyze";
import type { InboundEvent, OutboundMessage } from "../types";
import {
  feedbackTransition,
  FEEDBACK_TTL_MS,
  MAX_UNRECOGNISED,
  type FeedbackEffect,
  type FeedbackEvent,
  type FeedbackRecord,
} from "./machine";
import type { FeedbackContext } from "./messages";
import { initialFeedbackState, parseFeedbackState, type FeedbackState } from "./state";

const T0 = new Date("2025-03-01T10:00:00.000Z");

const ctx = (over: Partial<FeedbackContext> = {}): FeedbackContext => ({
  now: T0,
  language: "en",
  customerFirstName: "Sara",
  orderName: "#1001",
  reviewUrl: "https://demo-hala.myshopify.com/pages/reviews",
  shopName: "Dar Oud",
  ...over,
});

const text = (t: string): InboundEvent => ({ type: "text", text: t });
const tap = (id: string, title = id): InboundEvent => ({ type: "reply", id, title });

/** Run a conversation; every state must survive a JSON round trip through parseFeedbackState. */
function run(
  events: FeedbackEvent[],
  c: FeedbackContext = ctx(),
  start: FeedbackState = initialFeedbackState(T0),
) {
  let state = start;
  const steps: { state: FeedbackState; effects: FeedbackEffect[] }[] = [];
  for (const e of events) {
    const r = feedbackTransition(state, e, c);
    expect(parseFeedbackState(JSON.stringify(r.state))).toEqual(r.state);
    state = r.state;
    steps.push(r);
  }
  return { state, steps, effects: steps.flatMap((s) => s.effects), last: steps.at(-1)!.effects };
}

const sent = (effects: FeedbackEffect[]): OutboundMessage[] =>
  effects.flatMap((e) => (e.type === "send" ? [e.message] : []));
const recorded = (effects: FeedbackEffect[]): FeedbackRecord | undefined =>
  effects.find((e): e is Extract<FeedbackEffect, { type: "recordFeedback" }> => e.type === "recordFeedback")
    ?.feedback;
const types = (effects: FeedbackEffect[]) => effects.map((e) => e.type);

/** What the service does with an analyzeSentiment effect when it uses the built-in analyzer. */
function builtinResult(effects: FeedbackEffect[]): FeedbackEvent {
  const req = effects.find((e) => e.type === "analyzeSentiment");
  if (!req || req.type !== "analyzeSentiment") throw new Error("no analyzeSentiment effect");
  const { label, score } = analyzeSentiment(req.text);
  return { type: "sentimentResult", label, score, source: "builtin", text: req.text };
}

describe("happy path by taps (en)", () => {
  it("Great → comment → positive → review link, recorded", () => {
    const a = run([tap("fb:rate:5", "😍 Great")]);
    expect(a.state.step).toBe("awaiting_comment");
    expect(sent(a.last)).toEqual([
      {
        kind: "buttons",
        body: expect.stringContaining("Anything you'd like"),
        buttons: [{ id: "fb:skip", title: "Skip" }],
      },
    ]);

    const b = run([text("Lovely perfume, arrived fast")], ctx(), a.state);
    expect(b.state.step).toBe("awaiting_sentiment");
    expect(b.last).toEqual([{ type: "analyzeSentiment", text: "Lovely perfume, arrived fast" }]);

    const c = run([builtinResult(b.last)], ctx(), b.state);
    expect(c.state).toMatchObject({
      step: "done",
      outcome: "positive",
      closedReason: "completed",
      rating: 5,
    });
    expect(types(c.last)).toEqual(["recordFeedback", "send"]);
    expect(recorded(c.last)).toEqual({
      rating: 5,
      comment: "Lovely perfume, arrived fast",
      language: "en",
      sentimentLabel: "positive",
      sentimentScore: expect.any(Number),
      sentimentSource: "builtin",
      outcome: "positive",
      orderName: "#1001",
      recordedAt: T0.toISOString(),
    });
    expect(sent(c.last)[0]).toMatchObject({
      kind: "cta_url",
      url: "https://demo-hala.myshopify.com/pages/reviews",
      displayText: "Leave a review",
    });
  });

  it("positive without a review URL: a thank-you text", () => {
    const r = run([tap("fb:rate:5"), tap("fb:skip", "Skip")], ctx({ reviewUrl: null }));
    expect(r.state.outcome).toBe("positive");
    expect(sent(r.last)).toEqual([
      { kind: "text", body: expect.stringContaining("Thank you for shopping with Dar Oud") },
    ]);
  });

  it("OK + skip → neutral thanks, no review, no handoff", () => {
    const r = run([tap("fb:rate:3", "🙂 OK"), tap("fb:skip", "Skip")]);
    expect(r.state).toMatchObject({ step: "done", outcome: "neutral", rating: 3, comment: null });
    expect(types(r.last)).toEqual(["recordFeedback", "send"]);
    expect(recorded(r.last)).toMatchObject({
      rating: 3,
      comment: null,
      sentimentLabel: null,
      outcome: "neutral",
    });
    expect(sent(r.last)[0]).toMatchObject({
      kind: "text",
      body: expect.stringContaining("Thank you for your feedback"),
    });
  });

  it("a row of the 1–5 list counts like a button", () => {
    const r = run([tap("fb:rate:4", "⭐⭐⭐⭐ Good"), text("skip")]);
    expect(r.state).toMatchObject({ step: "done", rating: 4, outcome: "positive" });
  });
});

describe("negative feedback → handoff + merchant notified", () => {
  it("Bad tap, complaint, LLM sentiment", () => {
    const r = run([
      tap("fb:rate:1", "😞 Bad"),
      text("The box was crushed and the bottle leaked"),
      { type: "sentimentResult", label: "negative", score: -0.9, source: "llm" },
    ]);
    expect(sent(r.steps[0].effects)[0]).toMatchObject({ body: expect.stringContaining("What went wrong") });
    expect(r.state).toMatchObject({ step: "done", outcome: "negative" });
    expect(types(r.last)).toEqual(["recordFeedback", "send", "handoff", "notifyMerchant"]);
    expect(r.last).toContainEqual({ type: "handoff", reason: "unhappy_feedback" });
    expect(r.last).toContainEqual({
      type: "notifyMerchant",
      notification: {
        reason: "unhappy_feedback",
        orderName: "#1001",
        customerFirstName: "Sara",
        rating: 1,
        comment: "The box was crushed and the bottle leaked",
        language: "en",
        sentimentLabel: "negative",
      },
    });
    expect(sent(r.last)[0]).toMatchObject({ kind: "text", body: expect.stringContaining("get back to you") });
    expect(recorded(r.last)).toMatchObject({ sentimentSource: "llm", sentimentScore: -0.9 });
  });

  it("a high rating with a clearly negative comment is negative (no review link)", () => {
    const r = run([tap("fb:rate:5"), text("Actually the watch stopped working after two days")]);
    const done = run([builtinResult(r.last)], ctx(), r.state);
    expect(done.state.outcome).toBe("negative");
    expect(types(done.last)).toContain("handoff");
    expect(sent(done.last).some((m) => m.kind === "cta_url")).toBe(false);
  });

  it("a high rating with a mildly negative comment is neutral", () => {
    const r = run([
      tap("fb:rate:5"),
      text("bit slow"),
      { type: "sentimentResult", label: "negative", score: -0.3, source: "llm" },
    ]);
    expect(r.state.outcome).toBe("neutral");
    expect(types(r.last)).toEqual(["recordFeedback", "send"]);
  });

  it("OK + negative comment → negative", () => {
    const r = run([
      tap("fb:rate:3"),
      text("size too small"),
      { type: "sentimentResult", label: "negative", score: -0.4, source: "builtin" },
    ]);
    expect(r.state.outcome).toBe("negative");
  });
});

describe("Arabic, by typing", () => {
  it("Arabic-Indic digit, Egyptian complaint, built-in sentiment", () => {
    const c = ctx({ language: "ar", customerFirstName: "منى", shopName: "دار العود" });
    const a = run([text("٢")], c);
    expect(a.state).toMatchObject({ step: "awaiting_comment", rating: 2 });
    expect(sent(a.last)[0]).toMatchObject({ kind: "buttons", buttons: [{ id: "fb:skip", title: "تخطي" }] });
    const b = run([text("الخامة وحشة خالص ومش زي الصورة")], c, a.state);
    const d = run([builtinResult(b.last)], c, b.state);
    expect(d.state.outcome).toBe("negative");
    expect(recorded(d.last)).toMatchObject({ rating: 2, language: "ar", sentimentLabel: "negative" });
    expect(sent(d.last)[0]).toMatchObject({ kind: "text", body: expect.stringContaining("دار العود") });
    expect(types(d.last)).toEqual(["recordFeedback", "send", "handoff", "notifyMerchant"]);
  });

  it("Gulf words: 'وايد زين' → 5, then a comment → review link in Arabic", () => {
    const c = ctx({ language: "ar" });
    const r = run([text("وايد زين"), text("ما قصرتوا، التوصيل سريع")], c);
    expect(r.state.rating).toBe(5);
    const d = run([builtinResult(r.last)], c, r.state);
    expect(d.state.outcome).toBe("positive");
    expect(sent(d.last)[0]).toMatchObject({ kind: "cta_url", displayText: "اكتب تقييمك" });
  });

  it.each([
    ["ممتاز", 5],
    ["تمام", 3],
    ["عادي", 3],
    ["سيء", 1],
    ["زفت", 1],
    ["مو زين", 2],
    ["⭐⭐⭐⭐", 4],
    ["👍", 4],
    ["😡", 1],
    ["5", 5],
    ["٤", 4],
  ] as const)("typed %s → rating %s", (t, rating) => {
    const r = run([text(t)], ctx({ language: "ar" }));
    expect(r.state).toMatchObject({ step: "awaiting_comment", rating });
  });

  it("tapping the Arabic buttons of a template without our payload: the title is read", () => {
    const r = run([tap("template-payload-xyz", "😞 سيء")], ctx({ language: "ar" }));
    expect(r.state).toMatchObject({ step: "awaiting_comment", rating: 1 });
  });

  it("skip in Arabic by typing 'لا'", () => {
    const r = run([text("ممتاز"), text("لا")], ctx({ language: "ar" }));
    expect(r.state).toMatchObject({ step: "done", outcome: "positive", comment: null });
    expect(sent(r.last)[0]).toMatchObject({ kind: "cta_url" });
  });
});

describe("language follows the shopper", () => {
  it("an Arabic reply to an English request switches replies to Arabic and is recorded as ar", () => {
    const r = run([text("ممتاز"), tap("fb:skip", "Skip")]);
    expect(sent(r.steps[0].effects)[0]).toMatchObject({ buttons: [{ id: "fb:skip", title: "تخطي" }] });
    expect(recorded(r.last)?.language).toBe("ar");
  });

  it("a single English word does not switch an Arabic conversation; a sentence does", () => {
    const a = run([text("ok")], ctx({ language: "ar" }));
    expect(a.state.language).toBeNull();
    expect(sent(a.last)[0]).toMatchObject({ buttons: [{ title: "تخطي" }] });
    const b = run([text("ok"), text("the size is a bit small")], ctx({ language: "ar" }));
    expect(b.state.language).toBe("en");
  });
});

describe("unrecognised input: hint + buttons, never a dead end", () => {
  it("hint then the buttons again, in the right language", () => {
    for (const language of ["en", "ar"] as const) {
      const r = run([text("hmm")], ctx({ language }));
      expect(r.state).toMatchObject({ step: "awaiting_rating", attempts: 1 });
      const [m] = sent(r.last);
      expect(m.kind).toBe("buttons");
      if (m.kind !== "buttons") throw new Error();
      expect(m.buttons.map((b) => b.id)).toEqual(["fb:rate:5", "fb:rate:3", "fb:rate:1"]);
      expect(m.body).toMatch(language === "en" ? /didn't get that/ : /لم أفهم/);
    }
  });

  it("a sticker, a location, an image without caption also get the hint", () => {
    for (const e of [
      { type: "media", kind: "sticker", mediaId: "m1" },
      { type: "location", latitude: 25.2, longitude: 55.3 },
      { type: "unsupported" },
    ] as InboundEvent[]) {
      const r = run([e]);
      expect(sent(r.last)[0]).toMatchObject({
        kind: "buttons",
        body: expect.stringContaining("didn't get that"),
      });
    }
  });

  it(`after ${MAX_UNRECOGNISED} unrecognised replies the conversation steps aside`, () => {
    const r = run([text("hmm"), text("?"), text("hello")]);
    expect(r.state).toMatchObject({ step: "done", closedReason: "released" });
    expect(r.last).toEqual([{ type: "release", event: text("hello") }]);
  });

  it("a hint does not lose an eventual rating", () => {
    const r = run([text("?"), text("4")]);
    expect(r.state).toMatchObject({ step: "awaiting_comment", rating: 4, attempts: 0 });
  });

  it("an image without caption while waiting for the comment: hint with Skip", () => {
    const r = run([tap("fb:rate:1"), { type: "media", kind: "image", mediaId: "m1" }]);
    expect(r.state.step).toBe("awaiting_comment");
    expect(sent(r.last)[0]).toMatchObject({ kind: "buttons", buttons: [{ id: "fb:skip" }] });
  });
});

describe("free text instead of a rating", () => {
  it("a complaint typed straight away is taken as the comment (rating unknown)", () => {
    const r = run([text("the parcel never arrived complete, one item missing")]);
    expect(r.state).toMatchObject({ step: "awaiting_sentiment", rating: null });
    const d = run([builtinResult(r.last)], ctx(), r.state);
    expect(d.state.outcome).toBe("negative");
    expect(types(d.last)).toContain("notifyMerchant");
  });

  it("a rating inside a comment is kept", () => {
    const r = run([text("4/5 but the colour is a bit off")]);
    expect(r.state).toMatchObject({
      step: "awaiting_sentiment",
      rating: 4,
      comment: "4/5 but the colour is a bit off",
    });
  });

  it("a caption counts as text", () => {
    const r = run([
      tap("fb:rate:1"),
      { type: "media", kind: "image", mediaId: "m1", caption: "arrived broken" },
    ]);
    expect(r.last).toEqual([{ type: "analyzeSentiment", text: "arrived broken" }]);
  });

  it("a reaction with a rating emoji on the request counts as a rating", () => {
    const r = run([{ type: "reaction", emoji: "👍", messageId: "wamid.1" }]);
    expect(r.state).toMatchObject({ step: "awaiting_comment", rating: 4 });
    expect(run([{ type: "reaction" }]).last).toEqual([]);
  });
});

describe("while waiting for the sentiment", () => {
  it("a second message joins the comment and is analysed again; stale results are ignored", () => {
    const r = run([tap("fb:rate:3"), text("Colour is nice"), text("but it's too small")]);
    expect(r.state.comment).toBe("Colour is nice\nbut it's too small");
    expect(r.last).toEqual([{ type: "analyzeSentiment", text: "Colour is nice\nbut it's too small" }]);
    const stale = run(
      [{ type: "sentimentResult", label: "positive", score: 0.6, source: "llm", text: "Colour is nice" }],
      ctx(),
      r.state,
    );
    expect(stale.state.step).toBe("awaiting_sentiment");
    expect(stale.last).toEqual([]);
    const fresh = run([builtinResult(r.last)], ctx(), r.state);
    expect(fresh.state.outcome).toBe("negative");
  });

  it("an out-of-range score is clamped", () => {
    const r = run([
      tap("fb:rate:5"),
      text("great"),
      { type: "sentimentResult", label: "positive", score: 7, source: "llm" },
    ]);
    expect(r.state.sentiment?.score).toBe(1);
  });

  it("if the sentiment never comes, a timeout finishes on the rating alone", () => {
    const r = run([tap("fb:rate:5"), text("great stuff"), { type: "timeout" }]);
    expect(r.state).toMatchObject({ step: "done", outcome: "positive", sentiment: null });
    expect(sent(r.last)[0].kind).toBe("cta_url");
  });
});

describe("timeouts, escape words, after done", () => {
  it("no answer to the rating question: done, nothing recorded or sent", () => {
    const r = run([{ type: "timeout" }]);
    expect(r.state).toMatchObject({ step: "done", closedReason: "no_response" });
    expect(r.last).toEqual([]);
  });

  it("rating given, no comment: recorded silently; a bad rating still hands off", () => {
    const good = run([tap("fb:rate:5"), { type: "timeout" }]);
    expect(types(good.last)).toEqual(["recordFeedback"]);
    const bad = run([tap("fb:rate:1"), { type: "timeout" }]);
    expect(types(bad.last)).toEqual(["recordFeedback", "handoff", "notifyMerchant"]);
  });

  it("'menu' steps aside; a rating already given is recorded first", () => {
    const r = run([text("menu")]);
    expect(r.last).toEqual([{ type: "release", event: text("menu") }]);
    const r2 = run([tap("fb:rate:5"), text("القائمة")]);
    expect(types(r2.last)).toEqual(["recordFeedback", "release"]);
    expect(r2.state).toMatchObject({ step: "done", closedReason: "released" });
  });

  it("a tap on another flow's button steps aside", () => {
    const r = run([tap("menu:catalog", "Shop")]);
    expect(r.last).toEqual([{ type: "release", event: tap("menu:catalog", "Shop") }]);
  });

  it("after done every inbound event is released to the main engine", () => {
    const r = run([tap("fb:rate:3"), tap("fb:skip"), text("hi, do you have oud in stock?")]);
    expect(r.last).toEqual([{ type: "release", event: text("hi, do you have oud in stock?") }]);
    expect(
      run([{ type: "sentimentResult", label: "neutral", score: 0, source: "llm" }], ctx(), r.state).last,
    ).toEqual([]);
  });

  it("an old conversation stops capturing free text, but our own taps still count", () => {
    const late = ctx({ now: new Date(T0.getTime() + FEEDBACK_TTL_MS + 1) });
    const r = run([text("hello, new question")], late);
    expect(r.state).toMatchObject({ step: "done", closedReason: "expired" });
    expect(types(r.last)).toEqual(["release"]);
    const tapLate = run([tap("fb:rate:5")], late);
    expect(tapLate.state).toMatchObject({ step: "awaiting_comment", rating: 5 });
  });
});

describe("purity", () => {
  it("same input, same output; the input state is not mutated", () => {
    const s = initialFeedbackState(T0);
    const frozen = JSON.stringify(s);
    const a = feedbackTransition(s, text("5"), ctx());
    const b = feedbackTransition(s, text("5"), ctx());
    expect(a).toEqual(b);
    expect(JSON.stringify(s)).toBe(frozen);
  });

  it("updatedAt comes from ctx.now", () => {
    const later = new Date(T0.getTime() + 60_000);
    const r = feedbackTransition(initialFeedbackState(T0), text("5"), ctx({ now: later }));
    expect(r.state.updatedAt).toBe(later.toISOString());
    expect(r.state.startedAt).toBe(T0.toISOString());
  });
});
