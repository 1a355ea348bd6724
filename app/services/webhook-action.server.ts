import type { ActionFunctionArgs } from "@remix-run/node";
import { log, withRequestId } from "~/logger.server";
import { authenticate } from "~/shopify.server";
import { handleShopifyWebhookOnce, type WebhookHandler } from "./shopify-webhooks.server";

/**
 * The action of a Shopify webhook route: `authenticate.webhook` (401 on a bad HMAC), then the topic's
 * handler once per webhook id, then 200. A failing handler answers 500 so Shopify retries.
 */
export function shopifyWebhookAction(handler: WebhookHandler) {
  return async ({ request }: ActionFunctionArgs) =>
    withRequestId(request, async () => {
      let webhook;
      try {
        webhook = await authenticate.webhook(request);
      } catch (error) {
        // authenticate.webhook parses the body only after the HMAC passed: a signed body that is not JSON can
        // never succeed, so it is acknowledged (no effect) instead of being retried by Shopify for days.
        if (error instanceof SyntaxError) {
          log({ shop: request.headers.get("x-shopify-shop-domain") ?? undefined }).warn(
            "signed Shopify webhook without a JSON body ignored",
          );
          return new Response();
        }
        throw error;
      }
      await handleShopifyWebhookOnce(webhook, handler);
      return new Response();
    });
}
