import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { withRequestId } from "~/logger.server";
import { readBodyWithLimit } from "~/services/http.server";
import { MAX_WEBHOOK_BYTES, verifyWebhookSubscription } from "~/services/whatsapp-intake.server";
import { whatsappWebhookAnswer } from "~/services/whatsapp-webhook-http.server";

/** Meta's subscription handshake. */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const result = await verifyWebhookSubscription(new URL(request.url).searchParams);
  return new Response(result.body, { status: result.status, headers: { "Content-Type": "text/plain" } });
};

/**
 * Signed WhatsApp webhooks: 200 only once every item is stored. In production the server answers this POST
 * before Remix (`handleWhatsAppWebhookFast`, scripts/serve.ts) with the same function; this route serves it in
 * development and tests, and whenever the fast path is not in front.
 */
export const action = async ({ request }: ActionFunctionArgs) =>
  withRequestId(request, async () => {
    if (request.method !== "POST") return new Response(null, { status: 405 });
    let raw: Uint8Array | null;
    try {
      raw = await readBodyWithLimit(request, MAX_WEBHOOK_BYTES);
    } catch (error) {
      if (error instanceof Response && error.status === 413) raw = null;
      else throw error;
    }
    const answer = await whatsappWebhookAnswer(raw, request.headers.get("x-hub-signature-256"));
    return new Response(answer.body, { status: answer.status });
  });
