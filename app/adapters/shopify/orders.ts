/**
 * Order look-ups: "where is my order?" by the shopper's WhatsApp number, and one order for feedback and
 * attribution. Amounts are the presentment money (what the shopper paid, in their currency).
 */
import type { Money, OrderSummary } from "~/domain/types";
import type { AdminClient } from "./admin-client";
import { HALA_CONVERSATION_ATTRIBUTE } from "./checkout";
import { tryGid } from "./ids";
import { CUSTOMER_ORDERS_BY_PHONE, ORDER_BY_ID, RECENT_ORDERS_BY_PHONE } from "./operations";
import { phonesMatch, toE164 } from "./phone";

export const MAX_RECENT_ORDERS = 10;

export interface OrderJson {
  id: string;
  name: string;
  createdAt: string;
  displayFinancialStatus: string | null;
  displayFulfillmentStatus: string | null;
  totalPriceSet: { presentmentMoney: Money };
  statusPageUrl: string | null;
  fulfillments: { trackingInfo: { url: string | null; number: string | null; company: string | null }[] }[];
}

export interface TrackingInfo {
  url: string | null;
  number: string | null;
  company: string | null;
}

export interface OrderSummaryWithTracking extends OrderSummary {
  /** Every tracking entry of every fulfillment (some carriers give a number without a URL). */
  tracking: TrackingInfo[];
}

export interface OrderDetail extends OrderSummaryWithTracking {
  phone: string | null;
  customerFirstName: string | null;
  customerLocale: string | null;
  /** The Hala conversation that produced the order (the draft order's custom attribute), if any. */
  conversationId: string | null;
  customAttributes: { key: string; value: string | null }[];
}

export function mapOrderSummary(o: OrderJson): OrderSummaryWithTracking {
  const tracking = o.fulfillments.flatMap((f) =>
    f.trackingInfo.map((t) => ({ url: t.url ?? null, number: t.number ?? null, company: t.company ?? null })),
  );
  return {
    id: o.id,
    name: o.name,
    createdAt: o.createdAt,
    financialStatus: o.displayFinancialStatus ?? null,
    fulfillmentStatus: o.displayFulfillmentStatus ?? null,
    total: {
      amount: o.totalPriceSet.presentmentMoney.amount,
      currencyCode: o.totalPriceSet.presentmentMoney.currencyCode,
    },
    trackingUrls: [...new Set(tracking.map((t) => t.url).filter((u): u is string => !!u))],
    tracking,
    statusUrl: o.statusPageUrl ?? null,
  };
}

interface OrderWithPhonesJson extends OrderJson {
  phone: string | null;
  shippingAddress: { phone: string | null } | null;
  customer: { defaultPhoneNumber: { phoneNumber: string } | null } | null;
}

function orderBelongsTo(shopper: string, o: OrderWithPhonesJson): boolean {
  return (
    phonesMatch(shopper, o.phone) ||
    phonesMatch(shopper, o.customer?.defaultPhoneNumber?.phoneNumber) ||
    phonesMatch(shopper, o.shippingAddress?.phone)
  );
}

/**
 * The shopper's most recent orders, newest first (at most 10). `phone` may be a wa_id or any E.164 form.
 *
 * First `orders(query: "phone:…")`, keeping only orders whose order / customer / shipping phone is the
 * shopper's: `phone` is not a documented order filter in 2026-10 and Shopify ignores unknown filters, so the
 * check is what guarantees that nobody sees somebody else's orders. If that finds nothing, the documented
 * `customers(query: "phone:…")` filter is used and that customer's orders returned.
 */
export async function recentOrdersByPhone(
  client: AdminClient,
  phone: string,
  options: { first?: number } = {},
): Promise<OrderSummaryWithTracking[]> {
  const e164 = toE164(phone);
  if (!e164) return [];
  const first = Math.min(Math.max(Math.floor(options.first ?? 5), 1), MAX_RECENT_ORDERS);
  const query = `phone:${e164}`;

  const direct = await client.request<{ orders: { nodes: OrderWithPhonesJson[] } }>(RECENT_ORDERS_BY_PHONE, {
    query,
    first,
  });
  const mine = direct.orders.nodes.filter((o) => orderBelongsTo(e164, o));
  if (mine.length > 0) return mine.map(mapOrderSummary);

  const viaCustomer = await client.request<{
    customers: {
      nodes: {
        id: string;
        defaultPhoneNumber: { phoneNumber: string } | null;
        orders: { nodes: OrderJson[] };
      }[];
    };
  }>(CUSTOMER_ORDERS_BY_PHONE, { query, first });
  const customer = viaCustomer.customers.nodes.find((c) =>
    phonesMatch(e164, c.defaultPhoneNumber?.phoneNumber),
  );
  return customer ? customer.orders.nodes.map(mapOrderSummary) : [];
}

interface OrderDetailJson extends OrderJson {
  phone: string | null;
  customerLocale: string | null;
  customAttributes: { key: string; value: string | null }[];
  customer: { firstName: string | null; defaultPhoneNumber: { phoneNumber: string } | null } | null;
}

export function mapOrderDetail(o: OrderDetailJson): OrderDetail {
  return {
    ...mapOrderSummary(o),
    phone: o.phone ?? o.customer?.defaultPhoneNumber?.phoneNumber ?? null,
    customerFirstName: o.customer?.firstName ?? null,
    customerLocale: o.customerLocale ?? null,
    conversationId: o.customAttributes.find((a) => a.key === HALA_CONVERSATION_ATTRIBUTE)?.value ?? null,
    customAttributes: o.customAttributes,
  };
}

/** One order by GID or numeric id (as in webhooks); null when it does not exist. */
export async function getOrder(client: AdminClient, id: string | number): Promise<OrderDetail | null> {
  const gid = tryGid("Order", id);
  if (!gid) return null;
  const data = await client.request<{ order: OrderDetailJson | null }>(ORDER_BY_ID, { id: gid });
  return data.order ? mapOrderDetail(data.order) : null;
}
