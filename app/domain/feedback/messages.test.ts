import { describe, expect, it } from "vitest";
import type { OutboundMessage } from "../types";
import {
  buildFeedbackRequest,
  clip,
  closingMessage,
  commentPrompt,
  LIMITS,
  ratingFromReplyId,
  ratingList,
  type FeedbackContext,
} from "./messages";

const ctx = (over: Partial<FeedbackContext> = {}): FeedbackContext => ({
  now: new Date("2025-03-01T10:00:00.000Z"),
  language: "en",
  customerFirstName: "Sara",
  orderName: "#1001",
  reviewUrl: "https://demo-hala.myshopify.com/pages/reviews",
  shopName: "Dar Oud",
  ...over,
});

const len = (s: string) => [...s].length;

/** Every WhatsApp limit that applies to a message. */
function expectWithinLimits(m: OutboundMessage) {
  if ("body" in m && typeof m.body === "string") expect(len(m.body)).toBeLessThanOrEqual(LIMITS.body);
  if ("footer" in m && m.footer) expect(len(m.footer)).toBeLessThanOrEqual(LIMITS.footer);
  if (m.kind === "buttons") {
    expect(m.buttons.length).toBeGreaterThan(0);
    expect(m.buttons.length).toBeLessThanOrEqual(LIMITS.buttons);
    for (const b of m.buttons) expect(len(b.title)).toBeLessThanOrEqual(LIMITS.buttonTitle);
    expect(new Set(m.buttons.map((b) => b.id)).size).toBe(m.buttons.length);
  }
  if (m.kind === "list") {
    expect(len(m.buttonText)).toBeLessThanOrEqual(LIMITS.buttonTitle);
    const rows = m.sections.flatMap((s) => s.rows);
    expect(rows.length).toBeLessThanOrEqual(10);
    for (const r of rows) expect(len(r.title)).toBeLessThanOrEqual(LIMITS.rowTitle);
  }
  if (m.kind === "cta_url") expect(len(m.displayText)).toBeLessThanOrEqual(LIMITS.ctaDisplayText);
}

describe("buildFeedbackRequest inside the 24h window", () => {
  it("en: three reply buttons Great / OK / Bad with the fb:rate ids", () => {
    const m = buildFeedbackRequest(ctx(), { withinWindow: true });
    expect(m).toMatchObject({ kind: "buttons" });
    if (m.kind !== "buttons") throw new Error();
    expect(m.body).toBe("Hi Sara! Your order #1001 from Dar Oud has been delivered. How was everything?");
    expect(m.buttons).toEqual([
      { id: "fb:rate:5", title: "😍 Great" },
      { id: "fb:rate:3", title: "🙂 OK" },
      { id: "fb:rate:1", title: "😞 Bad" },
    ]);
    expectWithinLimits(m);
  });

  it("ar: Arabic body and buttons", () => {
    const m = buildFeedbackRequest(
      ctx({ language: "ar", customerFirstName: "نورة", shopName: "دار العود" }),
      { withinWindow: true },
    );
    if (m.kind !== "buttons") throw new Error();
    expect(m.body).toBe("أهلاً نورة! تم توصيل طلبك #1001 من دار العود. كيف كانت تجربتك؟");
    expect(m.buttons.map((b) => b.title)).toEqual(["😍 ممتاز", "🙂 عادي", "😞 سيء"]);
    expectWithinLimits(m);
  });

  it("without a first name", () => {
    const m = buildFeedbackRequest(ctx({ customerFirstName: "  " }), { withinWindow: true });
    expect(m.kind === "buttons" && m.body.startsWith("Hi! Your order")).toBe(true);
  });

  it("the 1–5 list variant", () => {
    const m = buildFeedbackRequest(ctx({ language: "ar" }), { withinWindow: true, style: "list" });
    if (m.kind !== "list") throw new Error();
    expect(m.sections[0].rows.map((r) => r.id)).toEqual([
      "fb:rate:5",
      "fb:rate:4",
      "fb:rate:3",
      "fb:rate:2",
      "fb:rate:1",
    ]);
    expectWithinLimits(m);
    expectWithinLimits(ratingList("en", "x"));
  });

  it("clips very long shop names and bodies to WhatsApp limits", () => {
    const m = buildFeedbackRequest(ctx({ shopName: "S".repeat(2000), customerFirstName: "N".repeat(500) }), {
      withinWindow: true,
    });
    expectWithinLimits(m);
    expect(m.kind === "buttons" && m.body.endsWith("…")).toBe(true);
  });
});

describe("buildFeedbackRequest outside the window: template", () => {
  it("positional body parameters [first name, order name] by default", () => {
    const m = buildFeedbackRequest(ctx(), {
      withinWindow: false,
      template: { name: "order_feedback", language: "en_US" },
    });
    expect(m).toEqual({
      kind: "template",
      name: "order_feedback",
      language: "en_US",
      components: [
        {
          type: "body",
          parameters: [
            { type: "text", text: "Sara" },
            { type: "text", text: "#1001" },
          ],
        },
      ],
    });
  });

  it("named parameters and quick-reply payloads when asked", () => {
    const m = buildFeedbackRequest(ctx({ language: "ar", customerFirstName: undefined }), {
      withinWindow: false,
      template: {
        name: "order_feedback_ar",
        language: "ar",
        parameterFormat: "named",
        quickReplyButtons: true,
      },
    });
    if (m.kind !== "template") throw new Error();
    expect(m.components[0]).toEqual({
      type: "body",
      parameters: [
        { type: "text", text: "عميلنا", parameterName: "first_name" },
        { type: "text", text: "#1001", parameterName: "order_name" },
      ],
    });
    expect(m.components.slice(1)).toEqual(
      ["fb:rate:5", "fb:rate:3", "fb:rate:1"].map((payload, index) => ({
        type: "button",
        subType: "quick_reply",
        index,
        parameters: [{ type: "payload", payload }],
      })),
    );
  });

  it("defaults the template and never sends an empty or multi-line parameter", () => {
    const m = buildFeedbackRequest(ctx({ customerFirstName: "  Sara\n\tAl   Ali  " }), {
      withinWindow: false,
    });
    if (m.kind !== "template") throw new Error();
    expect(m.name).toBe("hala_feedback_request");
    expect(m.language).toBe("en");
    const first = m.components[0].parameters[0];
    expect(first).toEqual({ type: "text", text: "Sara Al Ali" });
    const fallback = buildFeedbackRequest(ctx({ customerFirstName: undefined }), { withinWindow: false });
    expect(fallback.kind === "template" && fallback.components[0].parameters[0]).toEqual({
      type: "text",
      text: "there",
    });
  });
});

describe("other messages", () => {
  it("comment prompt has one Skip button; wording follows the rating", () => {
    const good = commentPrompt("en", 5);
    const bad = commentPrompt("ar", 1);
    expect(good).toMatchObject({ kind: "buttons", buttons: [{ id: "fb:skip", title: "Skip" }] });
    expect(bad).toMatchObject({ kind: "buttons", buttons: [{ id: "fb:skip", title: "تخطي" }] });
    expect(good.kind === "buttons" && good.body).toContain("Anything you'd like");
    expect(bad.kind === "buttons" && bad.body).toContain("نأسف");
    expectWithinLimits(good);
    expectWithinLimits(bad);
  });

  it("positive closing: review CTA when there is a URL, thanks otherwise", () => {
    const cta = closingMessage("en", "positive", { shopName: "Dar Oud", reviewUrl: "https://x.test/r" });
    expect(cta).toMatchObject({ kind: "cta_url", url: "https://x.test/r", displayText: "Leave a review" });
    expectWithinLimits(cta);
    expect(closingMessage("ar", "positive", { shopName: "Dar Oud", reviewUrl: null }).kind).toBe("text");
    expect(
      closingMessage("en", "positive", { shopName: "Dar Oud", reviewUrl: "javascript:alert(1)" }).kind,
    ).toBe("text");
    expect(closingMessage("en", "neutral", { shopName: "Dar Oud", reviewUrl: "https://x.test/r" }).kind).toBe(
      "text",
    );
  });

  it("ratingFromReplyId and clip", () => {
    expect(ratingFromReplyId("fb:rate:4")).toBe(4);
    expect(ratingFromReplyId("fb:rate:6")).toBeNull();
    expect(ratingFromReplyId("menu:cart")).toBeNull();
    expect(clip("abcdef", 4)).toBe("abc…");
    expect(clip("abc", 4)).toBe("abc");
    expect(len(clip("😍".repeat(30), 20))).toBe(20);
  });
});
