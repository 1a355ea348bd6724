import { describe, expect, it } from "vitest";
import polarisEn from "@shopify/polaris/locales/en.json";
import {
  catalogs,
  localeFromAcceptLanguage,
  localeFromRequest,
  normaliseLocale,
  translate,
} from "~/i18n/admin";
import { polarisAr } from "~/i18n/admin/polaris";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

function leaves(value: unknown, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof value === "string") out.set(prefix, value);
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value))
      for (const [p, s] of leaves(v, prefix ? `${prefix}.${k}` : k)) out.set(p, s);
  return out;
}

describe("admin strings", () => {
  it("English and Arabic have the same keys, none empty, with the same placeholders", () => {
    const en = Object.keys(catalogs.en).sort();
    const ar = Object.keys(catalogs.ar).sort();
    expect(ar).toEqual(en);
    for (const key of en) {
      const e = catalogs.en[key as keyof typeof catalogs.en];
      const a = catalogs.ar[key as keyof typeof catalogs.ar];
      expect(e.trim(), key).not.toBe("");
      expect(a.trim(), key).not.toBe("");
      expect(placeholders(a), key).toEqual(placeholders(e));
    }
  });

  it("the Arabic catalog is Arabic", () => {
    const arabic = Object.values(catalogs.ar).filter((s) => /[\u0600-\u06FF]/.test(s)).length;
    expect(arabic / Object.keys(catalogs.ar).length).toBeGreaterThan(0.9);
  });

  it("Polaris's Arabic strings exist in its English dictionary with the same placeholders", () => {
    const en = leaves(polarisEn);
    for (const [key, value] of leaves(polarisAr)) {
      expect(en.has(key), key).toBe(true);
      expect(placeholders(value), key).toEqual(placeholders(en.get(key)!));
    }
  });

  it("translate fills values and leaves unknown ones visible", () => {
    expect(translate("en", "settings.checklist.progress", { done: 2, total: 4 })).toBe("2 of 4 done");
    expect(translate("ar", "settings.checklist.progress", { done: 2, total: 4 })).toBe("اكتمل 2 من 4");
    expect(translate("en", "settings.checklist.progress", { done: 2 })).toBe("2 of {total} done");
  });
});

describe("the admin's locale", () => {
  it("follows Shopify's ?locale=, then Accept-Language, then English", () => {
    const request = (query: string, acceptLanguage?: string) =>
      new Request(`https://hala.test/app${query}`, {
        headers: acceptLanguage ? { "Accept-Language": acceptLanguage } : {},
      });
    expect(localeFromRequest(request("?locale=ar"))).toBe("ar");
    expect(localeFromRequest(request("?locale=ar-SA", "en-US"))).toBe("ar");
    expect(localeFromRequest(request("?locale=en-US", "ar"))).toBe("en");
    expect(localeFromRequest(request("?locale=fr"))).toBe("en");
    expect(localeFromRequest(request("", "ar-EG,ar;q=0.9,en;q=0.8"))).toBe("ar");
    expect(localeFromRequest(request("", "en;q=0.5, ar;q=0.9"))).toBe("ar");
    expect(localeFromRequest(request("", "de-DE"))).toBe("en");
    expect(localeFromRequest(request(""))).toBe("en");
    expect(localeFromAcceptLanguage("*")).toBeNull();
    expect(normaliseLocale("arabic")).toBe("en");
    expect(normaliseLocale("AR_eg")).toBe("ar");
  });
});
