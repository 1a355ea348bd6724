import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { withRequestId } from "~/logger.server";
import { readBodyWithLimit } from "~/services/http.server";
import {
  acceptWhatsAppWebhook,
  MAX_WEBHOOK_BYTES,
  verifyWebhookSubscription,
} from "~/services/whatsapp-intake.server";

/** Meta's subscription handshake. */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const result = await verifyWebhookSubscription(new URL(request.url).searchParams);
  return new Response(result.body, { status: result.status, headers: { "Content-Type": "text/plain" } });
};

/** Signed WhatsApp webhooks: 200 only once every item is stored. */
export const action = async ({ request }: ActionFunctionArgs) =>
  withRequestId(request, async () => {
    if (request.method !== "POST") return new Response(null, { status: 405 });
    const raw = await readBodyWithLimit(request, MAX_WEBHOOK_BYTES);
    const result = await acceptWhatsAppWebhook(raw, request.headers.get("x-hub-signature-256"));
    return new Response(result.status === 200 ? null : result.reason, { status: result.status });
  });
