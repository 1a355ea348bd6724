/**
 * The e-mail a merchant gets when a shopper needs a person (Settings → Notifications → Email): an unhappy answer
 * to the feedback request (who, which order, the rating and comment) or a shopper asking for a person (who and
 * what they wrote), with a link that opens the conversation in the app inside Shopify admin. Pure; English and
 * Arabic, in the shop's default language. Plain text only — the shopper's words are never interpreted as markup.
 */
import type { MerchantNotification } from "./feedback";
import type { Language } from "./types";

/** A shopper asked the bot for a person (the conversation was handed to the store). */
export interface HandoffAlert {
  reason: "handoff_requested";
  customerFirstName: string | null;
  /** What the shopper wrote when asking (null for a tap). */
  message: string | null;
  language: Language;
}

export type MerchantAlert = MerchantNotification | HandoffAlert;

export interface MerchantAlertEmail {
  subject: string;
  text: string;
}

const STRINGS = {
  en: {
    subject: "Unhappy customer on WhatsApp — order {order}",
    intro: "A customer answered the feedback request for order {order} and is not happy.",
    customer: "Customer",
    rating: "Rating",
    comment: "Comment",
    sentiment: "Sentiment",
    noComment: "(no comment)",
    handoff: "The bot has handed the conversation to you. Reply from the inbox:",
    unnamed: "(no name)",
    handoffSubject: "A customer asks for a person on WhatsApp",
    handoffIntro: "A customer asked the WhatsApp bot to talk to someone from the store.",
    message: "Message",
  },
  ar: {
    subject: "عميل غير راضٍ على واتساب — الطلب {order}",
    intro: "أجاب عميل على طلب التقييم للطلب {order} وهو غير راضٍ.",
    customer: "العميل",
    rating: "التقييم",
    comment: "التعليق",
    sentiment: "الانطباع",
    noComment: "(بدون تعليق)",
    handoff: "حوّل البوت المحادثة إليك. رُدّ من صندوق الوارد:",
    unnamed: "(بدون اسم)",
    handoffSubject: "عميل يطلب التحدث مع شخص على واتساب",
    handoffIntro: "طلب عميل من بوت واتساب التحدث مع أحد موظفي المتجر.",
    message: "الرسالة",
  },
} satisfies Record<Language, Record<string, string>>;

export const MERCHANT_ALERT_STRINGS: Readonly<
  Record<Language, Readonly<Record<keyof typeof STRINGS.en, string>>>
> = STRINGS;

const SENTIMENT: Record<Language, Record<string, string>> = {
  en: { positive: "positive", neutral: "neutral", negative: "negative" },
  ar: { positive: "إيجابي", neutral: "محايد", negative: "سلبي" },
};

/** One line, no control characters, bounded: a subject header must never carry a line break. */
function oneLine(value: string, max = 120): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  const flat = value.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

interface AlertOptions {
  language: Language;
  storeName: string | null;
  conversationUrl: string;
  customerPhone?: string;
}

function customerLine(alert: MerchantAlert, options: AlertOptions): string {
  const s = MERCHANT_ALERT_STRINGS[options.language];
  const who = [alert.customerFirstName ? oneLine(alert.customerFirstName, 60) : s.unnamed];
  if (options.customerPhone) who.push(`+${options.customerPhone.replace(/^\+/, "")}`);
  return `${s.customer}: ${who.join(" · ")}`;
}

function withStore(subject: string, options: AlertOptions): string {
  return oneLine(options.storeName ? `${subject} · ${options.storeName}` : subject, 160);
}

export function merchantAlertEmail(alert: MerchantAlert, options: AlertOptions): MerchantAlertEmail {
  const s = MERCHANT_ALERT_STRINGS[options.language];
  const footer = options.storeName ? ["", `— Hala · ${oneLine(options.storeName, 80)}`] : [];
  if (alert.reason === "handoff_requested") {
    const lines = [s.handoffIntro, "", customerLine(alert, options)];
    if (alert.message?.trim()) lines.push(`${s.message}: ${alert.message.trim()}`);
    lines.push("", s.handoff, options.conversationUrl, ...footer);
    return { subject: withStore(s.handoffSubject, options), text: lines.join("\n") };
  }
  const notification = alert;
  const order = oneLine(notification.orderName, 40);
  const fill = (template: string) => template.replace("{order}", order);
  const lines = [
    fill(s.intro),
    "",
    customerLine(notification, options),
    `${s.rating}: ${notification.rating === null ? "—" : `${"★".repeat(notification.rating)}${"☆".repeat(5 - notification.rating)} (${notification.rating}/5)`}`,
  ];
  if (notification.sentimentLabel)
    lines.push(`${s.sentiment}: ${SENTIMENT[options.language][notification.sentimentLabel]}`);
  lines.push(`${s.comment}: ${notification.comment?.trim() ? notification.comment.trim() : s.noComment}`);
  lines.push("", s.handoff, options.conversationUrl, ...footer);
  return { subject: withStore(fill(s.subject), options), text: lines.join("\n") };
}
