/**
 * Keywords a shopper can type at any step, in English and Arabic. Text is folded first (digits, case, Arabic
 * diacritics and letter variants, punctuation), so "Cart!", "CART" and "السلّة" all match.
 */
import type { Language } from "../types";
import { foldForMatch } from "../i18n";

export type Command =
  | { kind: "menu" }
  | { kind: "browse" }
  | { kind: "search"; query: string | null }
  | { kind: "cart" }
  | { kind: "checkout" }
  | { kind: "orders" }
  | { kind: "human" }
  | { kind: "help" }
  | { kind: "back" }
  | { kind: "lang"; language: Language };

type Simple = Exclude<Command, { kind: "search" } | { kind: "lang" }>["kind"];

const WORDS: Record<Simple | "search" | "lang:en" | "lang:ar", string[]> = {
  menu: [
    "menu",
    "main menu",
    "start",
    "restart",
    "home",
    "القائمة",
    "قائمة",
    "القائمة الرئيسية",
    "ابدأ",
    "البداية",
    "الرئيسية",
  ],
  browse: [
    "browse",
    "shop",
    "products",
    "catalog",
    "catalogue",
    "collections",
    "تصفح",
    "المنتجات",
    "منتجات",
    "المجموعات",
    "الكتالوج",
  ],
  search: ["search", "find", "بحث", "ابحث", "البحث"],
  cart: ["cart", "my cart", "basket", "bag", "view cart", "السلة", "سلتي", "سلة", "عربة التسوق", "عرض السلة"],
  checkout: [
    "checkout",
    "check out",
    "pay",
    "pay now",
    "الدفع",
    "ادفع",
    "دفع",
    "إتمام الشراء",
    "اتمام الطلب",
    "ادفع الآن",
  ],
  orders: [
    "orders",
    "my orders",
    "order status",
    "track",
    "tracking",
    "track order",
    "طلباتي",
    "طلبي",
    "الطلبات",
    "حالة الطلب",
    "تتبع",
    "تتبع الطلب",
    "تتبع الشحنة",
  ],
  human: [
    "human",
    "agent",
    "person",
    "talk to a person",
    "real person",
    "representative",
    "customer service",
    "support",
    "موظف",
    "انسان",
    "إنسان",
    "التحدث مع موظف",
    "خدمة العملاء",
    "الدعم",
    "اريد موظف",
    "كلم موظف",
  ],
  help: ["help", "help me", "مساعدة", "ساعدني", "المساعدة"],
  back: ["back", "go back", "previous", "رجوع", "ارجع", "عودة", "العودة", "السابق"],
  "lang:en": ["english", "en", "eng", "انجليزي", "الانجليزية", "الإنجليزية", "انكليزي", "بالانجليزي"],
  "lang:ar": ["arabic", "عربي", "العربية", "عربى", "بالعربي", "بالعربية"],
};

const GREETINGS = [
  "hi",
  "hello",
  "hey",
  "hiya",
  "hola",
  "salam",
  "salaam",
  "good morning",
  "good evening",
  "good afternoon",
  "مرحبا",
  "مرحبًا",
  "أهلا",
  "اهلين",
  "هلا",
  "السلام عليكم",
  "سلام عليكم",
  "سلام",
  "صباح الخير",
  "مساء الخير",
].map(foldForMatch);

/** Words that are also plausible search queries: while searching they are treated as the query. */
const AMBIGUOUS_WHILE_SEARCHING = new Set(
  [
    "home",
    "bag",
    "basket",
    "shop",
    "products",
    "catalog",
    "collections",
    "support",
    "person",
    "track",
    "tracking",
    "start",
    "en",
  ].map(foldForMatch),
);

const LOOKUP = new Map<string, string>();
for (const [kind, words] of Object.entries(WORDS)) for (const w of words) LOOKUP.set(foldForMatch(w), kind);

const SEARCH_PREFIXES = ["search for", "search", "find", "look for", "ابحث عن", "ابحث", "بحث عن", "بحث"].map(
  foldForMatch,
);

function toCommand(kind: string): Command {
  if (kind === "lang:en") return { kind: "lang", language: "en" };
  if (kind === "lang:ar") return { kind: "lang", language: "ar" };
  if (kind === "search") return { kind: "search", query: null };
  return { kind } as Command;
}

/**
 * The command a text asks for, or null. With `strict` (used while the shopper types a search query) only an
 * exact keyword counts, so "hello kitty" stays a query; otherwise a short message that opens with a greeting
 * ("hi there", "السلام عليكم ورحمة الله") also opens the menu.
 */
export function parseCommand(text: string, opts: { strict?: boolean } = {}): Command | null {
  const raw = text.trim();
  if (raw === "?" || raw === "؟") return { kind: "help" };
  const folded = foldForMatch(raw);
  if (folded === "") return null;

  const exact = LOOKUP.get(folded);
  if (exact && !(opts.strict && AMBIGUOUS_WHILE_SEARCHING.has(folded))) return toCommand(exact);
  if (GREETINGS.includes(folded)) return { kind: "menu" };

  for (const prefix of SEARCH_PREFIXES) {
    if (folded.startsWith(prefix + " ")) {
      // Keep the shopper's own spelling for the query: drop as many words from the raw text as the prefix has.
      const words = raw.split(/\s+/);
      const query = words.slice(prefix.split(" ").length).join(" ").trim();
      if (query) return { kind: "search", query };
    }
  }

  if (!opts.strict) {
    const wordCount = folded.split(" ").length;
    if (wordCount <= 12 && asksForAPerson(folded)) return { kind: "human" };
    if (wordCount <= 6 && GREETINGS.some((g) => folded.startsWith(g + " "))) return { kind: "menu" };
  }
  return null;
}

/**
 * A short sentence that asks for a person, beyond the exact keywords: "can I talk to a human please",
 * "I want to speak with someone", "أريد التحدث مع موظف", "ممكن اكلم خدمة العملاء". Runs on folded text (أ→ا,
 * ة→ه, punctuation gone). Words that are plausible product names alone ("agent", "person") only count after a
 * talk/speak verb.
 */
const PERSON_EN =
  /\b(talk|speak|chat|connect me|put me through)( to| with)? (a |an |the |your |some |real |live )*(human|person|agent|someone|somebody|representative|rep|staff|manager|operator|support|customer service)\b/;
const PERSON_EN_ALONE = /\b(human agent|real person|live agent|customer (service|support|care))\b/;
const PERSON_AR = /(موظف|خدمه العملاء|انسان|شخص حقيقي|الدعم الفني)/;
const PERSON_AR_VERB = /(كلم|اكلم|التحدث|اتحدث|تحدث|اتكلم|التواصل|اتواصل)( مع)? (احد|شخص|حد)/;

function asksForAPerson(folded: string): boolean {
  return (
    PERSON_EN.test(folded) ||
    PERSON_EN_ALONE.test(folded) ||
    PERSON_AR.test(folded) ||
    PERSON_AR_VERB.test(folded)
  );
}
