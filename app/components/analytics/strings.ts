/**
 * The analytics page's words in English and Arabic. Kept beside the page (not in app/i18n/admin) so that the
 * page can change without touching the shared catalogs; same rules: flat keys, `{name}` placeholders,
 * Arabic has exactly the English keys (its type says so).
 */
const en = {
  title: "Analytics",
  subtitle: "How shoppers talk to your store on WhatsApp, and what it brings",
  "range.label": "Date range",
  "range.7d": "7 days",
  "range.30d": "30 days",
  "range.90d": "90 days",
  "range.custom": "Custom",
  "range.from": "From",
  "range.to": "To",
  "range.apply": "Apply",
  "range.invalid": "Choose a start date on or before the end date, at most 366 days apart.",
  "range.rejectedTitle": "That date range could not be used",
  "range.rejectedBody": "Showing the last 30 days instead.",
  "range.summary": "{from} – {to} · {days} days",
  "tz.shop": "Days in the store's time zone ({zone}).",
  "tz.utc": "Days in UTC: the store's time zone could not be read.",

  "kpi.conversations": "Conversations",
  "kpi.messagesIn": "Messages received",
  "kpi.messagesOut": "Messages sent",
  "kpi.orders": "Orders from WhatsApp",
  "kpi.revenue": "Attributed revenue",
  "kpi.botResponse": "Bot first response (median)",
  "kpi.humanResponse": "Team first response (median)",
  "kpi.none": "—",

  "activity.title": "Conversations and messages",
  "activity.help":
    "Conversations with at least one message that day, and messages received and sent per day.",
  "activity.conversations": "Conversations",
  "activity.in": "Received",
  "activity.out": "Sent",

  "delivery.title": "Delivery",
  "delivery.help":
    "Messages Hala sent in this period (cancelled ones left out) and how far each got. Read implies delivered.",
  "delivery.outbound": "Queued to send",
  "delivery.sent": "Sent",
  "delivery.delivered": "Delivered",
  "delivery.read": "Read",
  "delivery.failed": "Failed",
  "delivery.pending": "Still sending",

  "shopping.title": "Shopping funnel",
  "shopping.help":
    "By conversation: shoppers who wrote in this period → with a cart (cart lines now, or a checkout created in this period) → with a checkout created → with an order attributed in this period.",
  "shopping.conversations": "Conversations",
  "shopping.carts": "With a cart",
  "shopping.checkouts": "With a checkout",
  "shopping.orders": "With an order",
  "shopping.checkoutsCreated": "Checkouts created",
  "shopping.ordersAttributed": "Orders attributed",
  "shopping.revenue": "Revenue by currency",
  "shopping.noRevenue": "No attributed orders in this period.",
  "shopping.currencyUnknown": "Unknown currency",
  "shopping.ordersCount": "{count} orders",

  "feedback.title": "Feedback",
  "feedback.help":
    "Answers to feedback requests by the day they arrived, and their mean sentiment (−1 to 1).",
  "feedback.requested": "Requests sent",
  "feedback.answered": "Answers",
  "feedback.averageRating": "Average rating",
  "feedback.averageSentiment": "Average sentiment",
  "feedback.positive": "Positive",
  "feedback.neutral": "Neutral",
  "feedback.negative": "Negative",
  "feedback.sentimentSeries": "Sentiment",
  "feedback.sentimentLabels":
    "Sentiment of answers: {positive} positive, {neutral} neutral, {negative} negative",

  "response.title": "First response time",
  "response.help":
    "From a shopper's first unanswered message to the next reply by the bot or by your team, median per day. Failed replies do not count.",
  "response.bot": "Bot",
  "response.team": "Team",
  "response.waits": "{count} replies",
  "response.p90": "90% within {value}",
  "response.unanswered": "Not answered",

  "ai.title": "AI assistant usage",
  "ai.help": "Calls to the language model (replies and sentiment), tokens used and failures.",
  "ai.calls": "Calls",
  "ai.failures": "Failures",
  "ai.tokens": "Tokens",
  "ai.promptTokens": "Prompt tokens",
  "ai.completionTokens": "Completion tokens",
  "ai.latency": "Average latency",

  "table.show": "Show data table",
  "table.hide": "Hide data table",
  "table.date": "Date",
  "table.step": "Step",
  "table.count": "Count",
  "table.share": "Share of first step",
  "chart.loading": "Loading chart",
  "chart.reached": "Reached this step",
  "chart.dropped": "Dropped off",
  "chart.error": "This chart could not be drawn. The data table below has the same numbers.",
  "chart.empty": "No data in this period",

  "empty.title": "Nothing in this period yet",
  "empty.body":
    "Once shoppers message your WhatsApp number, their conversations, orders and feedback show here. Try a longer range, or check that your number is connected.",
  "empty.settings": "Open settings",
  "empty.inbox": "Open inbox",
};

export type AnalyticsKey = keyof typeof en;

const ar: Record<AnalyticsKey, string> = {
  title: "التحليلات",
  subtitle: "كيف يتحدث المتسوقون مع متجرك على واتساب، وما الذي يحققه ذلك",
  "range.label": "الفترة",
  "range.7d": "7 أيام",
  "range.30d": "30 يومًا",
  "range.90d": "90 يومًا",
  "range.custom": "مخصص",
  "range.from": "من",
  "range.to": "إلى",
  "range.apply": "تطبيق",
  "range.invalid": "اختر تاريخ بداية في يوم النهاية أو قبله، وبفارق 366 يومًا على الأكثر.",
  "range.rejectedTitle": "تعذر استخدام هذه الفترة",
  "range.rejectedBody": "نعرض آخر 30 يومًا بدلًا منها.",
  "range.summary": "{from} – {to} · {days} يومًا",
  "tz.shop": "الأيام حسب المنطقة الزمنية للمتجر ({zone}).",
  "tz.utc": "الأيام حسب التوقيت العالمي UTC: تعذرت قراءة المنطقة الزمنية للمتجر.",

  "kpi.conversations": "المحادثات",
  "kpi.messagesIn": "الرسائل المستلمة",
  "kpi.messagesOut": "الرسائل المرسلة",
  "kpi.orders": "الطلبات من واتساب",
  "kpi.revenue": "الإيرادات المنسوبة",
  "kpi.botResponse": "أول رد من البوت (الوسيط)",
  "kpi.humanResponse": "أول رد من الفريق (الوسيط)",
  "kpi.none": "—",

  "activity.title": "المحادثات والرسائل",
  "activity.help": "المحادثات التي فيها رسالة واحدة على الأقل في اليوم، والرسائل المستلمة والمرسلة يوميًا.",
  "activity.conversations": "المحادثات",
  "activity.in": "المستلمة",
  "activity.out": "المرسلة",

  "delivery.title": "التسليم",
  "delivery.help": "الرسائل التي أرسلتها هلا في هذه الفترة (دون الملغاة) وإلى أين وصلت. المقروءة تُعد مُسلَّمة.",
  "delivery.outbound": "في قائمة الإرسال",
  "delivery.sent": "مرسلة",
  "delivery.delivered": "مُسلَّمة",
  "delivery.read": "مقروءة",
  "delivery.failed": "فشلت",
  "delivery.pending": "قيد الإرسال",

  "shopping.title": "مسار الشراء",
  "shopping.help":
    "حسب المحادثة: متسوقون كتبوا في هذه الفترة ← لديهم سلة (منتجات في السلة الآن أو دفع أُنشئ في الفترة) ← أُنشئ لهم رابط دفع ← نُسب إليهم طلب في الفترة.",
  "shopping.conversations": "المحادثات",
  "shopping.carts": "بسلة",
  "shopping.checkouts": "برابط دفع",
  "shopping.orders": "بطلب",
  "shopping.checkoutsCreated": "روابط الدفع المنشأة",
  "shopping.ordersAttributed": "الطلبات المنسوبة",
  "shopping.revenue": "الإيرادات حسب العملة",
  "shopping.noRevenue": "لا توجد طلبات منسوبة في هذه الفترة.",
  "shopping.currencyUnknown": "عملة غير معروفة",
  "shopping.ordersCount": "{count} طلبات",

  "feedback.title": "التقييمات",
  "feedback.help": "الردود على طلبات التقييم حسب يوم وصولها، ومتوسط المشاعر فيها (من −1 إلى 1).",
  "feedback.requested": "طلبات مرسلة",
  "feedback.answered": "ردود",
  "feedback.averageRating": "متوسط التقييم",
  "feedback.averageSentiment": "متوسط المشاعر",
  "feedback.positive": "إيجابي",
  "feedback.neutral": "محايد",
  "feedback.negative": "سلبي",
  "feedback.sentimentSeries": "المشاعر",
  "feedback.sentimentLabels": "مشاعر الردود: {positive} إيجابية، {neutral} محايدة، {negative} سلبية",

  "response.title": "زمن الرد الأول",
  "response.help":
    "من أول رسالة بلا رد من المتسوق إلى الرد التالي من البوت أو من فريقك، الوسيط يوميًا. الردود الفاشلة لا تُحتسب.",
  "response.bot": "البوت",
  "response.team": "الفريق",
  "response.waits": "{count} ردود",
  "response.p90": "90٪ خلال {value}",
  "response.unanswered": "بلا رد",

  "ai.title": "استخدام المساعد الذكي",
  "ai.help": "طلبات نموذج اللغة (الردود وتحليل المشاعر) والرموز المستخدمة والإخفاقات.",
  "ai.calls": "الطلبات",
  "ai.failures": "الإخفاقات",
  "ai.tokens": "الرموز",
  "ai.promptTokens": "رموز الطلب",
  "ai.completionTokens": "رموز الإجابة",
  "ai.latency": "متوسط زمن الاستجابة",

  "table.show": "عرض جدول البيانات",
  "table.hide": "إخفاء جدول البيانات",
  "table.date": "التاريخ",
  "table.step": "المرحلة",
  "table.count": "العدد",
  "table.share": "النسبة من المرحلة الأولى",
  "chart.loading": "جارٍ تحميل الرسم",
  "chart.reached": "وصلوا إلى هذه المرحلة",
  "chart.dropped": "توقفوا قبلها",
  "chart.error": "تعذر رسم هذا المخطط. جدول البيانات أدناه يحتوي الأرقام نفسها.",
  "chart.empty": "لا توجد بيانات في هذه الفترة",

  "empty.title": "لا شيء في هذه الفترة بعد",
  "empty.body":
    "عندما يراسل المتسوقون رقم واتساب الخاص بك، تظهر هنا محادثاتهم وطلباتهم وتقييماتهم. جرّب فترة أطول، أو تأكد من ربط رقمك.",
  "empty.settings": "فتح الإعدادات",
  "empty.inbox": "فتح صندوق الوارد",
};

export const analyticsCatalogs = { en, ar } as const;

export function analyticsText(
  locale: "en" | "ar",
  key: AnalyticsKey,
  values?: Record<string, string | number>,
): string {
  const text = analyticsCatalogs[locale][key] ?? en[key];
  if (!values) return text;
  return text.replace(/\{(\w+)\}/g, (match, name: string) =>
    values[name] === undefined ? match : String(values[name]),
  );
}
