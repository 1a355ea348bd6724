import type { DemoOrder, DemoShopifyStore } from "./demo-catalog";

/**
 * Shopify's REST-shaped order webhook payload (orders/create, orders/fulfilled) for an order of the demo
 * store, shaped like ../shared/fixtures/shopify-webhooks/2025-10/orders__create.json.
 */
export function orderWebhookPayload(store: DemoShopifyStore, order: DemoOrder): Record<string, unknown> {
  const customer = order.customerId ? store.findCustomer(order.customerId) : undefined;
  const fulfilled = order.fulfillments.length > 0;
  return {
    id: Number(order.id),
    admin_graphql_api_id: `gid://shopify/Order/${order.id}`,
    name: order.name,
    email: order.email,
    phone: order.phone,
    currency: order.total.currencyCode,
    presentment_currency: order.total.currencyCode,
    total_price: order.total.amount,
    financial_status: order.financialStatus.toLowerCase(),
    fulfillment_status: fulfilled ? "fulfilled" : null,
    order_status_url: order.statusPageUrl,
    customer_locale: order.customerLocale,
    created_at: order.createdAt,
    updated_at: order.fulfillments.at(-1)?.createdAt ?? order.createdAt,
    tags: order.tags.join(", "),
    note: order.note,
    note_attributes: order.customAttributes.map((a) => ({ name: a.key, value: a.value })),
    customer: customer
      ? {
          id: Number(customer.id.replace(/\D/g, "")) || customer.id,
          first_name: customer.firstName,
          last_name: customer.lastName,
          phone: customer.phone,
          email: customer.email,
        }
      : null,
    shipping_address: order.shippingPhone ? { phone: order.shippingPhone } : null,
    billing_address: null,
    line_items: order.lineItems.map((l, i) => ({
      id: i + 1,
      variant_id: Number(l.variantId.replace(/\D/g, "")),
      quantity: l.quantity,
      title: l.title,
    })),
    fulfillments: order.fulfillments.map((f) => ({
      id: Number(f.id.replace(/\D/g, "")) || f.id,
      created_at: f.createdAt,
      status: "success",
      tracking_url: f.tracking[0]?.url ?? null,
      tracking_urls: f.tracking.map((t) => t.url).filter(Boolean),
      tracking_number: f.tracking[0]?.number ?? null,
      tracking_company: f.tracking[0]?.company ?? null,
    })),
  };
}
