/**
 * Strings and language helpers for the shopper-facing bot. Pure: no I/O, no globals besides the catalogs.
 */
import type { Language } from "../types";
import { ar } from "./ar";
import { en, type MessageKey } from "./en";

export type { MessageKey } from "./en";

export const LANGUAGES: readonly Language[] = ["en", "ar"];

export const catalogs: Record<Language, Record<MessageKey, string>> = { en, ar };

/** The `{name}` placeholders of a catalog string, as a union of names. */
type PlaceholdersOf<S extends string> = S extends `${string}{${infer P}}${infer Rest}`
  ? P | PlaceholdersOf<Rest>
  : never;

export type MessageParams<K extends MessageKey> = Record<PlaceholdersOf<(typeof en)[K]>, string | number>;

/** Keys whose strings take no parameters. */
export type PlainKey = {
  [K in MessageKey]: [PlaceholdersOf<(typeof en)[K]>] extends [never] ? K : never;
}[MessageKey];

/** `t(lang, key)` for keys without placeholders, `t(lang, key, { … })` (every placeholder required) otherwise. */
type ParamArgs<K extends MessageKey> = [PlaceholdersOf<(typeof en)[K]>] extends [never]
  ? []
  : [params: MessageParams<K>];

export function t<K extends MessageKey>(lang: Language, key: K, ...args: ParamArgs<K>): string {
  const template = catalogs[lang]?.[key] ?? en[key] ?? key;
  const params = (args[0] ?? {}) as Record<string, string | number>;
  return template.replace(/\{(\w+)\}/g, (_, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : "",
  );
}

/** The `{placeholder}` names used by a string (for tests and tooling). */
export function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
}

const ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩";
const PERSIAN = "۰۱۲۳۴۵۶۷۸۹";

/** Converts Arabic-Indic (٠-٩) and Persian/Urdu (۰-۹) digits to ASCII digits; leaves everything else alone. */
export function normalizeDigits(text: string): string {
  return text.replace(/[٠-٩۰-۹]/g, (d) => {
    const i = ARABIC_INDIC.indexOf(d);
    return String(i >= 0 ? i : PERSIAN.indexOf(d));
  });
}

/**
 * The language a text is written in, judged by its letters: mostly Arabic-script letters → "ar", Latin letters →
 * "en", no letters of either (digits, emoji, punctuation, other scripts) → null.
 */
export function detectLanguage(text: string): Language | null {
  let arabic = 0;
  let latin = 0;
  for (const ch of text) {
    if (/\p{Script=Arabic}/u.test(ch) && /\p{L}/u.test(ch)) arabic++;
    else if (/\p{Script=Latin}/u.test(ch) && /\p{L}/u.test(ch)) latin++;
  }
  if (arabic === 0 && latin === 0) return null;
  return arabic >= latin ? "ar" : "en";
}

/**
 * Folds text for keyword comparison: ASCII digits, lower case, no Arabic diacritics or tatweel, unified alef /
 * yeh / teh marbuta forms, punctuation turned into spaces, whitespace collapsed.
 */
export function foldForMatch(text: string): string {
  return normalizeDigits(text)
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\u064B-\u065F\u0670\u0640]/g, "")
    .replace(/[أإآٱ]/g, "ا")
    .replace(/ى/g, "ي")
    .replace(/ة/g, "ه")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** The BCP 47 locale used with `Intl` for a language. */
export function localeOf(lang: Language): string {
  return lang === "ar" ? "ar" : "en";
}
