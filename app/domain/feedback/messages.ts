/**
 * The WhatsApp messages of the feedback conversation. WhatsApp limits are enforced here: ≤ 3 reply buttons with
 * titles ≤ 20 characters, list rows ≤ 24, bodies ≤ 1024, footers ≤ 60 (text is clipped with "…"), and template
 * text parameters without newlines, tabs or runs of more than 4 spaces.
 *
 * Reply ids: `fb:rate:5` / `fb:rate:3` / `fb:rate:1` (Great / OK / Bad buttons), `fb:rate:1`…`fb:rate:5` (list
 * rows), `fb:skip` (skip the comment).
 */
import type { Language, OutboundMessage, TemplateComponent, TemplateParameter } from "../types";
import { t } from "./catalog";
import type { Rating } from "./parse-rating";

export const LIMITS = {
  buttons: 3,
  buttonTitle: 20,
  rowTitle: 24,
  body: 1024,
  footer: 60,
  ctaDisplayText: 20,
  templateText: 1024,
} as const;

export const RATE_ID_PREFIX = "fb:rate:";
export const SKIP_ID = "fb:skip";
export const rateId = (r: Rating) => `${RATE_ID_PREFIX}${r}`;

/** The rating a reply id stands for ("fb:rate:4" → 4), or null. */
export function ratingFromReplyId(id: string): Rating | null {
  const m = /^fb:rate:([1-5])$/.exec(id);
  return m ? (Number(m[1]) as Rating) : null;
}

/** Clip to at most `max` characters (code points), ending with "…" when clipped. */
export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : chars.slice(0, max - 1).join("") + "…";
}

export interface FeedbackContext {
  now: Date;
  language: Language;
  customerFirstName?: string;
  orderName: string;
  reviewUrl?: string | null;
  shopName: string;
}

function requestBody(ctx: FeedbackContext, language: Language): string {
  const name = cleanName(ctx.customerFirstName);
  const vars = { name: name ?? "", order: ctx.orderName, shop: ctx.shopName };
  return clip(t(language, name ? "request_body_named" : "request_body", vars), LIMITS.body);
}

function cleanName(name: string | undefined): string | null {
  const n = name?.replace(/\s+/g, " ").trim();
  return n ? clip(n, 60) : null;
}

/** The three rating buttons under `body`. */
export function ratingButtons(language: Language, body: string): OutboundMessage {
  return {
    kind: "buttons",
    body: clip(body, LIMITS.body),
    footer: clip(t(language, "request_footer"), LIMITS.footer),
    buttons: [
      { id: rateId(5), title: clip(t(language, "btn_great"), LIMITS.buttonTitle) },
      { id: rateId(3), title: clip(t(language, "btn_ok"), LIMITS.buttonTitle) },
      { id: rateId(1), title: clip(t(language, "btn_bad"), LIMITS.buttonTitle) },
    ],
  };
}

/** The 1–5 list variant of the rating question. */
export function ratingList(language: Language, body: string): OutboundMessage {
  const rows = ([5, 4, 3, 2, 1] as const).map((r) => ({
    id: rateId(r),
    title: clip(t(language, `row_${r}`), LIMITS.rowTitle),
  }));
  return {
    kind: "list",
    body: clip(body, LIMITS.body),
    buttonText: clip(t(language, "list_button"), LIMITS.buttonTitle),
    sections: [{ title: clip(t(language, "list_section"), LIMITS.rowTitle), rows }],
  };
}

export interface FeedbackRequestOptions {
  /** Inside WhatsApp's 24-hour customer-service window (the shopper wrote to us in the last 24h). */
  withinWindow: boolean;
  /**
   * The approved template used outside the window. Its body takes two text parameters: {{1}} the first name
   * (or "there"/"عميلنا" when unknown — parameters cannot be empty) and {{2}} the order name. Positional by
   * default; with `parameterFormat: "named"` they are sent as `first_name` and `order_name`.
   * `quickReplyButtons: true` when the template has three quick-reply buttons (Great / OK / Bad): their payloads
   * are then set to fb:rate:5 / fb:rate:3 / fb:rate:1. Without it, taps arrive with the template's own payload
   * and title, and the machine reads the title.
   * Default: { name: "hala_feedback_request", language: ctx.language }.
   */
  template?: {
    name: string;
    language: string;
    parameterFormat?: "positional" | "named";
    quickReplyButtons?: boolean;
  };
  /** Inside the window: three buttons (default) or the 1–5 list. */
  style?: "buttons" | "list";
}

export const DEFAULT_TEMPLATE_NAME = "hala_feedback_request";

/** WhatsApp rejects template text parameters with newlines, tabs or more than 4 consecutive spaces. */
function templateText(text: string, parameterName?: string): TemplateParameter {
  const clean = clip(
    text
      .replace(/[\n\r\t]+/g, " ")
      .replace(/ {2,}/g, " ")
      .trim(),
    LIMITS.templateText,
  );
  return parameterName ? { type: "text", text: clean, parameterName } : { type: "text", text: clean };
}

/** The first message of the conversation: the rating question. */
export function buildFeedbackRequest(ctx: FeedbackContext, opts: FeedbackRequestOptions): OutboundMessage {
  if (opts.withinWindow) {
    const body = requestBody(ctx, ctx.language);
    return opts.style === "list" ? ratingList(ctx.language, body) : ratingButtons(ctx.language, body);
  }
  const template = opts.template ?? { name: DEFAULT_TEMPLATE_NAME, language: ctx.language };
  const named = template.parameterFormat === "named";
  const firstName = cleanName(ctx.customerFirstName) ?? t(ctx.language, "name_fallback");
  const components: TemplateComponent[] = [
    {
      type: "body",
      parameters: [
        templateText(firstName, named ? "first_name" : undefined),
        templateText(ctx.orderName, named ? "order_name" : undefined),
      ],
    },
  ];
  if (template.quickReplyButtons) {
    ([5, 3, 1] as const).forEach((r, index) =>
      components.push({
        type: "button",
        subType: "quick_reply",
        index,
        parameters: [{ type: "payload", payload: rateId(r) }],
      }),
    );
  }
  return { kind: "template", name: template.name, language: template.language, components };
}

/** "Tell us more" with a Skip button; the wording depends on the rating. */
export function commentPrompt(language: Language, rating: Rating | null): OutboundMessage {
  const key = rating !== null && rating <= 2 ? "comment_prompt_bad" : "comment_prompt_good";
  return skipButton(language, t(language, key));
}

export function skipButton(language: Language, body: string): OutboundMessage {
  return {
    kind: "buttons",
    body: clip(body, LIMITS.body),
    buttons: [{ id: SKIP_ID, title: clip(t(language, "btn_skip"), LIMITS.buttonTitle) }],
  };
}

export function isHttpUrl(url: string | null | undefined): url is string {
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.protocol === "https:" || u.protocol === "http:";
  } catch {
    return false;
  }
}

/** The closing message for an outcome. */
export function closingMessage(
  language: Language,
  outcome: "positive" | "neutral" | "negative",
  ctx: Pick<FeedbackContext, "shopName" | "reviewUrl">,
): OutboundMessage {
  const vars = { shop: ctx.shopName };
  if (outcome === "positive") {
    if (isHttpUrl(ctx.reviewUrl)) {
      return {
        kind: "cta_url",
        body: clip(t(language, "thanks_review", vars), LIMITS.body),
        displayText: clip(t(language, "review_button"), LIMITS.ctaDisplayText),
        url: ctx.reviewUrl,
      };
    }
    return { kind: "text", body: clip(t(language, "thanks_positive", vars), LIMITS.body) };
  }
  if (outcome === "neutral")
    return { kind: "text", body: clip(t(language, "thanks_neutral", vars), LIMITS.body) };
  return { kind: "text", body: clip(t(language, "sorry_negative", vars), LIMITS.body) };
}
