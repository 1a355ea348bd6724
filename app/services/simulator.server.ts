/**
 * The WhatsApp simulator of `npm run demo` (routes `simulator.*`). It plays the shopper's phone and the outside
 * services' side of the demo:
 * - a shopper's message becomes a Meta-shaped webhook payload, SIGNED with the account's app secret and POSTed
 *   over HTTP to the app's own `/webhooks/whatsapp` — exactly production's path;
 * - the bot's replies are read from the in-process Graph API fake (what the app sent to Meta);
 * - "Place order" / "Mark fulfilled" act on the in-process Shopify fake and POST Shopify-signed `orders/create`
 *   / `orders/fulfilled` webhooks to the app, built from the order as Shopify builds them.
 *
 * The fakes live in the demo process (scripts/demo.ts registers them with `setSimulatorBackends`); they are
 * described here structurally so that the app never imports test code. Without them, or outside demo mode,
 * `simulatorEnabled()` is false and every simulator route answers 404.
 */
import { createHmac, randomUUID } from "node:crypto";
import { z } from "zod";
import { credentialsOf, getAccountForShop, type AccountCredentials } from "~/adapters/db/accounts.server";
import { ADMIN_API_VERSION } from "~/adapters/shopify/api-version";
import { signBody } from "~/adapters/whatsapp/verify-signature";
import { db } from "~/db.server";
import { env } from "~/env.server";

// ---------------------------------------------------------------------------------------------
// The backends (the demo's fakes, described structurally)
// ---------------------------------------------------------------------------------------------

export type GraphBody = Record<string, unknown> & { to?: string; type?: string; status?: string };

export interface SimulatorGraph {
  /** Every message request body the app sent, in order (successful sends only). */
  sent: { phoneNumberId: string; body: GraphBody; at: number }[];
  /** Mark-as-read requests. */
  reads: { phoneNumberId: string; body: GraphBody; at: number }[];
  sentTo(waId: string): GraphBody[];
}

export interface SimMoney {
  amount: string;
  currencyCode: string;
}
export interface SimLineItem {
  variantId: string;
  productId: string;
  title: string;
  variantTitle: string;
  sku: string;
  quantity: number;
  unitPrice: string;
}
export interface SimAttribute {
  key: string;
  value: string;
}
export interface SimDraftOrder {
  id: string;
  name: string;
  status: "OPEN" | "COMPLETED";
  invoiceUrl: string;
  lineItems: SimLineItem[];
  total: SimMoney;
  phone: string | null;
  email: string | null;
  tags: string[];
  customAttributes: SimAttribute[];
  note: string | null;
  createdAt: string;
  orderId: string | null;
}
export interface SimCustomer {
  id: string;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  email: string | null;
  locale: string;
}
export interface SimOrder {
  id: string;
  name: string;
  createdAt: string;
  financialStatus: string;
  fulfillmentStatus: "UNFULFILLED" | "FULFILLED";
  lineItems: SimLineItem[];
  total: SimMoney;
  phone: string | null;
  email: string | null;
  shippingPhone: string | null;
  customerId: string | null;
  customerLocale: string | null;
  tags: string[];
  customAttributes: SimAttribute[];
  note: string | null;
  statusPageUrl: string;
  fulfillments: {
    id: string;
    createdAt: string;
    tracking: { url: string | null; number: string | null; company: string | null }[];
  }[];
  draftOrderId: string | null;
}

export interface SimulatorStore {
  readonly shopDomain: string;
  readonly currencyCode: string;
  draftOrders: SimDraftOrder[];
  orders: SimOrder[];
  placeOrder(
    draftOrderId: string,
    options?: { customer?: { firstName?: string; lastName?: string; phone?: string; locale?: string } },
  ): SimOrder;
  fulfillOrder(
    orderId: string,
    tracking?: { trackingUrl?: string | null; trackingNumber?: string | null; company?: string | null },
  ): SimOrder;
  findCustomer(id: string): SimCustomer | undefined;
}

export interface SimulatorBackends {
  graph: SimulatorGraph;
  store: SimulatorStore;
  /** The demo shop's domain. */
  shop: string;
  /** The app's own origin (e.g. `http://127.0.0.1:3000`): webhooks are POSTed there over HTTP. */
  origin: string;
}

export interface Shopper {
  waId: string;
  name: string;
  language: "en" | "ar";
}

export interface WebhookLogEntry {
  id: number;
  at: number;
  source: "whatsapp" | "shopify";
  /** `messages`, `statuses`, or the Shopify topic. */
  topic: string;
  waId: string | null;
  url: string;
  payload: unknown;
  status: number;
  response: string;
}

interface ShopperMessage {
  waId: string;
  wamid: string;
  at: number;
  message: Record<string, unknown>;
  status: number;
}

interface SimulatorState {
  backends: SimulatorBackends;
  shoppers: Map<string, Shopper>;
  inbound: ShopperMessage[];
  webhooks: WebhookLogEntry[];
  /** Graph message ids (the app's Message row id echoed in biz_opaque_callback_data) already reported read. */
  acknowledged: Set<string>;
  counter: number;
}

const KEY = "__halaSimulator";
const globalState = globalThis as unknown as { [KEY]?: SimulatorState };

export const DEFAULT_SHOPPERS: Shopper[] = [
  { waId: "966501110001", name: "Sara", language: "en" },
  { waId: "966502220002", name: "نورة", language: "ar" },
];

/** Called by scripts/demo.ts once the fakes are running. */
export function setSimulatorBackends(
  backends: SimulatorBackends,
  shoppers: Shopper[] = DEFAULT_SHOPPERS,
): void {
  globalState[KEY] = {
    backends,
    shoppers: new Map(shoppers.map((s) => [s.waId, s])),
    inbound: [],
    webhooks: [],
    acknowledged: new Set(),
    counter: 0,
  };
}

/** Forgets the backends (tests; the demo never does). */
export function clearSimulatorBackends(): void {
  delete globalState[KEY];
}

export function getSimulatorBackends(): SimulatorBackends | undefined {
  return globalState[KEY]?.backends;
}

/** The simulator exists only in demo mode, never in production, and only with the demo's fakes registered. */
export function simulatorEnabled(): boolean {
  if (process.env.NODE_ENV === "production") return false;
  return env().HALA_DEMO === true && !!globalState[KEY];
}

function state(): SimulatorState {
  const current = globalState[KEY];
  if (!current || !simulatorEnabled()) throw new Response("Not found", { status: 404 });
  return current;
}

/** Throws a 404 Response unless the simulator is available (routes call it first). */
export function requireSimulator(): void {
  state();
}

const MAX_LOG = 300;
function pushWebhook(s: SimulatorState, entry: Omit<WebhookLogEntry, "id">): WebhookLogEntry {
  const full = { id: ++s.counter, ...entry };
  s.webhooks.push(full);
  if (s.webhooks.length > MAX_LOG) s.webhooks.splice(0, s.webhooks.length - MAX_LOG);
  return full;
}

// ---------------------------------------------------------------------------------------------
// Shoppers
// ---------------------------------------------------------------------------------------------

export const ShopperInput = z.object({
  name: z.string().trim().min(1).max(60),
  waId: z
    .string()
    .transform((v) => v.replace(/\D/g, ""))
    .pipe(z.string().regex(/^[1-9]\d{7,14}$/, "an international number, 8 to 15 digits")),
  language: z.enum(["en", "ar"]).default("en"),
});

/** The simulator's shoppers plus every contact the demo shop already has (a restarted demo keeps them). */
export async function listShoppers(): Promise<Shopper[]> {
  const s = state();
  const contacts = await db().contact.findMany({
    where: { shop: s.backends.shop, sandbox: false }, // not the admin's "Test your bot" shoppers
    orderBy: { createdAt: "asc" },
    take: 100,
    select: { waId: true, name: true, language: true },
  });
  const all = new Map(s.shoppers);
  for (const c of contacts) {
    if (!all.has(c.waId))
      all.set(c.waId, { waId: c.waId, name: c.name ?? c.waId, language: c.language === "ar" ? "ar" : "en" });
  }
  return [...all.values()];
}

export function addShopper(input: unknown): Shopper {
  const s = state();
  const shopper = ShopperInput.parse(input);
  s.shoppers.set(shopper.waId, shopper);
  return shopper;
}

// ---------------------------------------------------------------------------------------------
// WhatsApp: the shopper's side
// ---------------------------------------------------------------------------------------------

async function account(s: SimulatorState): Promise<AccountCredentials & { displayPhoneNumber: string }> {
  const row = await getAccountForShop(s.backends.shop);
  if (!row) throw new Response("The demo shop has no WhatsApp account", { status: 409 });
  return {
    ...credentialsOf(row),
    displayPhoneNumber: (row.displayPhoneNumber ?? "15550000000").replace(/\D/g, ""),
  };
}

/** What the phone can send: text, or a tap on a reply button / list row (Meta's message object, minus envelope). */
export const ShopperMessageInput = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text"), text: z.object({ body: z.string().min(1).max(4096) }) }),
  z.object({
    type: z.literal("interactive"),
    interactive: z.union([
      z.object({
        type: z.literal("button_reply"),
        button_reply: z.object({ id: z.string().min(1), title: z.string() }),
      }),
      z.object({
        type: z.literal("list_reply"),
        list_reply: z.object({
          id: z.string().min(1),
          title: z.string(),
          description: z.string().optional(),
        }),
      }),
    ]),
  }),
  z.object({
    type: z.literal("button"),
    button: z.object({ payload: z.string(), text: z.string() }),
  }),
]);

export const SendInput = z.object({
  waId: z.string().regex(/^\d{8,15}$/),
  name: z.string().max(60).optional(),
  message: ShopperMessageInput,
  /** The app's Message id (biz_opaque_callback_data) of the bot message a tap answers: quoted as Meta does. */
  replyTo: z.string().max(200).optional(),
});

/**
 * A Meta-shaped `messages` webhook body (one change, one message), as the Cloud API sends it, keys in Meta's order
 * (../shared/fixtures/whatsapp/text-message.json: a change's value before its field). The simulator and the
 * start-up warm-up (./warm-up.server.ts) build theirs with it; the order matters to the warm-up, whose compiled
 * code expects the objects' shapes that real webhooks give.
 */
export function inboundWebhookPayload(options: {
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
  waId: string;
  name: string;
  wamid: string;
  timestamp: number;
  message: Record<string, unknown>;
}) {
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: options.wabaId,
        changes: [
          {
            value: {
              messaging_product: "whatsapp",
              metadata: {
                display_phone_number: options.displayPhoneNumber,
                phone_number_id: options.phoneNumberId,
              },
              contacts: [{ profile: { name: options.name }, wa_id: options.waId }],
              messages: [
                {
                  from: options.waId,
                  id: options.wamid,
                  timestamp: String(options.timestamp),
                  ...options.message,
                },
              ],
            },
            field: "messages",
          },
        ],
      },
    ],
  };
}

/** A Meta-shaped `statuses` webhook body. */
export function statusWebhookPayload(options: {
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
  statuses: { wamid: string; status: "sent" | "delivered" | "read"; recipient: string; bizOpaque?: string }[];
  timestamp: number;
}) {
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: options.wabaId,
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: {
                display_phone_number: options.displayPhoneNumber,
                phone_number_id: options.phoneNumberId,
              },
              statuses: options.statuses.map((st) => ({
                id: st.wamid,
                status: st.status,
                timestamp: String(options.timestamp),
                recipient_id: st.recipient,
                ...(st.bizOpaque ? { biz_opaque_callback_data: st.bizOpaque } : {}),
                ...(st.status !== "read"
                  ? {
                      conversation: { id: `sim-${st.recipient}`, origin: { type: "service" } },
                      pricing: {
                        billable: false,
                        pricing_model: "PMP",
                        category: "service",
                        type: "free_customer_service",
                      },
                    }
                  : {}),
              })),
            },
          },
        ],
      },
    ],
  };
}

async function postWhatsAppWebhook(
  s: SimulatorState,
  payload: unknown,
  appSecret: string,
  meta: { topic: string; waId: string },
): Promise<WebhookLogEntry> {
  const body = JSON.stringify(payload);
  const url = `${s.backends.origin}/webhooks/whatsapp`;
  let status = 0;
  let response = "";
  try {
    const res = await fetch(url, {
      method: "POST",
      body,
      headers: {
        "Content-Type": "application/json",
        "X-Hub-Signature-256": signBody(body, appSecret),
        "User-Agent": "facebookexternalua",
      },
    });
    status = res.status;
    response = (await res.text()).slice(0, 500);
  } catch (error) {
    response = String((error as Error)?.message ?? error);
  }
  return pushWebhook(s, {
    at: Date.now(),
    source: "whatsapp",
    topic: meta.topic,
    waId: meta.waId,
    url,
    payload,
    status,
    response,
  });
}

/** Sends one shopper message through the real webhook endpoint. */
export async function sendAsShopper(
  input: unknown,
): Promise<{ wamid: string; status: number; response: string }> {
  const s = state();
  const parsed = SendInput.parse(input);
  const acct = await account(s);
  if (!acct.appSecret) throw new Response("The demo account has no app secret", { status: 409 });
  const known = s.shoppers.get(parsed.waId);
  const name = parsed.name ?? known?.name ?? "Shopper";
  if (!known) s.shoppers.set(parsed.waId, { waId: parsed.waId, name, language: "en" });

  const message: Record<string, unknown> = { ...parsed.message };
  if (parsed.replyTo) {
    const quoted = await db().message.findFirst({
      where: { shop: s.backends.shop, id: parsed.replyTo },
      select: { wamid: true },
    });
    if (quoted?.wamid) message.context = { from: acct.displayPhoneNumber, id: quoted.wamid };
  }
  const wamid = `wamid.SIM${Buffer.from(randomUUID()).toString("base64url").slice(0, 40)}`;
  const now = Date.now();
  const payload = inboundWebhookPayload({
    wabaId: acct.wabaId,
    phoneNumberId: acct.phoneNumberId,
    displayPhoneNumber: acct.displayPhoneNumber,
    waId: parsed.waId,
    name,
    wamid,
    timestamp: Math.floor(now / 1000),
    message,
  });
  const entry = await postWhatsAppWebhook(s, payload, acct.appSecret, {
    topic: "messages",
    waId: parsed.waId,
  });
  s.inbound.push({ waId: parsed.waId, wamid, at: now, message, status: entry.status });
  if (s.inbound.length > 5_000) s.inbound.splice(0, s.inbound.length - 5_000);
  return { wamid, status: entry.status, response: entry.response };
}

/**
 * The phone shows the bot's new messages: it reports them delivered and read (status webhooks, signed, as
 * Meta sends them), so that ticks and read receipts work in the admin too. Messages whose wamid is not
 * recorded yet are tried again on the next poll.
 */
async function acknowledge(s: SimulatorState, waId: string): Promise<void> {
  const pending = s.backends.graph.sent.filter((x) => {
    const ref = x.body.biz_opaque_callback_data;
    return x.body.to === waId && typeof ref === "string" && !s.acknowledged.has(ref);
  });
  if (pending.length === 0) return;
  const ids = pending.map((x) => String(x.body.biz_opaque_callback_data));
  const rows = await db().message.findMany({
    where: { shop: s.backends.shop, id: { in: ids } },
    select: { id: true, wamid: true },
  });
  const wamids = new Map(rows.filter((r) => r.wamid).map((r) => [r.id, r.wamid!]));
  const ready = ids.filter((id) => wamids.has(id));
  if (ready.length === 0) return;
  ready.forEach((id) => s.acknowledged.add(id));
  const acct = await account(s);
  if (!acct.appSecret) return;
  const statuses = ready.flatMap((id) =>
    (["delivered", "read"] as const).map((status) => ({
      wamid: wamids.get(id)!,
      status,
      recipient: waId,
      bizOpaque: id,
    })),
  );
  const payload = statusWebhookPayload({
    wabaId: acct.wabaId,
    phoneNumberId: acct.phoneNumberId,
    displayPhoneNumber: acct.displayPhoneNumber,
    statuses,
    timestamp: Math.floor(Date.now() / 1000),
  });
  const entry = await postWhatsAppWebhook(s, payload, acct.appSecret, { topic: "statuses", waId });
  if (entry.status !== 200) ready.forEach((id) => s.acknowledged.delete(id));
}

// ---------------------------------------------------------------------------------------------
// Reading: the contract endpoint and the phone's thread
// ---------------------------------------------------------------------------------------------

/** The demo contract: the Graph API request bodies the bot sent to this shopper, in order. */
export function graphMessagesTo(waId: string): GraphBody[] {
  return state().backends.graph.sentTo(waId);
}

export interface ThreadItem {
  key: string;
  dir: "in" | "out";
  at: number;
  /** in: Meta's message object (as the shopper sent it); out: the Graph request body. */
  body: Record<string, unknown>;
  /** in: "failed" (webhook refused), "sent" (accepted), "read" (the bot marked it read). */
  status?: "failed" | "sent" | "read";
  httpStatus?: number;
}

export interface ThreadView {
  waId: string;
  items: ThreadItem[];
  webhooks: WebhookLogEntry[];
  graph: { at: number; body: GraphBody }[];
  checkout: {
    draftOrderId: string;
    name: string;
    invoiceUrl: string;
    total: SimMoney;
    status: string;
  } | null;
  orders: {
    id: string;
    name: string;
    total: SimMoney;
    financialStatus: string;
    fulfillmentStatus: string;
    createdAt: string;
  }[];
}

const digits = (v: string | null | undefined) => (v ?? "").replace(/\D/g, "");

/** The shopper's latest checkout (draft order created for this phone) — what "Place order" pays. */
function latestDraft(s: SimulatorState, waId: string): SimDraftOrder | undefined {
  return [...s.backends.store.draftOrders].reverse().find((d) => digits(d.phone) === waId);
}

function ordersOf(s: SimulatorState, waId: string): SimOrder[] {
  return s.backends.store.orders.filter((o) => digits(o.phone) === waId || digits(o.shippingPhone) === waId);
}

export async function thread(waId: string, options: { acknowledge?: boolean } = {}): Promise<ThreadView> {
  const s = state();
  if (!/^\d{8,15}$/.test(waId)) throw new Response("wa_id must be 8-15 digits", { status: 400 });
  if (options.acknowledge) await acknowledge(s, waId).catch(() => undefined);
  const readIds = new Set(s.backends.graph.reads.map((r) => String(r.body.message_id ?? "")));
  const items: ThreadItem[] = [
    ...s.inbound
      .filter((m) => m.waId === waId)
      .map<ThreadItem>((m) => ({
        key: m.wamid,
        dir: "in",
        at: m.at,
        body: m.message,
        httpStatus: m.status,
        status: m.status !== 200 ? "failed" : readIds.has(m.wamid) ? "read" : "sent",
      })),
    ...s.backends.graph.sent
      .map((x, i) => ({ x, i }))
      .filter(({ x }) => x.body.to === waId)
      .map<ThreadItem>(({ x, i }) => ({ key: `out-${i}`, dir: "out", at: x.at, body: x.body })),
  ].sort((a, b) => a.at - b.at || (a.dir === b.dir ? 0 : a.dir === "in" ? -1 : 1));
  const draft = latestDraft(s, waId);
  return {
    waId,
    items,
    webhooks: s.webhooks.filter((w) => w.waId === waId).slice(-60),
    graph: [...s.backends.graph.sent, ...s.backends.graph.reads]
      .filter(
        (x) =>
          x.body.to === waId ||
          (x.body.status === "read" &&
            s.inbound.some((m) => m.waId === waId && m.wamid === x.body.message_id)),
      )
      .sort((a, b) => a.at - b.at)
      .slice(-60)
      .map((x) => ({ at: x.at, body: x.body })),
    checkout: draft
      ? {
          draftOrderId: draft.id,
          name: draft.name,
          invoiceUrl: draft.invoiceUrl,
          total: draft.total,
          status: draft.status,
        }
      : null,
    orders: ordersOf(s, waId).map((o) => ({
      id: o.id,
      name: o.name,
      total: o.total,
      financialStatus: o.financialStatus,
      fulfillmentStatus: o.fulfillmentStatus,
      createdAt: o.createdAt,
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Shopify: orders placed and fulfilled, then the webhooks Shopify would send
// ---------------------------------------------------------------------------------------------

function money(amount: string, currency: string) {
  return {
    shop_money: { amount, currency_code: currency },
    presentment_money: { amount, currency_code: currency },
  };
}

const fixed = (n: number) => n.toFixed(2);

/**
 * The REST-shaped order Shopify sends in `orders/create`, `orders/updated`, `orders/fulfilled` (API 2025-10
 * field set, see shared/fixtures/shopify-webhooks/2025-10/orders__create.json), from the fake's order.
 */
export function orderWebhookPayload(
  order: SimOrder,
  store: Pick<SimulatorStore, "shopDomain" | "findCustomer">,
) {
  const currency = order.total.currencyCode;
  const customer = order.customerId ? store.findCustomer(order.customerId) : undefined;
  const subtotal = order.lineItems.reduce((n, l) => n + Number(l.unitPrice) * l.quantity, 0);
  const number = Number(order.name.replace(/\D/g, "")) || 1001;
  const token = order.statusPageUrl.match(/orders\/([^/]+)/)?.[1] ?? order.id;
  const fulfilled = order.fulfillmentStatus === "FULFILLED";
  const lineItems = order.lineItems.map((l, i) => ({
    id: Number(order.id) * 10 + i + 1,
    admin_graphql_api_id: `gid://shopify/LineItem/${Number(order.id) * 10 + i + 1}`,
    attributed_staffs: [],
    current_quantity: l.quantity,
    fulfillable_quantity: fulfilled ? 0 : l.quantity,
    fulfillment_service: "manual",
    fulfillment_status: fulfilled ? "fulfilled" : null,
    gift_card: false,
    grams: 0,
    name: l.variantTitle && l.variantTitle !== "Default Title" ? `${l.title} - ${l.variantTitle}` : l.title,
    price: l.unitPrice,
    price_set: money(l.unitPrice, currency),
    product_exists: true,
    product_id: Number(l.productId.replace(/\D/g, "")),
    properties: [],
    quantity: l.quantity,
    requires_shipping: true,
    sales_line_item_group_id: null,
    sku: l.sku,
    taxable: true,
    title: l.title,
    total_discount: "0.00",
    total_discount_set: money("0.00", currency),
    variant_id: Number(l.variantId.replace(/\D/g, "")),
    variant_inventory_management: "shopify",
    variant_title: l.variantTitle,
    vendor: null,
    tax_lines: [],
    duties: [],
    discount_allocations: [],
  }));
  const fulfillments = order.fulfillments.map((f) => {
    const t = f.tracking[0];
    return {
      id: Number(f.id),
      admin_graphql_api_id: `gid://shopify/Fulfillment/${f.id}`,
      created_at: f.createdAt,
      location_id: 1,
      name: `${order.name}.1`,
      order_id: Number(order.id),
      origin_address: {},
      receipt: {},
      service: "manual",
      shipment_status: null,
      status: "success",
      tracking_company: t?.company ?? null,
      tracking_number: t?.number ?? null,
      tracking_numbers: t?.number ? [t.number] : [],
      tracking_url: t?.url ?? null,
      tracking_urls: t?.url ? [t.url] : [],
      updated_at: f.createdAt,
      line_items: lineItems.map((l) => ({ ...l, fulfillable_quantity: 0, fulfillment_status: "fulfilled" })),
    };
  });
  const address = {
    first_name: customer?.firstName ?? null,
    last_name: customer?.lastName ?? null,
    name: [customer?.firstName, customer?.lastName].filter(Boolean).join(" ") || null,
    address1: "King Fahd Road 1",
    address2: null,
    city: "Riyadh",
    province: "Riyadh",
    province_code: "01",
    country: "Saudi Arabia",
    country_code: "SA",
    zip: "12211",
    phone: order.shippingPhone ?? order.phone,
    company: null,
    latitude: null,
    longitude: null,
  };
  return {
    id: Number(order.id),
    admin_graphql_api_id: `gid://shopify/Order/${order.id}`,
    app_id: 1354745,
    browser_ip: null,
    buyer_accepts_marketing: false,
    cancel_reason: null,
    cancelled_at: null,
    cart_token: null,
    checkout_id: null,
    checkout_token: null,
    client_details: null,
    closed_at: null,
    confirmation_number: token.slice(0, 9).toUpperCase(),
    confirmed: true,
    contact_email: order.email,
    created_at: order.createdAt,
    currency,
    current_shipping_price_set: money("0.00", currency),
    current_subtotal_price: fixed(subtotal),
    current_subtotal_price_set: money(fixed(subtotal), currency),
    current_total_additional_fees_set: null,
    current_total_discounts: "0.00",
    current_total_discounts_set: money("0.00", currency),
    current_total_duties_set: null,
    current_total_price: order.total.amount,
    current_total_price_set: money(order.total.amount, currency),
    current_total_tax: "0.00",
    current_total_tax_set: money("0.00", currency),
    customer_locale: order.customerLocale ?? customer?.locale ?? null,
    device_id: null,
    discount_codes: [],
    duties_included: false,
    email: order.email ?? "",
    estimated_taxes: false,
    financial_status: order.financialStatus.toLowerCase(),
    fulfillment_status: fulfilled ? "fulfilled" : null,
    landing_site: null,
    landing_site_ref: null,
    location_id: null,
    merchant_business_entity_id: Buffer.from(store.shopDomain).toString("base64url").slice(0, 14),
    merchant_of_record_app_id: null,
    name: order.name,
    note: order.note,
    note_attributes: order.customAttributes.map((a) => ({ name: a.key, value: a.value })),
    number: number - 1000,
    order_number: number,
    order_status_url: order.statusPageUrl,
    original_total_additional_fees_set: null,
    original_total_duties_set: null,
    payment_gateway_names: ["manual"],
    phone: order.phone,
    po_number: null,
    presentment_currency: currency,
    processed_at: order.createdAt,
    reference: null,
    referring_site: null,
    source_identifier: null,
    source_name: "shopify_draft_order",
    source_url: null,
    subtotal_price: fixed(subtotal),
    subtotal_price_set: money(fixed(subtotal), currency),
    tags: order.tags.join(", "),
    tax_exempt: false,
    tax_lines: [],
    taxes_included: false,
    test: true,
    token,
    total_cash_rounding_payment_adjustment_set: money("0.00", currency),
    total_cash_rounding_refund_adjustment_set: money("0.00", currency),
    total_discounts: "0.00",
    total_discounts_set: money("0.00", currency),
    total_line_items_price: fixed(subtotal),
    total_line_items_price_set: money(fixed(subtotal), currency),
    total_outstanding: order.financialStatus === "PAID" ? "0.00" : order.total.amount,
    total_price: order.total.amount,
    total_price_set: money(order.total.amount, currency),
    total_shipping_price_set: money("0.00", currency),
    total_tax: "0.00",
    total_tax_set: money("0.00", currency),
    total_tip_received: "0.00",
    total_weight: 0,
    updated_at: fulfillments.at(-1)?.created_at ?? order.createdAt,
    user_id: null,
    billing_address: address,
    customer: customer
      ? {
          id: Number(customer.id),
          email: customer.email,
          created_at: order.createdAt,
          updated_at: order.createdAt,
          first_name: customer.firstName,
          last_name: customer.lastName,
          state: "disabled",
          note: null,
          verified_email: false,
          multipass_identifier: null,
          tax_exempt: false,
          phone: customer.phone,
          currency,
          tax_exemptions: [],
          admin_graphql_api_id: `gid://shopify/Customer/${customer.id}`,
          default_address: {
            ...address,
            id: Number(customer.id) + 1,
            customer_id: Number(customer.id),
            default: true,
          },
        }
      : null,
    discount_applications: [],
    fulfillments,
    line_item_groups: [],
    line_items: lineItems,
    payment_terms: null,
    refunds: [],
    shipping_address: address,
    shipping_lines: [],
    returns: [],
  };
}

/** POSTs a webhook signed as Shopify signs it (base64 HMAC-SHA256 of the raw body with the app's secret). */
async function postShopifyWebhook(
  s: SimulatorState,
  topic: string,
  payload: unknown,
  waId: string | null,
): Promise<WebhookLogEntry> {
  const body = JSON.stringify(payload);
  const url = `${s.backends.origin}/webhooks/${topic}`;
  const hmac = createHmac("sha256", env().SHOPIFY_API_SECRET).update(body, "utf8").digest("base64");
  let status = 0;
  let response = "";
  try {
    const res = await fetch(url, {
      method: "POST",
      body,
      headers: {
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": hmac,
        "X-Shopify-Shop-Domain": s.backends.shop,
        "X-Shopify-Webhook-Id": randomUUID(),
        "X-Shopify-Event-Id": randomUUID(),
        "X-Shopify-Triggered-At": new Date().toISOString(),
        "X-Shopify-API-Version": ADMIN_API_VERSION,
      },
    });
    status = res.status;
    response = (await res.text()).slice(0, 500);
  } catch (error) {
    response = String((error as Error)?.message ?? error);
  }
  return pushWebhook(s, { at: Date.now(), source: "shopify", topic, waId, url, payload, status, response });
}

export const OrderActionInput = z.object({
  waId: z.string().regex(/^\d{8,15}$/),
  action: z.enum(["place", "fulfill"]),
});

export interface OrderActionResult {
  order: { id: string; name: string };
  webhook: { topic: string; status: number; response: string };
}

/** "Place order" pays the shopper's latest checkout; "Mark fulfilled" ships their latest unfulfilled order. */
export async function orderAction(input: unknown): Promise<OrderActionResult> {
  const s = state();
  const { waId, action } = OrderActionInput.parse(input);
  const store = s.backends.store;
  if (action === "place") {
    const draft = latestDraft(s, waId);
    if (!draft)
      throw new Response("No checkout for this shopper yet: ask the bot for one first.", { status: 409 });
    if (draft.status !== "OPEN")
      throw new Response(`Checkout ${draft.name} is already paid.`, { status: 409 });
    const shopper = (await listShoppers()).find((x) => x.waId === waId);
    const [firstName, ...rest] = (shopper?.name ?? "Shopper").split(/\s+/);
    const order = store.placeOrder(draft.id, {
      customer: {
        firstName,
        lastName: rest.join(" ") || undefined,
        phone: `+${waId}`,
        locale: shopper?.language ?? "en",
      },
    });
    const entry = await postShopifyWebhook(s, "orders/create", orderWebhookPayload(order, store), waId);
    return {
      order: { id: order.id, name: order.name },
      webhook: { topic: entry.topic, status: entry.status, response: entry.response },
    };
  }
  const order = [...ordersOf(s, waId)].reverse().find((o) => o.fulfillmentStatus !== "FULFILLED");
  if (!order) throw new Response("No unfulfilled order for this shopper.", { status: 409 });
  const trackingNumber = `SA${order.id.slice(-9)}`;
  const fulfilled = store.fulfillOrder(order.id, {
    trackingUrl: `https://track.aramex.com/track?ShipmentNumber=${trackingNumber}`,
    trackingNumber,
    company: "Aramex",
  });
  const entry = await postShopifyWebhook(s, "orders/fulfilled", orderWebhookPayload(fulfilled, store), waId);
  return {
    order: { id: fulfilled.id, name: fulfilled.name },
    webhook: { topic: entry.topic, status: entry.status, response: entry.response },
  };
}

// ---------------------------------------------------------------------------------------------
// The merchant admin outside Shopify: a session token, as App Bridge would give one
// ---------------------------------------------------------------------------------------------

const b64url = (value: string | Buffer) => Buffer.from(value).toString("base64url");

/**
 * A session token (HS256 JWT signed with the app's secret) with the claims Shopify documents for App Bridge
 * session tokens. Demo only: in production only Shopify can issue them.
 */
export function demoSessionToken(options: {
  shop: string;
  apiKey: string;
  secret: string;
  ttlSeconds?: number;
  now?: number;
}): string {
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  const header = { alg: "HS256", typ: "JWT" };
  const payload = {
    iss: `https://${options.shop}/admin`,
    dest: `https://${options.shop}`,
    aud: options.apiKey,
    sub: "1",
    exp: now + (options.ttlSeconds ?? 60),
    nbf: now - 5,
    iat: now,
    jti: randomUUID(),
    sid: createHmac("sha256", "hala-demo").update(options.shop).digest("hex").slice(0, 32),
  };
  const unsigned = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const signature = createHmac("sha256", options.secret).update(unsigned).digest("base64url");
  return `${unsigned}.${signature}`;
}

/** `host` as the Shopify admin passes it: base64 of `admin.shopify.com/store/<handle>`. */
export function adminHostParam(shop: string): string {
  return Buffer.from(`admin.shopify.com/store/${shop.replace(/\.myshopify\.com$/, "")}`).toString("base64");
}

/** Links to the embedded admin pages of the demo shop, each with a fresh session token (valid 60 s, as Shopify's). */
export function demoAdminLinks(paths: string[] = ["/app"]): { path: string; href: string }[] {
  const s = state();
  const e = env();
  return paths.map((path) => {
    const params = new URLSearchParams({
      embedded: "1",
      shop: s.backends.shop,
      host: adminHostParam(s.backends.shop),
      id_token: demoSessionToken({
        shop: s.backends.shop,
        apiKey: e.SHOPIFY_API_KEY,
        secret: e.SHOPIFY_API_SECRET,
      }),
    });
    return { path, href: `${path}?${params.toString()}` };
  });
}

export async function simulatorInfo() {
  const s = state();
  const shopRow = await db().shop.findUnique({ where: { shop: s.backends.shop }, select: { name: true } });
  return {
    shop: s.backends.shop,
    shopName: shopRow?.name ?? s.backends.shop,
    currencyCode: s.backends.store.currencyCode,
    apiKey: env().SHOPIFY_API_KEY,
  };
}

/**
 * Runs a simulator API handler: 404 outside demo mode, 400 with the issues for invalid input, JSON otherwise.
 * Thrown Responses (404, 409…) pass through.
 */
export async function simulatorApi<T>(fn: () => Promise<T> | T): Promise<Response> {
  try {
    requireSimulator();
    const result = await fn();
    return Response.json(result, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    if (error instanceof Response) {
      if (error.status === 404) return error;
      return Response.json({ error: await error.text() }, { status: error.status });
    }
    if (error instanceof z.ZodError) {
      return Response.json(
        {
          error: "invalid input",
          issues: error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
        },
        { status: 400 },
      );
    }
    if (error instanceof SyntaxError) return Response.json({ error: "invalid JSON" }, { status: 400 });
    throw error;
  }
}

/** The JSON body of a simulator API request (400 when it is not JSON). */
export async function readJson(request: Request): Promise<unknown> {
  if (request.method !== "POST") throw new Response("Method not allowed", { status: 405 });
  return JSON.parse(await request.text());
}

/** Set by /simulator/admin/open: this browser opened the demo admin outside Shopify. */
export const DEMO_ADMIN_COOKIE = "hala_demo_admin";

/**
 * Demo only (scripts/demo.ts calls it from the server's `before` hook): inside the Shopify admin, App Bridge
 * adds `Authorization: Bearer <session token>` to the embedded app's fetches (Remix data requests, form
 * posts). Outside Shopify nothing does, so for a browser that opened the admin through /simulator/admin, the
 * demo adds a fresh token to `/app` requests that carry none. Returns the header value, or null.
 */
export function demoAdminAuthorization(request: Request): string | null {
  if (!simulatorEnabled()) return null;
  const url = new URL(request.url);
  if (url.pathname !== "/app" && !url.pathname.startsWith("/app/")) return null;
  if (request.headers.get("authorization") || url.searchParams.get("id_token")) return null;
  const cookies = request.headers.get("cookie") ?? "";
  if (!cookies.split(/;\s*/).includes(`${DEMO_ADMIN_COOKIE}=1`)) return null;
  const s = state();
  const e = env();
  return `Bearer ${demoSessionToken({ shop: s.backends.shop, apiKey: e.SHOPIFY_API_KEY, secret: e.SHOPIFY_API_SECRET })}`;
}
