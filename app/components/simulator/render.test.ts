import { describe, expect, it } from "vitest";
import { toGraphRequest } from "~/adapters/whatsapp/to-graph-request";
import type { OutboundMessage } from "~/domain/types";
import {
  displayImageSrc,
  formatWhatsAppText,
  viewOfGraphBody,
  viewOfShopperMessage,
  viewText,
} from "./render";

// The phone renders exactly what the app sends to Meta: build the bodies with the real adapter.
const body = (message: OutboundMessage) =>
  toGraphRequest(message, "966500000001") as unknown as Record<string, unknown>;

describe("viewOfGraphBody", () => {
  it("text", () => {
    expect(viewOfGraphBody(body({ kind: "text", body: "Hello *there*" }))).toEqual({
      kind: "text",
      text: "Hello *there*",
    });
  });

  it("reply buttons keep ids and titles", () => {
    const view = viewOfGraphBody(
      body({
        kind: "buttons",
        header: "Cart",
        body: "Added",
        footer: "f",
        buttons: [
          { id: "cart:checkout", title: "Checkout" },
          { id: "nav:shop", title: "Keep shopping" },
        ],
      }),
    );
    expect(view).toEqual({
      kind: "buttons",
      header: "Cart",
      body: "Added",
      footer: "f",
      buttons: [
        { id: "cart:checkout", title: "Checkout" },
        { id: "nav:shop", title: "Keep shopping" },
      ],
    });
  });

  it("lists keep sections, rows and the opener's label", () => {
    const view = viewOfGraphBody(
      body({
        kind: "list",
        body: "Pick one",
        buttonText: "القائمة",
        sections: [{ title: "A", rows: [{ id: "menu:browse", title: "1. تصفح", description: "d" }] }],
      }),
    );
    expect(view).toMatchObject({
      kind: "list",
      button: "القائمة",
      sections: [{ title: "A", rows: [{ id: "menu:browse", title: "1. تصفح", description: "d" }] }],
    });
    expect(viewText(view)).toBe("Pick one");
  });

  it("images are shown from the demo's own copy; CTA links keep their URL", () => {
    const image = viewOfGraphBody(
      body({
        kind: "image",
        link: "https://demo-hala.myshopify.com/demo-images/ajwa-dates.svg",
        caption: "Ajwa",
      }),
    );
    expect(image).toMatchObject({
      kind: "image",
      src: "/demo-images/ajwa-dates.svg",
      link: "https://demo-hala.myshopify.com/demo-images/ajwa-dates.svg",
    });
    const cta = viewOfGraphBody(
      body({
        kind: "cta_url",
        body: "Ready",
        displayText: "Pay now",
        url: "https://x.myshopify.com/invoices/abc",
      }),
    );
    expect(cta).toMatchObject({ kind: "cta", text: "Pay now", url: "https://x.myshopify.com/invoices/abc" });
  });

  it("templates show their name, parameters and quick replies", () => {
    const view = viewOfGraphBody(
      body({
        kind: "template",
        name: "order_feedback",
        language: "ar",
        components: [
          {
            type: "body",
            parameters: [
              { type: "text", text: "نورة" },
              { type: "text", text: "#1001" },
            ],
          },
          {
            type: "button",
            subType: "quick_reply",
            index: 0,
            parameters: [{ type: "payload", payload: "fb:rate:5" }],
          },
        ],
      }),
    );
    expect(view).toEqual({
      kind: "template",
      name: "order_feedback",
      language: "ar",
      params: [
        { component: "body", text: "نورة" },
        { component: "body", text: "#1001" },
      ],
      quickReplies: [{ index: 0, payload: "fb:rate:5" }],
      urlButtons: [],
    });
  });

  it("product messages and unknown types", () => {
    expect(
      viewOfGraphBody(body({ kind: "product", catalogId: "c1", productRetailerId: "SKU-1", body: "Look" })),
    ).toMatchObject({ kind: "product", retailerId: "SKU-1", catalogId: "c1", body: "Look" });
    expect(viewOfGraphBody({ type: "sticker", sticker: { id: "1" } })).toMatchObject({
      kind: "unknown",
      type: "sticker",
    });
  });
});

describe("viewOfShopperMessage", () => {
  it("text, button and list replies, template button taps", () => {
    expect(viewOfShopperMessage({ type: "text", text: { body: "hi" } })).toEqual({
      kind: "text",
      text: "hi",
    });
    expect(
      viewOfShopperMessage({
        type: "interactive",
        interactive: { type: "list_reply", list_reply: { id: "col:1", title: "Abayas", description: "7" } },
      }),
    ).toEqual({ kind: "reply", id: "col:1", title: "Abayas", description: "7" });
    expect(viewOfShopperMessage({ type: "button", button: { payload: "fb:rate:5", text: "Great" } })).toEqual(
      {
        kind: "reply",
        id: "fb:rate:5",
        title: "Great",
      },
    );
  });
});

describe("formatWhatsAppText", () => {
  it("bold, italic, strike, mono and links, as tokens (no HTML)", () => {
    expect(formatWhatsAppText("*Total* _now_ ~old~ ```x``` https://a.b/c_d_e <b>")).toEqual([
      { text: "Total", bold: true },
      { text: " " },
      { text: "now", italic: true },
      { text: " " },
      { text: "old", strike: true },
      { text: " " },
      { text: "x", mono: true },
      { text: " " },
      { text: "https://a.b/c_d_e", link: "https://a.b/c_d_e" },
      { text: " <b>" },
    ]);
  });

  it("leaves other image links alone", () => {
    expect(displayImageSrc("https://cdn.shopify.com/s/files/x.jpg")).toBe(
      "https://cdn.shopify.com/s/files/x.jpg",
    );
    expect(displayImageSrc("media:123")).toBe("media:123");
  });
});
