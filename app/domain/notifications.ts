/**
 * Messages the app sends on its own initiative (not in answer to the shopper's request): order
 * confirmations, and the notice to a shopper who writes faster than the bot answers (the inbound throttle).
 * Pure; every string exists in English and Arabic.
 */
import { formatMoney } from "./conversation/money";
import type { Language, Money, OutboundMessage } from "./types";

const STRINGS = {
  en: {
    orderConfirmed:
      "Thank you{name}! Your order {order} is confirmed. Total: {total}. We'll let you know when it ships.",
    viewOrder: "View order",
    slowDown:
      "You're sending messages faster than we can answer. Please wait a moment, then send your message again.",
  },
  ar: {
    orderConfirmed: "شكراً لك{name}! تم تأكيد طلبك {order}. الإجمالي: {total}. سنخبرك عند شحنه.",
    viewOrder: "عرض الطلب",
    slowDown: "رسائلك تصل أسرع مما نستطيع الرد عليها. يرجى الانتظار قليلاً ثم إرسال رسالتك مرة أخرى.",
  },
} satisfies Record<Language, Record<string, string>>;

export const NOTIFICATION_STRINGS: Readonly<
  Record<Language, Readonly<Record<keyof typeof STRINGS.en, string>>>
> = STRINGS;

function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => vars[key] ?? "");
}

export function orderConfirmationMessage(
  language: Language,
  order: { name: string; total: Money; statusUrl?: string | null; customerFirstName?: string | null },
): OutboundMessage {
  const strings = NOTIFICATION_STRINGS[language];
  const name = order.customerFirstName
    ? language === "ar"
      ? ` يا ${order.customerFirstName}`
      : `, ${order.customerFirstName}`
    : "";
  const body = fill(strings.orderConfirmed, {
    name,
    order: order.name,
    total: formatMoney(order.total, language),
  });
  if (order.statusUrl && /^https?:\/\//.test(order.statusUrl)) {
    return { kind: "cta_url", body, displayText: strings.viewOrder, url: order.statusUrl };
  }
  return { kind: "text", body };
}

/** The one notice a throttled shopper gets (at most once a minute): wait, then write again. */
export function slowDownMessage(language: Language): OutboundMessage {
  return { kind: "text", body: NOTIFICATION_STRINGS[language].slowDown };
}
