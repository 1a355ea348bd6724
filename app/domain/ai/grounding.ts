/**
 * Grounding of the model's words: every price, currency amount or discount the model writes must be one the app
 * gave it (tool results, the merchant's store facts). Anything else is treated as made up and the reply is not
 * sent. Detection is deliberately broad (a false alarm only means the app's own message is sent instead).
 * Pure.
 */
import { normalizeDigits } from "../i18n";

export interface PriceMention {
  /** As written. */
  text: string;
  /** The amount, canonical: ASCII digits, no grouping, no trailing fraction zeros ("1,234.50" → "1234.5"). */
  amount: string;
  /** ISO codes the currency written could mean (empty: no currency written); ["%"] for a percentage. */
  currencies: string[];
}

const D = "[0-9\u0660-\u0669\u06F0-\u06F9]";
const NUMBER = `${D}{1,3}(?:[,\u066C\u00A0\u202F]${D}{3})+(?:[.\u066B]${D}+)?|${D}+(?:[.\u066B]${D}+)?`;
/** Spaces, no-break spaces and direction marks that `Intl` puts between amount and currency. */
const GAP = "[\\s\u00A0\u202F\u200E\u200F\u061C]{0,3}";

const ISO = [
  "USD", "EUR", "GBP", "SAR", "AED", "KWD", "QAR", "BHD", "OMR", "EGP", "JOD", "MAD", "TND", "DZD", "LBP", "IQD",
  "SYP", "YER", "LYD", "TRY", "INR", "PKR", "CAD", "AUD", "NZD", "CHF", "JPY", "CNY", "SGD", "HKD", "MYR", "IDR",
  "ZAR", "NGN", "KES", "SEK", "NOK", "DKK", "PLN", "RUB", "BRL", "MXN", "IRR",
]; // prettier-ignore

/** Currency words and symbols → the ISO codes they may stand for. Longest first when matching. */
const CURRENCY_WORDS: [string, string[]][] = [
  ["US$", ["USD"]],
  ["$", ["USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN"]],
  ["€", ["EUR"]],
  ["£", ["GBP", "EGP"]],
  ["¥", ["JPY", "CNY"]],
  ["₹", ["INR"]],
  ["₺", ["TRY"]],
  ["﷼", ["SAR", "QAR", "OMR", "YER", "IRR"]],
  ["SR", ["SAR"]],
  ["dhs", ["AED", "MAD"]],
  ["dh", ["AED", "MAD"]],
  ["dollars", ["USD", "CAD", "AUD"]],
  ["dollar", ["USD", "CAD", "AUD"]],
  ["bucks", ["USD"]],
  ["euros", ["EUR"]],
  ["euro", ["EUR"]],
  ["pounds", ["GBP", "EGP"]],
  ["pound", ["GBP", "EGP"]],
  ["riyals", ["SAR", "QAR", "OMR", "YER"]],
  ["riyal", ["SAR", "QAR", "OMR", "YER"]],
  ["rials", ["SAR", "QAR", "OMR", "YER", "IRR"]],
  ["rial", ["SAR", "QAR", "OMR", "YER", "IRR"]],
  ["dirhams", ["AED", "MAD"]],
  ["dirham", ["AED", "MAD"]],
  ["dinars", ["KWD", "BHD", "JOD", "IQD", "TND", "DZD", "LYD"]],
  ["dinar", ["KWD", "BHD", "JOD", "IQD", "TND", "DZD", "LYD"]],
  ["lira", ["TRY", "LBP", "SYP"]],
  ["ر.س.", ["SAR"]],
  ["ر.س", ["SAR"]],
  ["ر.ق.", ["QAR"]],
  ["ر.ق", ["QAR"]],
  ["ر.ع.", ["OMR"]],
  ["ر.ع", ["OMR"]],
  ["د.إ.", ["AED"]],
  ["د.إ", ["AED"]],
  ["د.ك.", ["KWD"]],
  ["د.ك", ["KWD"]],
  ["د.ب.", ["BHD"]],
  ["د.ب", ["BHD"]],
  ["ج.م.", ["EGP"]],
  ["ج.م", ["EGP"]],
  ["ريالات", ["SAR", "QAR", "OMR", "YER"]],
  ["ريال", ["SAR", "QAR", "OMR", "YER"]],
  ["درهم", ["AED", "MAD"]],
  ["دراهم", ["AED", "MAD"]],
  ["دينار", ["KWD", "BHD", "JOD", "IQD", "TND", "DZD", "LYD"]],
  ["دنانير", ["KWD", "BHD", "JOD", "IQD", "TND", "DZD", "LYD"]],
  ["جنيه", ["EGP", "GBP"]],
  ["دولار", ["USD", "CAD", "AUD"]],
  ["يورو", ["EUR"]],
  ["ليرة", ["TRY", "LBP", "SYP"]],
  ...ISO.map((code): [string, string[]] => [code, [code]]),
];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Latin currency words in the cases people write them ("dollars", "Dollars", "DOLLARS"); ISO codes upper case only. */
function variants(word: string): string[] {
  if (!/^[a-z]+$/.test(word)) return [word];
  return [word, word[0].toUpperCase() + word.slice(1), word.toUpperCase()];
}
const CURRENCY = CURRENCY_WORDS.flatMap(([w]) => variants(w))
  .sort((a, b) => b.length - a.length)
  .map(escape)
  .join("|");
/** A currency must not be glued to more letters ("SARA", "dollarstore"). */
const NOT_LETTER_AFTER = "(?![\\p{L}])";
const NOT_LETTER_BEFORE = "(?<![\\p{L}])";

const PRICE_WORDS = [
  "price", "prices", "priced", "cost", "costs", "Price", "Prices", "Priced", "Cost", "Costs",
  "سعر", "السعر", "بسعر", "سعره", "سعرها", "يكلف", "تكلف", "تكلفة", "بـ",
]; // prettier-ignore
const CONNECTORS = "(?:\\s+(?:is|are|of|at|was|now|just|only))?";
const DISCOUNT_WORDS = ["off", "OFF", "discount", "sale", "خصم", "تخفيض", "تخفيضات"];
const either = (words: string[]) => words.map(escape).join("|");

const PATTERNS: { re: RegExp; kind: "after" | "before" | "decimal" | "word" | "percent" }[] = [
  // 349 SAR, ٣٤٩٫٠٠ ر.س.
  { re: new RegExp(`(${NUMBER})${GAP}(${CURRENCY})${NOT_LETTER_AFTER}`, "gu"), kind: "after" },
  // SAR 349, $349
  { re: new RegExp(`${NOT_LETTER_BEFORE}(${CURRENCY})${GAP}(${NUMBER})`, "gu"), kind: "before" },
  // 20% off, خصم ٢٠٪
  {
    re: new RegExp(
      `(${NUMBER})${GAP}[%\u066A]${GAP}(?:${either(DISCOUNT_WORDS)})|(?:${either(DISCOUNT_WORDS)})${GAP}(${NUMBER})${GAP}[%\u066A]`,
      "gu",
    ),
    kind: "percent",
  },
  // costs 349, the price is 349, بسعر 349
  {
    re: new RegExp(
      `${NOT_LETTER_BEFORE}(?:${either(PRICE_WORDS)})${CONNECTORS}${GAP}:?${GAP}(${NUMBER})(?![%\u066A\\d])`,
      "gu",
    ),
    kind: "word",
  },
  // 349.00 (two decimals: money-shaped even without a currency)
  { re: new RegExp(`(?<![\\d.])(${D}+[.\u066B]${D}{2})(?![\\d.])`, "gu"), kind: "decimal" },
];

/** "١٬٢٣٤٫٥٠" → "1234.5"; "0349.00" → "349". */
export function canonicalAmount(raw: string): string {
  let s = normalizeDigits(raw).replace(/[\u066B]/g, ".");
  s = s.replace(/[,\u066C\u00A0\u202F\s]/g, "");
  const [whole, frac = ""] = s.split(".");
  const w = whole.replace(/^0+(?=\d)/, "");
  const f = frac.replace(/0+$/, "");
  return f ? `${w}.${f}` : w;
}

function currenciesOf(written: string): string[] {
  const lower = written.toLowerCase();
  const entry = CURRENCY_WORDS.find(([w]) => w.toLowerCase() === lower || w === written);
  return entry ? entry[1] : [];
}

/** Every price-like amount in a text (see the patterns above), without duplicates of the same span. */
export function findPriceMentions(text: string): PriceMention[] {
  const found: (PriceMention & { start: number; end: number })[] = [];
  const add = (m: RegExpExecArray, amountRaw: string | undefined, currencies: string[]) => {
    if (!amountRaw) return;
    const start = m.index;
    const end = m.index + m[0].length;
    if (found.some((f) => start < f.end && end > f.start)) return;
    found.push({ text: m[0].trim(), amount: canonicalAmount(amountRaw), currencies, start, end });
  };
  for (const { re, kind } of PATTERNS) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (kind === "after") add(m, m[1], currenciesOf(m[2]));
      else if (kind === "before") add(m, m[2], currenciesOf(m[1]));
      else if (kind === "percent") add(m, m[1] ?? m[2], ["%"]);
      else add(m, m[1], []);
      if (m[0].length === 0) re.lastIndex++;
    }
  }
  return found
    .sort((a, b) => a.start - b.start)
    .map(({ text, amount, currencies }) => ({ text, amount, currencies }));
}

export interface GroundingFacts {
  amounts: Set<string>;
  percents: Set<string>;
  currencies: Set<string>;
}

/** The amounts and currencies the app's own texts (tool results, store facts) contain. */
export function groundingFacts(sources: readonly string[]): GroundingFacts {
  const facts: GroundingFacts = { amounts: new Set(), percents: new Set(), currencies: new Set() };
  for (const source of sources) {
    for (const m of findPriceMentions(source)) {
      if (m.currencies[0] === "%") facts.percents.add(m.amount);
      else {
        facts.amounts.add(m.amount);
        for (const c of m.currencies) facts.currencies.add(c);
      }
    }
    for (const code of source.match(/\b[A-Z]{3}\b/g) ?? [])
      if (ISO.includes(code)) facts.currencies.add(code);
  }
  return facts;
}

/** The price mentions of `reply` that the sources do not back (amount unknown, or a currency they never use). */
export function ungroundedPrices(reply: string, sources: readonly string[]): PriceMention[] {
  const facts = groundingFacts(sources);
  return findPriceMentions(reply).filter((m) => {
    if (m.currencies[0] === "%") return !facts.percents.has(m.amount);
    if (!facts.amounts.has(m.amount)) return true;
    if (m.currencies.length > 0 && facts.currencies.size > 0)
      return !m.currencies.some((c) => facts.currencies.has(c));
    return false;
  });
}
