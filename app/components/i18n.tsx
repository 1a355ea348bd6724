import { useMatches } from "@remix-run/react";
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import {
  direction,
  isMessageKey,
  normaliseLocale,
  translate,
  type AdminLocale,
  type AdminMessageKey,
  type TranslateValues,
} from "~/i18n/admin";

/**
 * The admin's language on the page. The server picks it per request (`localeFromRequest`: Shopify's
 * `?locale=`, then Accept-Language) and loaders return it as `locale`; once the page runs inside the admin,
 * App Bridge's `shopify.config.locale` (the admin user's language) wins, so client-side navigations keep
 * the admin's language even without `?locale=`.
 */

interface I18nValue {
  locale: AdminLocale;
  dir: "rtl" | "ltr";
  t: (key: AdminMessageKey, values?: TranslateValues) => string;
  /** Words a key sent by the server; anything else (Meta's own error text) is shown as it is. */
  tx: (value: string | null | undefined, values?: TranslateValues) => string;
  formatDate: (iso: string | Date, options?: Intl.DateTimeFormatOptions) => string;
  formatNumber: (value: number) => string;
}

const I18nContext = createContext<AdminLocale | null>(null);

function appBridgeLocale(): AdminLocale | null {
  if (typeof window === "undefined") return null;
  const shopify = (window as unknown as { shopify?: { config?: { locale?: string } } }).shopify;
  try {
    return normaliseLocale(shopify?.config?.locale);
  } catch {
    return null;
  }
}

/** The locale the server chose for this page: the deepest route whose loader data says. */
function useServerLocale(): AdminLocale {
  const matches = useMatches();
  for (let i = matches.length - 1; i >= 0; i--) {
    const data = matches[i].data as { locale?: unknown } | undefined;
    const locale = normaliseLocale(typeof data?.locale === "string" ? data.locale : null);
    if (locale) return locale;
  }
  return "en";
}

function useResolvedLocale(serverLocale: AdminLocale): AdminLocale {
  const [locale, setLocale] = useState<AdminLocale>(serverLocale);
  useEffect(() => {
    setLocale(appBridgeLocale() ?? serverLocale);
  }, [serverLocale]);
  return locale;
}

/** For app.tsx: the admin's language for every page below it. */
export function AdminI18nProvider({ locale, children }: { locale?: AdminLocale; children: ReactNode }) {
  const serverLocale = useServerLocale();
  const resolved = useResolvedLocale(locale ?? serverLocale);
  return <I18nContext.Provider value={resolved}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18nValue {
  const provided = useContext(I18nContext);
  const serverLocale = useServerLocale();
  const fallback = useResolvedLocale(serverLocale);
  const locale = provided ?? fallback;
  return useMemo(() => {
    const tag = locale === "ar" ? "ar" : "en";
    const numbers = new Intl.NumberFormat(tag);
    return {
      locale,
      dir: direction(locale),
      t: (key, values) => translate(locale, key, values),
      tx: (value, values) => (isMessageKey(value) ? translate(locale, value, values) : (value ?? "")),
      formatDate: (iso, options = { dateStyle: "medium", timeStyle: "short" }) => {
        const date = typeof iso === "string" ? new Date(iso) : iso;
        return Number.isNaN(date.getTime()) ? "" : new Intl.DateTimeFormat(tag, options).format(date);
      },
      formatNumber: (value) => numbers.format(value),
    };
  }, [locale]);
}

/** Sets the writing direction of a page's content (Arabic is right-to-left). */
export function Directional({ children }: { children: ReactNode }) {
  const { dir, locale } = useI18n();
  return (
    <div dir={dir} lang={locale}>
      {children}
    </div>
  );
}
