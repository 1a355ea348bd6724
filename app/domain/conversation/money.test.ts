import { describe, expect, it } from "vitest";
import type { CartLine } from "../types";
import {
  cartTotals,
  formatCartTotal,
  formatMinor,
  formatMoney,
  fractionDigits,
  minorToDecimal,
  sameMoney,
  toMinorUnits,
} from "./money";

/** Intl puts a no-break space between code and amount; compare with plain spaces. */
const sp = (s: string) => s.replace(/\u00a0/g, " ");

const line = (amount: string, quantity: number, currencyCode = "SAR"): CartLine => ({
  variantId: `v${amount}${quantity}`,
  productId: "p",
  productTitle: "P",
  variantTitle: "V",
  quantity,
  unitPrice: { amount, currencyCode },
});

describe("minor units", () => {
  it("knows each currency's digits", () => {
    expect(fractionDigits("SAR")).toBe(2);
    expect(fractionDigits("KWD")).toBe(3);
    expect(fractionDigits("JPY")).toBe(0);
    expect(fractionDigits("XXX-not-a-code")).toBe(2);
  });

  it("parses decimal strings exactly", () => {
    expect(toMinorUnits("19.99", "SAR")).toBe(1999);
    expect(toMinorUnits("10", "SAR")).toBe(1000);
    expect(toMinorUnits("0.1", "SAR")).toBe(10);
    expect(toMinorUnits("1.005", "SAR")).toBe(101);
    expect(toMinorUnits("1.004", "SAR")).toBe(100);
    expect(toMinorUnits("12.345", "KWD")).toBe(12345);
    expect(toMinorUnits("1500", "JPY")).toBe(1500);
    expect(toMinorUnits("1500.6", "JPY")).toBe(1501);
    expect(toMinorUnits("abc", "SAR")).toBeNull();
    expect(toMinorUnits("1e3", "SAR")).toBeNull();
  });

  it("prints minor units back as exact decimals", () => {
    expect(minorToDecimal(1999, "SAR")).toBe("19.99");
    expect(minorToDecimal(5, "SAR")).toBe("0.05");
    expect(minorToDecimal(-5, "SAR")).toBe("-0.05");
    expect(minorToDecimal(12345, "KWD")).toBe("12.345");
    expect(minorToDecimal(1500, "JPY")).toBe("1500");
  });
});

describe("totals", () => {
  it("sums in integer minor units (0.1 + 0.2 is 0.30, 3 × 19.99 is 59.97)", () => {
    expect(cartTotals([line("0.1", 1), line("0.2", 1)])).toEqual([{ currencyCode: "SAR", minor: 30 }]);
    expect(cartTotals([line("19.99", 3)])).toEqual([{ currencyCode: "SAR", minor: 5997 }]);
    expect(sp(formatCartTotal([line("19.99", 3), line("0.01", 1)], "en", "SAR"))).toBe("SAR 59.98");
  });

  it("keeps currencies apart", () => {
    expect(sp(formatCartTotal([line("10", 1), line("5", 1, "USD")], "en", "SAR"))).toBe("SAR 10.00 + $5.00");
  });

  it("an empty cart totals zero in the shop currency", () => {
    expect(sp(formatCartTotal([], "en", "AED"))).toBe("AED 0.00");
  });
});

describe("formatting", () => {
  it("formats per language", () => {
    expect(sp(formatMoney({ amount: "1234.5", currencyCode: "SAR" }, "en"))).toBe("SAR 1,234.50");
    const arabic = formatMoney({ amount: "1234.5", currencyCode: "SAR" }, "ar");
    expect(arabic).toContain("ر.س");
    expect(arabic.replace(/[^\d٠-٩]/g, "")).toMatch(/^(123450|١٢٣٤٥٠)$/);
    expect(sp(formatMinor(12345, "KWD", "en"))).toBe("KWD 12.345");
  });

  it("falls back to the shop currency and never throws on bad data", () => {
    expect(sp(formatMoney({ amount: "5", currencyCode: "" }, "en", "USD"))).toBe("$5.00");
    expect(sp(formatMoney({ amount: "5", currencyCode: "ZZZZ" }, "en"))).toBe("5.00 ZZZZ");
    expect(sp(formatMoney({ amount: "n/a", currencyCode: "SAR" }, "en"))).toBe("n/a SAR");
  });

  it("compares money by value", () => {
    expect(sameMoney({ amount: "10", currencyCode: "SAR" }, { amount: "10.00", currencyCode: "SAR" })).toBe(
      true,
    );
    expect(sameMoney({ amount: "10", currencyCode: "SAR" }, { amount: "10", currencyCode: "USD" })).toBe(
      false,
    );
  });
});
