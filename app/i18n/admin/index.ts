/**
 * The merchant admin's strings, in English and Arabic, following the Shopify admin's locale. Pure (no I/O):
 * used by routes (the locale of a request), services (no strings: they return message keys) and components.
 */
import { ar } from "./ar";
import { en, type AdminMessageKey } from "./en";

export type { AdminMessageKey } from "./en";
export type AdminLocale = "en" | "ar";
export const ADMIN_LOCALES: readonly AdminLocale[] = ["en", "ar"];

export const catalogs: Record<AdminLocale, Record<AdminMessageKey, string>> = { en, ar };

/** "ar", "ar-SA", "AR_eg" → "ar"; any other language → "en"; nothing → null. */
export function normaliseLocale(value: string | null | undefined): AdminLocale | null {
  const tag = value?.trim().toLowerCase();
  if (!tag) return null;
  return /^ar(?:$|[-_])/.test(tag) ? "ar" : "en";
}

/** The language the merchant prefers most in an Accept-Language header (q-values respected). */
export function localeFromAcceptLanguage(header: string | null | undefined): AdminLocale | null {
  if (!header) return null;
  const ranked = header
    .split(",")
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return { tag: tag.trim(), q: q ? Number(q.slice(2)) : 1, index };
    })
    .filter((l) => l.tag && l.tag !== "*" && Number.isFinite(l.q) && l.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return normaliseLocale(ranked[0]?.tag);
}

/**
 * The admin's locale for a request: Shopify's `?locale=` (on the admin's document requests), then the
 * browser's Accept-Language, then English. The page switches to App Bridge's `shopify.config.locale` once
 * it runs in the admin (components/i18n.tsx), which covers client-side navigations without `?locale=`.
 */
export function localeFromRequest(request: Request): AdminLocale {
  const url = new URL(request.url);
  return (
    normaliseLocale(url.searchParams.get("locale")) ??
    localeFromAcceptLanguage(request.headers.get("accept-language")) ??
    "en"
  );
}

export function direction(locale: AdminLocale): "rtl" | "ltr" {
  return locale === "ar" ? "rtl" : "ltr";
}

export type TranslateValues = Record<string, string | number>;

/** `{name}` placeholders are replaced; a missing value leaves the placeholder visible rather than throwing. */
export function translate(locale: AdminLocale, key: AdminMessageKey, values?: TranslateValues): string {
  const text = catalogs[locale][key] ?? catalogs.en[key] ?? key;
  if (!values) return text;
  return text.replace(/\{(\w+)\}/g, (match, name: string) =>
    values[name] === undefined ? match : String(values[name]),
  );
}

/** Whether a string is a key of the catalogs (server answers carry keys; the page words them). */
export function isMessageKey(value: unknown): value is AdminMessageKey {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(en, value);
}
