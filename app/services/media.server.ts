import { credentialsOf, getAccountCredentials } from "~/adapters/db/accounts.server";
import { getConversationWithContact, getMessage } from "~/adapters/db/inbox.server";
import { findShopAccount } from "~/adapters/db/settings.server";
import { downloadMedia } from "~/adapters/whatsapp/client.server";
import { log } from "~/logger.server";

/**
 * A message's media for the inbox, fetched from the Graph API when the merchant opens it: first the
 * short-lived URL (never stored, never cached), then the bytes, both with the account's token. The browser
 * gets the bytes from our origin, so only images, audio and video are served inline, and everything else
 * as a download with a neutral type (a shopper's "document" must never run as a page of the app).
 */

export const MAX_MEDIA_BYTES = 25 * 1024 * 1024;

export interface MediaRef {
  mediaId: string;
  kind: string;
  mimeType?: string;
  filename?: string;
}

/** The media a stored message carries (an inbound media event, or an outbound image sent by id). */
export function mediaOf(body: unknown): MediaRef | { link: string } | null {
  if (!body || typeof body !== "object") return null;
  const b = body as {
    event?: { type?: string; kind?: string; mediaId?: string; mimeType?: string };
    raw?: { document?: { filename?: string } };
    kind?: string;
    mediaId?: string;
    link?: string;
  };
  if (b.event?.type === "media" && typeof b.event.mediaId === "string" && b.event.mediaId) {
    return {
      mediaId: b.event.mediaId,
      kind: b.event.kind ?? "document",
      mimeType: b.event.mimeType,
      filename: typeof b.raw?.document?.filename === "string" ? b.raw.document.filename : undefined,
    };
  }
  if (b.kind === "image") {
    if (typeof b.mediaId === "string" && b.mediaId) return { mediaId: b.mediaId, kind: "image" };
    if (typeof b.link === "string" && /^https:\/\//.test(b.link)) return { link: b.link };
  }
  return null;
}

const INLINE = /^(image\/(jpeg|png|gif|webp)|audio\/[\w.+-]+|video\/[\w.+-]+)$/i;

export type MediaResult =
  | { ok: true; bytes: ArrayBuffer; contentType: string; disposition: string }
  | { ok: true; redirect: string }
  | { ok: false; status: 404 | 502 | 413 };

export async function loadMedia(shop: string, messageId: string): Promise<MediaResult> {
  const message = await getMessage(shop, messageId);
  if (!message) return { ok: false, status: 404 };
  const media = mediaOf(message.body);
  if (!media) return { ok: false, status: 404 };
  if ("link" in media) return { ok: true, redirect: media.link };

  const conversation = await getConversationWithContact(shop, message.conversationId);
  const accountId = message.accountId ?? conversation?.accountId ?? null;
  const credentials = accountId
    ? await getAccountCredentials(shop, accountId)
    : await findShopAccount(shop).then((a) => (a ? credentialsOf(a) : null));
  if (!credentials) return { ok: false, status: 404 };

  const result = await downloadMedia(credentials, media.mediaId);
  if (!result.ok) {
    log({ shop, messageId }).info(
      { code: result.error.code, kind: result.error.kind },
      "media download failed",
    );
    // Meta keeps inbound media for a limited time; a permanent error means it is gone.
    return { ok: false, status: result.error.kind === "permanent" ? 404 : 502 };
  }
  if (result.bytes.byteLength > MAX_MEDIA_BYTES) return { ok: false, status: 413 };
  const type = (result.mimeType || media.mimeType || "").split(";")[0].trim();
  const inline = INLINE.test(type);
  const filename = (media.filename ?? `${media.kind}-${messageId}`).replace(/[^\w.\- ]+/g, "_").slice(0, 100);
  return {
    ok: true,
    bytes: result.bytes,
    contentType: inline ? type : "application/octet-stream",
    disposition: inline ? "inline" : `attachment; filename="${filename}"`,
  };
}
