import { describe, expect, it } from "vitest";
import { formatMoney } from "../conversation/money";
import { canonicalAmount, findPriceMentions, groundingFacts, ungroundedPrices } from "./grounding";

const sar = (amount: string, lang: "en" | "ar" = "en") => formatMoney({ amount, currencyCode: "SAR" }, lang);
const amounts = (text: string) => findPriceMentions(text).map((m) => m.amount);

describe("finding prices in text", () => {
  it.each([
    ["It costs 349 SAR", ["349"]],
    ["only $20!", ["20"]],
    ["SAR 1,349.50 in total", ["1349.5"]],
    ["The price is 99", ["99"]],
    ["priced at 45", ["45"]],
    ["20% off today", ["20"]],
    ["خصم ٢٠٪", ["20"]],
    ["بسعر ٣٤٩ ريال", ["349"]],
    ["٣٤٩٫٥٠ ر.س.", ["349.5"]],
    ["349ريال", ["349"]],
    ["12.50 in shipping", ["12.5"]],
    ["€15 or £12 or 30 dirhams", ["15", "12", "30"]],
    ["100 Riyals only", ["100"]],
  ])("%s", (text, expected) => {
    expect(amounts(text)).toEqual(expected);
  });

  it.each([
    "We open at 9am and ship in 2 days",
    "Try 2 sizes",
    "100% cotton",
    "Size 54 is sold out, 56 is in stock",
    "Your order #1001 is on its way",
    "Sara, you have 3 items in your cart",
    "قياس ٥٦ متوفر",
  ])("no price in: %s", (text) => {
    expect(findPriceMentions(text)).toEqual([]);
  });

  it("formats the app uses are prices (English and Arabic, with their spaces and marks)", () => {
    expect(findPriceMentions(sar("349.00"))).toMatchObject([{ amount: "349", currencies: ["SAR"] }]);
    expect(findPriceMentions(sar("1349.00"))).toMatchObject([{ amount: "1349", currencies: ["SAR"] }]);
    expect(findPriceMentions(sar("349.00", "ar"))).toMatchObject([{ amount: "349", currencies: ["SAR"] }]);
    expect(findPriceMentions(formatMoney({ amount: "12.500", currencyCode: "KWD" }, "en"))).toMatchObject([
      { amount: "12.5", currencies: ["KWD"] },
    ]);
  });

  it("canonical amounts", () => {
    expect(canonicalAmount("0349.00")).toBe("349");
    expect(canonicalAmount("١٬٢٣٤٫٥٠")).toBe("1234.5");
    expect(canonicalAmount("0.50")).toBe("0.5");
    expect(canonicalAmount("1 234")).toBe("1234");
  });
});

describe("grounding", () => {
  const tool = JSON.stringify({ products: [{ title: "Classic Black Abaya", price_from: sar("349.00") }] });

  it("a price from the tool results may be repeated, in any of its spellings", () => {
    for (const reply of ["It is SAR 349.00", "Only 349 SAR", "349 riyals", "السعر ٣٤٩ ريال", "349.00"])
      expect(ungroundedPrices(reply, [tool])).toEqual([]);
  });

  it("any other amount, or the right amount in another currency, is not grounded", () => {
    expect(ungroundedPrices("Only SAR 199 today", [tool])).toMatchObject([{ amount: "199" }]);
    expect(ungroundedPrices("It's $349", [tool])).toMatchObject([{ amount: "349" }]);
    expect(ungroundedPrices("20% off everything", [tool])).toMatchObject([
      { amount: "20", currencies: ["%"] },
    ]);
    expect(ungroundedPrices("It costs 349 SAR", [])).toHaveLength(1);
  });

  it("the merchant's store facts ground amounts too", () => {
    const facts = "Free delivery on orders over 300 SAR. 10% off your first order with code HALA10.";
    expect(
      ungroundedPrices("Delivery is free over 300 SAR, and you get 10% off your first order!", [facts]),
    ).toEqual([]);
  });

  it("quantities and other numbers in the sources do not ground prices", () => {
    const cart = JSON.stringify({ lines: [{ quantity: 2, line_total: sar("698.00") }], items: 2 });
    expect(groundingFacts([cart]).amounts).toEqual(new Set(["698"]));
    expect(ungroundedPrices("That's 2 SAR", [cart])).toHaveLength(1);
  });
});
