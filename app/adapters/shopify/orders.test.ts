import { describe, expect, it } from "vitest";
import { HALA_CONVERSATION_ATTRIBUTE } from "./checkout";
import { mapOrderDetail, mapOrderSummary, type OrderJson } from "./orders";

const order: OrderJson = {
  id: "gid://shopify/Order/1",
  name: "#1001",
  createdAt: "2026-10-01T08:00:00Z",
  displayFinancialStatus: "PAID",
  displayFulfillmentStatus: "PARTIALLY_FULFILLED",
  totalPriceSet: { presentmentMoney: { amount: "85.0", currencyCode: "AED" } },
  statusPageUrl: "https://shop.example/orders/abc",
  fulfillments: [
    { trackingInfo: [{ url: "https://t.example/1", number: "1", company: "Aramex" }] },
    {
      trackingInfo: [
        { url: null, number: "SMSA-2", company: "SMSA" },
        { url: "https://t.example/1", number: "1", company: "Aramex" },
      ],
    },
    { trackingInfo: [] },
  ],
};

describe("order mapping", () => {
  it("maps a summary with de-duplicated tracking URLs and every tracking entry", () => {
    expect(mapOrderSummary(order)).toEqual({
      id: "gid://shopify/Order/1",
      name: "#1001",
      createdAt: "2026-10-01T08:00:00Z",
      financialStatus: "PAID",
      fulfillmentStatus: "PARTIALLY_FULFILLED",
      total: { amount: "85.0", currencyCode: "AED" },
      trackingUrls: ["https://t.example/1"],
      tracking: [
        { url: "https://t.example/1", number: "1", company: "Aramex" },
        { url: null, number: "SMSA-2", company: "SMSA" },
        { url: "https://t.example/1", number: "1", company: "Aramex" },
      ],
      statusUrl: "https://shop.example/orders/abc",
    });
  });

  it("maps the detail: customer name, phone fallback, conversation attribute", () => {
    const detail = mapOrderDetail({
      ...order,
      phone: null,
      customerLocale: "ar",
      customAttributes: [
        { key: "gift", value: "yes" },
        { key: HALA_CONVERSATION_ATTRIBUTE, value: "conv_9" },
      ],
      customer: { firstName: "Noura", defaultPhoneNumber: { phoneNumber: "+966501234567" } },
    });
    expect(detail).toMatchObject({
      phone: "+966501234567",
      customerFirstName: "Noura",
      customerLocale: "ar",
      conversationId: "conv_9",
    });
    const bare = mapOrderDetail({
      ...order,
      phone: null,
      customerLocale: null,
      customAttributes: [],
      customer: null,
    });
    expect(bare).toMatchObject({ phone: null, customerFirstName: null, conversationId: null });
  });
});
