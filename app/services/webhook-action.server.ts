import type { ActionFunctionArgs } from "@remix-run/node";
import { withRequestId } from "~/logger.server";
import { authenticate } from "~/shopify.server";
import { handleShopifyWebhookOnce, type WebhookHandler } from "./shopify-webhooks.server";

/**
 * The action of a Shopify webhook route: `authenticate.webhook` (401 on a bad HMAC), then the topic's
 * handler once per webhook id, then 200. A failing handler answers 500 so Shopify retries.
 */
export function shopifyWebhookAction(handler: WebhookHandler) {
  return async ({ request }: ActionFunctionArgs) =>
    withRequestId(request, async () => {
      const webhook = await authenticate.webhook(request);
      await handleShopifyWebhookOnce(webhook, handler);
      return new Response();
    });
}
