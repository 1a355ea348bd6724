/**
 * Strings of the feedback conversation, per language. `ar` must have exactly the keys of `en` (enforced by the
 * type and by catalog.test.ts, which also checks that both use the same {placeholders}).
 *
 * WhatsApp limits that apply to these strings (checked in tests, and bodies are clipped where messages are
 * built): reply-button and CTA titles ≤ 20 characters, list rows ≤ 24, bodies ≤ 1024.
 */
import type { Language } from "../types";

const en = {
  // the request (inside the 24h window)
  request_body_named: "Hi {name}! Your order {order} from {shop} has been delivered. How was everything?",
  request_body: "Hi! Your order {order} from {shop} has been delivered. How was everything?",
  request_footer: "Tap a button or reply 1–5",
  btn_great: "😍 Great",
  btn_ok: "🙂 OK",
  btn_bad: "😞 Bad",
  // the 1–5 list variant
  list_button: "Rate 1–5",
  list_section: "Your rating",
  row_5: "⭐⭐⭐⭐⭐ Excellent",
  row_4: "⭐⭐⭐⭐ Good",
  row_3: "⭐⭐⭐ OK",
  row_2: "⭐⭐ Poor",
  row_1: "⭐ Bad",
  // template fallback when the first name is unknown (template parameters cannot be empty)
  name_fallback: "there",
  // unrecognised rating
  rating_hint:
    "Sorry, I didn't get that. Tap a button below, or reply with a number from 1 (bad) to 5 (great).",
  // the comment
  comment_prompt_good: "Thank you! 🙏 Anything you'd like to tell us? Just type it, or tap Skip.",
  comment_prompt_bad: "We're sorry to hear that. 😔 What went wrong? Just type it, or tap Skip.",
  comment_hint: "Please type a few words about your order, or tap Skip.",
  btn_skip: "Skip",
  // the end
  thanks_review: "We're so glad you're happy! 💛 Would you leave {shop} a short review? It really helps.",
  review_button: "Leave a review",
  thanks_positive: "We're so glad you're happy! 💛 Thank you for shopping with {shop}.",
  thanks_neutral: "Thank you for your feedback! It helps {shop} get better.",
  sorry_negative:
    "Thank you for telling us, and we're sorry. Someone from the {shop} team will get back to you here shortly.",
} as const;

export type FeedbackStringKey = keyof typeof en;

const ar: Record<FeedbackStringKey, string> = {
  request_body_named: "أهلاً {name}! تم توصيل طلبك {order} من {shop}. كيف كانت تجربتك؟",
  request_body: "أهلاً! تم توصيل طلبك {order} من {shop}. كيف كانت تجربتك؟",
  request_footer: "اضغط على زر أو أرسل رقماً من 1 إلى 5",
  btn_great: "😍 ممتاز",
  btn_ok: "🙂 عادي",
  btn_bad: "😞 سيء",
  list_button: "قيّم من 1 إلى 5",
  list_section: "تقييمك",
  row_5: "⭐⭐⭐⭐⭐ ممتاز",
  row_4: "⭐⭐⭐⭐ جيد",
  row_3: "⭐⭐⭐ مقبول",
  row_2: "⭐⭐ ضعيف",
  row_1: "⭐ سيء",
  name_fallback: "عميلنا",
  rating_hint: "عذراً، لم أفهم. اضغط على أحد الأزرار، أو أرسل رقماً من 1 (سيء) إلى 5 (ممتاز).",
  comment_prompt_good: "شكراً لك! 🙏 هل تحب تخبرنا بشيء؟ اكتب رأيك، أو اضغط تخطي.",
  comment_prompt_bad: "نأسف لذلك. 😔 ماذا حدث؟ اكتب لنا، أو اضغط تخطي.",
  comment_hint: "اكتب لنا كلمتين عن طلبك، أو اضغط تخطي.",
  btn_skip: "تخطي",
  thanks_review: "سعداء جداً أن الطلب نال رضاك! 💛 هل تكتب تقييماً قصيراً لـ {shop}؟ يساعدنا كثيراً.",
  review_button: "اكتب تقييمك",
  thanks_positive: "سعداء جداً أن الطلب نال رضاك! 💛 شكراً لتسوقك من {shop}.",
  thanks_neutral: "شكراً لملاحظاتك! تساعد {shop} على التحسن.",
  sorry_negative: "شكراً لإخبارنا، ونعتذر منك. سيتواصل معك أحد أفراد فريق {shop} هنا قريباً.",
};

export const FEEDBACK_STRINGS: Readonly<Record<Language, Readonly<Record<FeedbackStringKey, string>>>> = {
  en,
  ar,
};

/** The string for `key` in `language`, with {placeholders} filled (unknown placeholders are left as they are). */
export function t(language: Language, key: FeedbackStringKey, vars: Record<string, string> = {}): string {
  return FEEDBACK_STRINGS[language][key].replace(/\{(\w+)\}/g, (m, name: string) => vars[name] ?? m);
}
