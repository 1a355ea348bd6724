/**
 * Building Shopify search-syntax strings (`products(query:)`, `productVariants(query:)`, `orders(query:)`)
 * from untrusted input. Shopper text never reaches Shopify as syntax: it is cut into plain word terms
 * (letters and digits of any script), and exact values are quoted with `\` and `"` escaped.
 * See https://shopify.dev/docs/api/usage/search-syntax.
 */

/** Quotes a value for an exact `field:"value"` term. */
export function quoteSearchValue(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

// Words that carry no product meaning in chat messages ("do you have black abayas?").
const STOPWORDS = new Set([
  "a",
  "an",
  "and",
  "any",
  "are",
  "can",
  "do",
  "does",
  "for",
  "have",
  "i",
  "im",
  "in",
  "is",
  "it",
  "looking",
  "me",
  "my",
  "need",
  "of",
  "on",
  "or",
  "please",
  "pls",
  "search",
  "see",
  "show",
  "some",
  "something",
  "the",
  "there",
  "to",
  "want",
  "what",
  "with",
  "you",
  "your",
  "not",
  "في",
  "من",
  "على",
  "عن",
  "عندكم",
  "عندك",
  "ابغى",
  "أبغى",
  "ابي",
  "أبي",
  "ابغي",
  "اريد",
  "أريد",
  "لو",
  "سمحت",
  "ممكن",
  "هل",
  "فيه",
  "يوجد",
  "و",
  "او",
  "أو",
  "شي",
  "شيء",
  "عطني",
  "ودي",
]);

/** Arabic tatweel (ـ) and diacritics (harakat, superscript alef) do not change the word. */
function isArabicMarkOrTatweel(ch: string): boolean {
  const c = ch.codePointAt(0) ?? 0;
  return c === 0x0640 || c === 0x0670 || (c >= 0x064b && c <= 0x065f);
}

export interface SearchTermOptions {
  /** Default 5: Shopify search slows down with long queries and shoppers rarely need more. */
  maxTerms?: number;
  /** Default 40 characters per term. */
  maxTermLength?: number;
}

/**
 * Plain lower-case word terms from shopper text: everything but letters, marks and digits separates words,
 * so no Shopify syntax (`:`, `"`, `(`, `*`, `-`, `AND`/`OR` after lower-casing) survives. Stop words are
 * dropped unless nothing else is left. A trailing plural "s" is removed (`abayas` → `abaya`, matched as a
 * prefix later; not from `dress`, `status`, `iris`).
 */
export function searchTerms(input: string, options: SearchTermOptions = {}): string[] {
  const maxTerms = options.maxTerms ?? 5;
  const maxTermLength = options.maxTermLength ?? 40;
  const words = input
    .normalize("NFKC")
    .toLowerCase()
    .replace(/./gsu, (ch) => (isArabicMarkOrTatweel(ch) ? "" : ch))
    .split(/[^\p{L}\p{M}\p{N}]+/u)
    .map((w) => w.slice(0, maxTermLength))
    .filter((w) => w.length > 1 || /\d/.test(w));
  const meaningful = words.filter((w) => !STOPWORDS.has(w));
  const chosen = meaningful.length > 0 ? meaningful : words;
  const unique: string[] = [];
  for (const word of chosen) {
    const term = /^[a-z]{3,}s$/.test(word) && !/(ss|us|is)$/.test(word) ? word.slice(0, -1) : word;
    if (!unique.includes(term)) unique.push(term);
    if (unique.length >= maxTerms) break;
  }
  return unique;
}

/**
 * `status:active AND (title:abaya* OR tag:abaya) AND (title:black* OR tag:black)`, or null when the text
 * holds no searchable word (then do not call Shopify at all).
 */
export function buildProductSearchQuery(input: string, options?: SearchTermOptions): string | null {
  const terms = searchTerms(input, options);
  if (terms.length === 0) return null;
  return ["status:active", ...terms.map((t) => `(title:${t}* OR tag:${t})`)].join(" AND ");
}

/** `sku:"A-1" OR sku:"B-2"` for exact SKU lookups (SKUs may contain any character). */
export function buildSkuQuery(skus: readonly string[]): string {
  return skus.map((sku) => `sku:${quoteSearchValue(sku.trim())}`).join(" OR ");
}
