import { describe, expect, it } from "vitest";
import { FEEDBACK_STRINGS, t, type FeedbackStringKey } from "./catalog";
import { LIMITS } from "./messages";

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const len = (s: string) => [...s].length;

describe("feedback catalog", () => {
  const keys = Object.keys(FEEDBACK_STRINGS.en) as FeedbackStringKey[];

  it("ar has exactly the keys of en, none empty", () => {
    expect(Object.keys(FEEDBACK_STRINGS.ar).sort()).toEqual([...keys].sort());
    for (const lang of ["en", "ar"] as const) {
      for (const k of keys) expect(FEEDBACK_STRINGS[lang][k].trim(), `${lang}.${k}`).not.toBe("");
    }
  });

  it("both languages use the same placeholders", () => {
    for (const k of keys)
      expect(placeholders(FEEDBACK_STRINGS.ar[k]), k).toEqual(placeholders(FEEDBACK_STRINGS.en[k]));
  });

  it("Arabic strings are in Arabic", () => {
    for (const k of keys) {
      if (k === "list_button" || k.startsWith("row_") || k.startsWith("btn_")) continue;
      expect(FEEDBACK_STRINGS.ar[k], k).toMatch(/[\u0600-\u06FF]/);
    }
  });

  it("respects WhatsApp limits", () => {
    for (const lang of ["en", "ar"] as const) {
      const s = FEEDBACK_STRINGS[lang];
      for (const k of [
        "btn_great",
        "btn_ok",
        "btn_bad",
        "btn_skip",
        "list_button",
        "review_button",
      ] as const) {
        expect(len(s[k]), `${lang}.${k}`).toBeLessThanOrEqual(LIMITS.buttonTitle);
      }
      for (const k of ["row_1", "row_2", "row_3", "row_4", "row_5", "list_section"] as const) {
        expect(len(s[k]), `${lang}.${k}`).toBeLessThanOrEqual(LIMITS.rowTitle);
      }
      expect(len(s.request_footer)).toBeLessThanOrEqual(LIMITS.footer);
      for (const k of keys) expect(len(s[k])).toBeLessThanOrEqual(LIMITS.body);
    }
  });

  it("t fills placeholders and leaves unknown ones", () => {
    expect(t("en", "thanks_neutral", { shop: "Dar Oud" })).toBe(
      "Thank you for your feedback! It helps Dar Oud get better.",
    );
    expect(t("ar", "thanks_neutral", { shop: "دار العود" })).toContain("دار العود");
    expect(t("en", "thanks_neutral")).toContain("{shop}");
  });
});
