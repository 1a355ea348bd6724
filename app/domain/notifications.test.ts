import { describe, expect, it } from "vitest";
import { NOTIFICATION_STRINGS, orderConfirmationMessage, slowDownMessage } from "./notifications";

describe("order confirmation", () => {
  it("has every string in both languages", () => {
    expect(Object.keys(NOTIFICATION_STRINGS.ar).sort()).toEqual(Object.keys(NOTIFICATION_STRINGS.en).sort());
    for (const lang of ["en", "ar"] as const)
      for (const value of Object.values(NOTIFICATION_STRINGS[lang])) expect(value.trim()).not.toBe("");
  });

  it("names the order and its total, with a link to the order status page", () => {
    const message = orderConfirmationMessage("en", {
      name: "#1001",
      total: { amount: "359.97", currencyCode: "USD" },
      statusUrl: "https://shop.example/orders/abc",
      customerFirstName: "Sara",
    });
    expect(message).toMatchObject({
      kind: "cta_url",
      url: "https://shop.example/orders/abc",
      displayText: "View order",
    });
    expect(message.kind === "cta_url" && message.body).toMatch(/Sara.*#1001.*\$359\.97/);
  });

  it("speaks Arabic and falls back to text without a status URL", () => {
    const message = orderConfirmationMessage("ar", {
      name: "#1002",
      total: { amount: "120.00", currencyCode: "SAR" },
    });
    expect(message.kind).toBe("text");
    expect(message.kind === "text" && message.body).toContain("#1002");
    expect(message.kind === "text" && message.body).toMatch(/تم تأكيد طلبك/);
  });
});

describe("slow-down notice (inbound throttle)", () => {
  it("is a short text in the shopper's language", () => {
    expect(slowDownMessage("en")).toEqual({ kind: "text", body: NOTIFICATION_STRINGS.en.slowDown });
    const ar = slowDownMessage("ar");
    expect(ar.kind === "text" && ar.body).toMatch(/[\u0600-\u06FF]/);
    for (const lang of ["en", "ar"] as const)
      expect(NOTIFICATION_STRINGS[lang].slowDown.length).toBeLessThan(1024);
  });
});
