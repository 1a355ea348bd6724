import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";

export const SHOPIFY_FIXTURES = path.resolve(__dirname, "../../../shared/fixtures/shopify-webhooks/2025-10");

export function shopifyFixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(SHOPIFY_FIXTURES, `${name}.json`), "utf8"));
}

/** A webhook request signed exactly as Shopify signs it (base64 HMAC-SHA256 of the raw body). */
export function shopifyWebhookRequest(
  topic: string,
  payload: unknown,
  options: { shop?: string; webhookId?: string; secret?: string; hmac?: string; url?: string } = {},
): Request {
  const body = typeof payload === "string" ? payload : JSON.stringify(payload);
  const secret = options.secret ?? process.env.SHOPIFY_API_SECRET!;
  const hmac = options.hmac ?? createHmac("sha256", secret).update(body, "utf8").digest("base64");
  const route = topic.replace("/", "/");
  return new Request(options.url ?? `${process.env.SHOPIFY_APP_URL}/webhooks/${route}`, {
    method: "POST",
    body,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Hmac-Sha256": hmac,
      "X-Shopify-Topic": topic,
      "X-Shopify-Shop-Domain": options.shop ?? "test-shop.myshopify.com",
      "X-Shopify-Webhook-Id": options.webhookId ?? randomUUID(),
      "X-Shopify-Event-Id": randomUUID(),
      "X-Shopify-Triggered-At": new Date().toISOString(),
      "X-Shopify-API-Version": "2026-10",
    },
  });
}
