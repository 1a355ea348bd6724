/**
 * Converts a parsed inbound WhatsApp message (`WebhookMessageItem.raw`) into the domain `InboundEvent`,
 * and extracts the side information the engine may use (ad referral, reply context). Pure.
 */
import type { InboundEvent, MediaKind } from "~/domain/types";
import { isKnownInteractive, isKnownMessage, type WebhookMessage, type WebhookMedia } from "./webhook-schema";

export function toInboundEvent(message: WebhookMessage): InboundEvent {
  if (!isKnownMessage(message)) return unsupported(message.type);

  switch (message.type) {
    case "text":
      return { type: "text", text: message.text.body };

    case "button":
      // Template quick-reply button: the payload is what we set when sending the template.
      return { type: "reply", id: message.button.payload || message.button.text, title: message.button.text };

    case "interactive": {
      const { interactive } = message;
      if (!isKnownInteractive(interactive)) return unsupported("interactive", interactive.type);
      switch (interactive.type) {
        case "button_reply":
          return { type: "reply", id: interactive.button_reply.id, title: interactive.button_reply.title };
        case "list_reply":
          return { type: "reply", id: interactive.list_reply.id, title: interactive.list_reply.title };
        case "nfm_reply":
          // WhatsApp Flows: the domain has no event for flow responses yet.
          return unsupported("interactive", "nfm_reply");
        default:
          return unsupported("interactive", exhausted(interactive));
      }
    }

    case "order": {
      const { order } = message;
      const items = order.product_items.map((item) => {
        const itemPrice = item.item_price === undefined ? undefined : Number(item.item_price);
        return {
          productRetailerId: item.product_retailer_id,
          quantity: Number(item.quantity),
          ...(itemPrice !== undefined && Number.isFinite(itemPrice) ? { itemPrice } : {}),
          ...(item.currency ? { currency: item.currency } : {}),
        };
      });
      return {
        type: "order",
        ...(order.catalog_id ? { catalogId: order.catalog_id } : {}),
        ...(order.text ? { text: order.text } : {}),
        items,
      };
    }

    case "image":
      return media("image", message.image);
    case "video":
      return media("video", message.video);
    case "audio":
      return media("audio", message.audio);
    case "document":
      return media("document", message.document);
    case "sticker":
      return media("sticker", message.sticker);

    case "location": {
      const { location } = message;
      return {
        type: "location",
        latitude: location.latitude,
        longitude: location.longitude,
        ...(location.name ? { name: location.name } : {}),
        ...(location.address ? { address: location.address } : {}),
      };
    }

    case "contacts":
      return { type: "contacts" };

    case "reaction":
      return {
        type: "reaction",
        ...(message.reaction.emoji ? { emoji: message.reaction.emoji } : {}),
        ...(message.reaction.message_id ? { messageId: message.reaction.message_id } : {}),
      };

    case "system":
      return unsupported("system", message.system.type);

    case "unsupported": {
      const error = message.errors?.[0];
      return unsupported("unsupported", error ? String(error.code) : undefined);
    }

    default:
      return unsupported(exhausted(message));
  }
}

/** Compile-time exhaustiveness check that still degrades gracefully at run time. */
function exhausted(value: never): string {
  return String((value as { type?: unknown }).type);
}

function media(kind: MediaKind, payload: WebhookMedia): InboundEvent {
  return {
    type: "media",
    kind,
    mediaId: payload.id,
    ...(payload.caption ? { caption: payload.caption } : {}),
    ...(payload.mime_type ? { mimeType: payload.mime_type } : {}),
  };
}

/** `reason` is "type" or "type:detail", e.g. "system:user_changed_number", "unsupported:131051", "request_welcome". */
function unsupported(type: string, detail?: string): InboundEvent {
  return { type: "unsupported", reason: detail ? `${type}:${detail}` : type };
}

// ---------------------------------------------------------------------------------------------
// Side information
// ---------------------------------------------------------------------------------------------

/** Where a conversation came from when the shopper tapped a click-to-WhatsApp ad (or post). */
export interface AdReferral {
  /** "ad" or "post". */
  sourceType?: string;
  /** Ad (or post) id. */
  sourceId?: string;
  sourceUrl?: string;
  headline?: string;
  body?: string;
  mediaType?: string;
  imageUrl?: string;
  videoUrl?: string;
  thumbnailUrl?: string;
  /** Click id, for conversion reporting. */
  ctwaClid?: string;
  welcomeMessageText?: string;
}

export function extractReferral(message: WebhookMessage): AdReferral | undefined {
  const referral = message.referral;
  if (!referral) return undefined;
  return compact({
    sourceType: referral.source_type,
    sourceId: referral.source_id,
    sourceUrl: referral.source_url,
    headline: referral.headline,
    body: referral.body,
    mediaType: referral.media_type,
    imageUrl: referral.image_url,
    videoUrl: referral.video_url,
    thumbnailUrl: referral.thumbnail_url,
    ctwaClid: referral.ctwa_clid,
    welcomeMessageText: referral.welcome_message?.text,
  });
}

export interface MessageContext {
  /** wamid of the message the shopper replied to (one of ours when they tapped a button or quoted us). */
  replyToWamid?: string;
  /** The number the quoted message came from. */
  from?: string;
  /** The product the shopper asked about from a catalog / product message. */
  referredProduct?: { catalogId: string; productRetailerId: string };
  forwarded?: boolean;
  frequentlyForwarded?: boolean;
}

export function extractContext(message: WebhookMessage): MessageContext | undefined {
  const context = message.context;
  if (!context) return undefined;
  const product = context.referred_product;
  return compact({
    replyToWamid: context.id,
    from: context.from,
    referredProduct: product
      ? { catalogId: product.catalog_id, productRetailerId: product.product_retailer_id }
      : undefined,
    forwarded: context.forwarded,
    frequentlyForwarded: context.frequently_forwarded,
  });
}

function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== "")) as T;
}
