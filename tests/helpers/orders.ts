import { action as ordersFulfilled } from "~/routes/webhooks.orders.fulfilled";
import { demoProducts, type DemoShopifyStore } from "../mocks/demo-catalog";
import { orderWebhookPayload } from "../mocks/shopify-webhook-payloads";
import { callRoute } from "./remix";
import { shopifyWebhookRequest } from "./shopify-webhook";

/** The first variant of the demo catalog that can be bought. */
export function anyAvailableVariant(catalog: DemoShopifyStore): string {
  for (const product of demoProducts)
    for (const variant of product.variants)
      if (catalog.isVariantAvailable(product, variant)) return variant.id;
  throw new Error("no available variant");
}

/**
 * A shopper's order placed in the fake store and fulfilled, then Shopify's signed `orders/fulfilled` webhook
 * delivered to the app's route (which schedules the feedback request). Throws unless the route answers 200.
 */
export async function placeAndFulfilOrder(
  catalog: DemoShopifyStore,
  shop: string,
  shopper: { waId: string; firstName: string; language?: "en" | "ar" },
) {
  const { draftOrder } = catalog.createDraftOrder({
    lineItems: [{ variantId: anyAvailableVariant(catalog), quantity: 1 }],
    phone: `+${shopper.waId}`,
  });
  const order = catalog.placeOrder(draftOrder!.id, {
    customer: {
      firstName: shopper.firstName,
      phone: `+${shopper.waId}`,
      ...(shopper.language ? { locale: shopper.language } : {}),
    },
  });
  catalog.fulfillOrder(order.id, {
    trackingUrl: "https://track.example/1",
    trackingNumber: "1Z",
    company: "Aramex",
  });
  const response = await callRoute(
    ordersFulfilled,
    shopifyWebhookRequest("orders/fulfilled", orderWebhookPayload(catalog, catalog.findOrder(order.id)!), {
      shop,
    }),
  );
  if (response.status !== 200) throw new Error(`orders/fulfilled answered ${response.status}`);
  return order;
}
