import { describe, expect, it } from "vitest";
import type { InboundEvent } from "~/domain/types";
import { loadFixture, loadFixtures } from "./test-support";
import { extractContext, extractReferral, toInboundEvent } from "./to-event";
import {
  flattenWebhook,
  parseWebhookBody,
  WebhookMessageSchema,
  type WebhookMessage,
} from "./webhook-schema";

/** The raw message of the fixture's only inbound message. */
function fixtureMessage(name: string): WebhookMessage {
  const result = parseWebhookBody(loadFixture(name).json);
  if (!result.ok) throw new Error(result.error);
  const messages = flattenWebhook(result.body).filter((i) => i.kind === "message");
  if (messages.length !== 1) throw new Error(`${name}: expected 1 message, got ${messages.length}`);
  return messages[0].raw;
}

/** Validates a hand-written message exactly as the webhook schema would. */
function message(json: Record<string, unknown>): WebhookMessage {
  return WebhookMessageSchema.parse({ from: "16505551234", id: "wamid.X", timestamp: "1750000000", ...json });
}

describe("toInboundEvent on Meta's examples", () => {
  const cases: [string, InboundEvent][] = [
    ["text-message.json", { type: "text", text: "Does it come in another color?" }],
    ["text-message-with-context-product-inquiry.json", { type: "text", text: "Is this still available?" }],
    [
      "text-message-from-click-to-whatsapp-ad.json",
      { type: "text", text: "Hello! Can I get more info on this?" },
    ],
    ["button-message.json", { type: "reply", id: "Unsubscribe", title: "Unsubscribe" }],
    ["interactive-button-reply-message.json", { type: "reply", id: "cancel-button", title: "Cancel" }],
    [
      "interactive-list-reply-message.json",
      { type: "reply", id: "priority_express", title: "Priority Mail Express" },
    ],
    [
      "order-message.json",
      {
        type: "order",
        catalogId: "194836987003835",
        items: [
          { productRetailerId: "di9ozbzfi4", quantity: 2, itemPrice: 30, currency: "USD" },
          { productRetailerId: "nqryix03ez", quantity: 1, itemPrice: 25, currency: "USD" },
        ],
      },
    ],
    [
      "image-message.json",
      {
        type: "media",
        kind: "image",
        mediaId: "1003383421387256",
        caption: "Taj Mahal",
        mimeType: "image/jpeg",
      },
    ],
    [
      "location-message.json",
      {
        type: "location",
        latitude: 37.44221496582,
        longitude: -122.16165924072,
        name: "Philz Coffee",
        address: "101 Forest Ave, Palo Alto, CA 94301",
      },
    ],
    ["contact-sharing-message.json", { type: "contacts" }],
    [
      "reaction-message.json",
      {
        type: "reaction",
        emoji: "👍",
        messageId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0RTJEOTc2ODVERUY5RDlGNkYA",
      },
    ],
    ["system-message.json", { type: "unsupported", reason: "system:user_changed_number" }],
    ["unsupported-message.json", { type: "unsupported", reason: "unsupported:131051" }],
  ];

  it.each(cases)("%s", (name, event) => {
    expect(toInboundEvent(fixtureMessage(name))).toStrictEqual(event);
  });

  it("converts every inbound message fixture without throwing", () => {
    for (const fixture of loadFixtures()) {
      const result = parseWebhookBody(fixture.json);
      if (!result.ok) throw new Error(result.error);
      for (const item of flattenWebhook(result.body)) {
        if (item.kind === "message") expect(toInboundEvent(item.raw).type).toBeTypeOf("string");
      }
    }
  });
});

describe("toInboundEvent on other shapes", () => {
  it("maps every media kind", () => {
    for (const kind of ["image", "video", "audio", "document", "sticker"] as const) {
      expect(toInboundEvent(message({ type: kind, [kind]: { id: `m-${kind}` } }))).toStrictEqual({
        type: "media",
        kind,
        mediaId: `m-${kind}`,
      });
    }
    expect(
      toInboundEvent(
        message({
          type: "document",
          document: { id: "d1", caption: "Invoice", filename: "invoice.pdf", mime_type: "application/pdf" },
        }),
      ),
    ).toStrictEqual({
      type: "media",
      kind: "document",
      mediaId: "d1",
      caption: "Invoice",
      mimeType: "application/pdf",
    });
  });

  it("uses the text of a template button when it has no payload", () => {
    expect(toInboundEvent(message({ type: "button", button: { text: "Stop promotions" } }))).toStrictEqual({
      type: "reply",
      id: "Stop promotions",
      title: "Stop promotions",
    });
  });

  it("reads quantities and prices sent as strings, and drops an empty order text", () => {
    expect(
      toInboundEvent(
        message({
          type: "order",
          order: {
            catalog_id: "c1",
            text: "",
            product_items: [
              { product_retailer_id: "sku-1", quantity: "3", item_price: "12.50", currency: "AED" },
            ],
          },
        }),
      ),
    ).toStrictEqual({
      type: "order",
      catalogId: "c1",
      items: [{ productRetailerId: "sku-1", quantity: 3, itemPrice: 12.5, currency: "AED" }],
    });
  });

  it("keeps the order note when there is one", () => {
    const event = toInboundEvent(
      message({
        type: "order",
        order: { text: "Gift wrap please", product_items: [{ product_retailer_id: "a", quantity: 1 }] },
      }),
    );
    expect(event).toStrictEqual({
      type: "order",
      text: "Gift wrap please",
      items: [{ productRetailerId: "a", quantity: 1 }],
    });
  });

  it("maps a removed reaction to a reaction without emoji", () => {
    expect(
      toInboundEvent(message({ type: "reaction", reaction: { message_id: "wamid.Y", emoji: "" } })),
    ).toStrictEqual({ type: "reaction", messageId: "wamid.Y" });
  });

  it("maps a location without name or address", () => {
    expect(
      toInboundEvent(message({ type: "location", location: { latitude: 25.2, longitude: 55.27 } })),
    ).toStrictEqual({ type: "location", latitude: 25.2, longitude: 55.27 });
  });

  it("maps Flows replies and unknown interactive replies to unsupported", () => {
    expect(
      toInboundEvent(
        message({
          type: "interactive",
          interactive: { type: "nfm_reply", nfm_reply: { response_json: "{}" } },
        }),
      ),
    ).toStrictEqual({ type: "unsupported", reason: "interactive:nfm_reply" });
    expect(
      toInboundEvent(message({ type: "interactive", interactive: { type: "call_permission_reply" } })),
    ).toStrictEqual({ type: "unsupported", reason: "interactive:call_permission_reply" });
  });

  it("maps unknown message types to unsupported, naming the type", () => {
    expect(toInboundEvent(message({ type: "request_welcome" }))).toStrictEqual({
      type: "unsupported",
      reason: "request_welcome",
    });
  });

  it("maps an unsupported message without errors", () => {
    expect(toInboundEvent(message({ type: "unsupported" }))).toStrictEqual({
      type: "unsupported",
      reason: "unsupported",
    });
  });

  it("keeps Arabic text and emoji as they are", () => {
    expect(toInboundEvent(message({ type: "text", text: { body: "  مرحبا 👋🏽 أريد هذا  " } }))).toStrictEqual({
      type: "text",
      text: "  مرحبا 👋🏽 أريد هذا  ",
    });
  });
});

describe("extractReferral", () => {
  it("reads a click-to-WhatsApp ad referral", () => {
    expect(extractReferral(fixtureMessage("text-message-from-click-to-whatsapp-ad.json"))).toStrictEqual({
      sourceType: "ad",
      sourceId: "120226305854810726",
      sourceUrl: "https://fb.me/3cr4Wqqkv",
      headline: "Chat with us",
      body: "Summer Succulents are here!",
      mediaType: "image",
      imageUrl: "https://scontent.xx.fbcdn.net/v/t45.1...",
      ctwaClid:
        "Aff-n8ZTODiE79d22KtAwQKj9e_mIEOOj27vDVwFjN80dp4_0NiNhEgpGo0AHemvuSoifXaytfTzcchptiErTKCqTrJ5nW1h7IHYeYymGb5K5J5iTROpBhWAGaIAeUzHL50",
      welcomeMessageText: "Hi there! Let us know how we can help!",
    });
  });

  it("is undefined without a referral", () => {
    expect(extractReferral(fixtureMessage("text-message.json"))).toBeUndefined();
  });

  it("reads a video ad referral", () => {
    expect(
      extractReferral(
        message({
          type: "text",
          text: { body: "hi" },
          referral: {
            source_type: "ad",
            media_type: "video",
            video_url: "https://v",
            thumbnail_url: "https://t",
          },
        }),
      ),
    ).toStrictEqual({
      sourceType: "ad",
      mediaType: "video",
      videoUrl: "https://v",
      thumbnailUrl: "https://t",
    });
  });
});

describe("extractContext", () => {
  it("reads a product inquiry", () => {
    expect(extractContext(fixtureMessage("text-message-with-context-product-inquiry.json"))).toStrictEqual({
      replyToWamid: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGA9wcm9kdWN0X2lucXVpcnkA",
      from: "15550783881",
      referredProduct: { catalogId: "194836987003835", productRetailerId: "di9ozbzfi4" },
    });
  });

  it("reads the message a button reply answers", () => {
    expect(extractContext(fixtureMessage("interactive-button-reply-message.json"))).toStrictEqual({
      replyToWamid: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MEM2RUJFNkI0RENGQTVDRjUA",
      from: "15550783881",
    });
  });

  it("reads forwarding flags", () => {
    expect(
      extractContext(message({ type: "text", text: { body: "fwd" }, context: { forwarded: true } })),
    ).toStrictEqual({ forwarded: true });
  });

  it("is undefined without a context", () => {
    expect(extractContext(fixtureMessage("text-message.json"))).toBeUndefined();
  });
});
