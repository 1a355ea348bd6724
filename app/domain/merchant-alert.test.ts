import { describe, expect, it } from "vitest";
import type { MerchantNotification } from "./feedback";
import { MERCHANT_ALERT_STRINGS, merchantAlertEmail } from "./merchant-alert";

const base: MerchantNotification = {
  reason: "unhappy_feedback",
  orderName: "#1042",
  customerFirstName: "Sara",
  rating: 2,
  comment: "Arrived late and the colour is wrong",
  language: "en",
  sentimentLabel: "negative",
};
const options = {
  language: "en" as const,
  storeName: "Oud House",
  conversationUrl: "https://oud.myshopify.com/admin/apps/key/app/inbox/c1",
  customerPhone: "966500000001",
};

describe("merchant alert e-mail", () => {
  it("has every string in both languages", () => {
    expect(Object.keys(MERCHANT_ALERT_STRINGS.ar).sort()).toEqual(
      Object.keys(MERCHANT_ALERT_STRINGS.en).sort(),
    );
    for (const lang of ["en", "ar"] as const)
      for (const value of Object.values(MERCHANT_ALERT_STRINGS[lang])) expect(value.trim()).not.toBe("");
  });

  it("names the order, the customer, the rating, the comment and links to the conversation", () => {
    const mail = merchantAlertEmail(base, options);
    expect(mail.subject).toBe("Unhappy customer on WhatsApp — order #1042 · Oud House");
    expect(mail.text).toContain("Customer: Sara · +966500000001");
    expect(mail.text).toContain("Rating: ★★☆☆☆ (2/5)");
    expect(mail.text).toContain("Sentiment: negative");
    expect(mail.text).toContain("Comment: Arrived late and the colour is wrong");
    expect(mail.text.split("\n")).toContain(options.conversationUrl);
  });

  it("reads naturally without a rating, a name or a comment", () => {
    const mail = merchantAlertEmail(
      { ...base, rating: null, customerFirstName: null, comment: "  ", sentimentLabel: null },
      { ...options, customerPhone: undefined, storeName: null },
    );
    expect(mail.subject).toBe("Unhappy customer on WhatsApp — order #1042");
    expect(mail.text).toContain("Customer: (no name)");
    expect(mail.text).toContain("Rating: —");
    expect(mail.text).toContain("Comment: (no comment)");
    expect(mail.text).not.toContain("Sentiment");
  });

  it("never lets a shopper's name or an order name break the subject line (header injection)", () => {
    const mail = merchantAlertEmail(
      { ...base, orderName: "#1\r\nBcc: victim@example.com", customerFirstName: "Eve\nX-Evil: 1" },
      { ...options, storeName: "Shop\r\nBcc: a@b.c" },
    );
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.text).not.toMatch(/^X-Evil/m);
    expect(mail.text).toContain("Customer: Eve X-Evil: 1");
  });

  it("is written in Arabic for an Arabic-speaking shop", () => {
    const mail = merchantAlertEmail({ ...base, comment: "التغليف سيء" }, { ...options, language: "ar" });
    expect(mail.subject).toContain("عميل غير راضٍ على واتساب");
    expect(mail.text).toContain("التعليق: التغليف سيء");
    expect(mail.text).toContain("الانطباع: سلبي");
  });

  it("tells the merchant a shopper asked for a person, with what they wrote", () => {
    const mail = merchantAlertEmail(
      {
        reason: "handoff_requested",
        customerFirstName: "Omar",
        message: "Can I talk to someone?",
        language: "en",
      },
      options,
    );
    expect(mail.subject).toBe("A customer asks for a person on WhatsApp · Oud House");
    expect(mail.text).toContain("Customer: Omar · +966500000001");
    expect(mail.text).toContain("Message: Can I talk to someone?");
    expect(mail.text).not.toContain("Rating");
    expect(mail.text.split("\n")).toContain(options.conversationUrl);
  });
});
