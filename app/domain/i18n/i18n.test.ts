import { describe, expect, it } from "vitest";
import { ar } from "./ar";
import { en } from "./en";
import type { MessageKey } from "./en";
import { catalogs, detectLanguage, foldForMatch, LANGUAGES, normalizeDigits, placeholders, t } from "./index";

describe("catalogs", () => {
  const reference = Object.keys(en).sort();

  it.each(LANGUAGES)("%s has exactly the reference keys, none empty", (lang) => {
    const catalog = catalogs[lang] as Record<string, string>;
    expect(Object.keys(catalog).sort()).toEqual(reference);
    const empty = Object.entries(catalog).filter(([, v]) => typeof v !== "string" || v.trim() === "");
    expect(empty).toEqual([]);
  });

  it.each(LANGUAGES)("%s uses the same placeholders as English for every key", (lang) => {
    const catalog = catalogs[lang] as Record<string, string>;
    const mismatched = reference.filter(
      (key) => placeholders(catalog[key]).join() !== placeholders((en as Record<string, string>)[key]).join(),
    );
    expect(mismatched).toEqual([]);
  });

  it("Arabic strings are written in Arabic (apart from the switch-to-English labels)", () => {
    const latinOnly = Object.entries(ar)
      .filter(([key]) => !key.startsWith("menu.switchLanguage"))
      .filter(
        ([, v]) =>
          detectLanguage(v.replace(/\{\w+\}/g, "")) !== "ar" &&
          !/^[•*{}\s—×·]+$/.test(v.replace(/\{\w+\}/g, "")),
      );
    expect(latinOnly.map(([k]) => k)).toEqual([]);
  });

  it.each(LANGUAGES)(
    "%s button labels fit WhatsApp's 20 characters and row titles leave room for a number",
    (lang) => {
      const catalog = catalogs[lang] as Record<string, string>;
      const buttons = Object.keys(catalog).filter(
        (k) => k.startsWith("btn.") || k === "menu.button" || k === "cart.button",
      );
      for (const key of buttons) expect(catalog[key].length, `${lang} ${key}`).toBeLessThanOrEqual(20);
      const rowTitles = [
        "menu.browse",
        "menu.search",
        "menu.cart",
        "menu.orders",
        "menu.human",
        "menu.switchLanguage",
        "col.more",
        "prod.more",
        "var.more",
        "search.rowNew",
        "cart.rowCheckout",
        "cart.rowMore",
        "cart.rowClear",
        "cart.rowShop",
      ];
      for (const key of rowTitles) expect(catalog[key].length + 4, `${lang} ${key}`).toBeLessThanOrEqual(24);
      const footers = Object.keys(catalog).filter((k) => k.startsWith("footer."));
      for (const key of footers) expect(catalog[key].length, `${lang} ${key}`).toBeLessThanOrEqual(60);
    },
  );
});

describe("catalog typing", () => {
  it("a catalog without one of the keys is a TypeScript error (checked by tsc)", () => {
    const { ["btn.menu"]: dropped, ...withoutMenu } = en;
    // @ts-expect-error -- "btn.menu" is missing, so this is not a complete catalog
    const incomplete: Record<MessageKey, string> = withoutMenu;
    expect(dropped).toBe("Menu");
    expect(Object.keys(incomplete)).not.toContain("btn.menu");
  });
});

describe("t", () => {
  it("fills placeholders", () => {
    expect(t("en", "menu.welcome", { shop: "Acme" })).toBe("Welcome to Acme! 👋 How can we help you today?");
    expect(t("ar", "cart.total", { total: "10 ر.س." })).toBe("الإجمالي: 10 ر.س.");
    expect(t("en", "hint.pickNumber", { max: 4 })).toBe("Please pick a number from 1 to 4.");
  });

  it("returns strings without placeholders as they are", () => {
    expect(t("ar", "btn.menu")).toBe("القائمة");
    expect(t("en", "btn.menu")).toBe("Menu");
  });

  it("never leaves a raw placeholder when a parameter is missing at runtime", () => {
    const loose = t as unknown as (l: string, k: string, p?: object) => string;
    expect(loose("en", "cart.total", {})).toBe("Total: ");
  });
});

describe("detectLanguage", () => {
  it.each([
    ["مرحبا", "ar"],
    ["السلام عليكم", "ar"],
    ["hi", "en"],
    ["Hello there", "en"],
    ["أريد قميص size M", "ar"],
    ["I want قميص", "en"],
    ["123", null],
    ["١٢٣", null],
    ["👍", null],
    ["", null],
    ["你好", null],
  ] as const)("%j → %s", (text, lang) => {
    expect(detectLanguage(text)).toBe(lang);
  });
});

describe("normalizeDigits", () => {
  it("converts Arabic-Indic and Persian digits", () => {
    expect(normalizeDigits("٠١٢٣٤٥٦٧٨٩")).toBe("0123456789");
    expect(normalizeDigits("۰۱۲۳۴۵۶۷۸۹")).toBe("0123456789");
    expect(normalizeDigits("qty ٣ and ۴")).toBe("qty 3 and 4");
    expect(normalizeDigits("abc")).toBe("abc");
  });
});

describe("foldForMatch", () => {
  it("folds case, punctuation, diacritics and Arabic letter variants", () => {
    expect(foldForMatch("  CART!! ")).toBe("cart");
    expect(foldForMatch("السلّة")).toBe(foldForMatch("السلة"));
    expect(foldForMatch("أهلاً")).toBe(foldForMatch("اهلا"));
    expect(foldForMatch("إنسان")).toBe("انسان");
    expect(foldForMatch("عربى")).toBe(foldForMatch("عربي"));
    expect(foldForMatch("٣")).toBe("3");
  });
});
