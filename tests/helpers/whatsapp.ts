import { randomUUID } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { upsertAccount } from "~/adapters/db/accounts.server";
import { ensureShop } from "~/adapters/db/shops.server";
import { signBody } from "~/adapters/whatsapp/verify-signature";
import { db } from "~/db.server";

export const WHATSAPP_FIXTURES = path.resolve(__dirname, "../../../shared/fixtures/whatsapp");

export function whatsappFixtureNames(): string[] {
  return readdirSync(WHATSAPP_FIXTURES).filter((f) => f.endsWith(".json"));
}

export function whatsappFixture(name: string): Record<string, unknown> {
  return JSON.parse(
    readFileSync(path.join(WHATSAPP_FIXTURES, name.endsWith(".json") ? name : `${name}.json`), "utf8"),
  );
}

export interface TestStore {
  shop: string;
  phoneNumberId: string;
  appSecret: string;
  accessToken: string;
  verifyToken: string;
  accountId: string;
}

/** A shop with a connected WhatsApp number and an offline Shopify session. */
export async function seedStore(
  overrides: Partial<TestStore> & { name?: string; currencyCode?: string } = {},
): Promise<TestStore> {
  const store = {
    shop: overrides.shop ?? "test-shop.myshopify.com",
    phoneNumberId: overrides.phoneNumberId ?? "106540352242922",
    appSecret: overrides.appSecret ?? "test-app-secret",
    accessToken: overrides.accessToken ?? "EAAGtest-access-token",
    verifyToken: overrides.verifyToken ?? `verify-${randomUUID()}`,
  };
  await ensureShop(store.shop, {
    name: overrides.name ?? "Test Shop",
    currencyCode: overrides.currencyCode ?? "SAR",
  });
  const account = await upsertAccount(store.shop, {
    phoneNumberId: store.phoneNumberId,
    wabaId: "419561257915477",
    accessToken: store.accessToken,
    appSecret: store.appSecret,
    verifyToken: store.verifyToken,
  });
  await db().session.upsert({
    where: { id: `offline_${store.shop}` },
    create: {
      id: `offline_${store.shop}`,
      shop: store.shop,
      state: "",
      isOnline: false,
      accessToken: "shpat_test",
      scope: "read_products,write_draft_orders,read_orders,read_customers,read_fulfillments",
    },
    update: {},
  });
  return { ...store, accountId: account.id };
}

let wamidCounter = 0;

/** Meta's webhook envelope around one change value of a phone number. */
export function webhookEnvelope(phoneNumberId: string, value: Record<string, unknown>) {
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: "419561257915477",
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "15550783881", phone_number_id: phoneNumberId },
              ...value,
            },
          },
        ],
      },
    ],
  };
}

/** A Meta-shaped inbound text (or any message object) for a phone number. */
export function inboundPayload(
  phoneNumberId: string,
  waId: string,
  message: Record<string, unknown>,
  options: { name?: string; wamid?: string; timestamp?: number } = {},
) {
  return webhookEnvelope(phoneNumberId, {
    contacts: [{ profile: { name: options.name ?? "Test Shopper" }, wa_id: waId }],
    messages: [
      {
        from: waId,
        id: options.wamid ?? `wamid.TEST${Date.now()}${++wamidCounter}`,
        timestamp: String(options.timestamp ?? Math.floor(Date.now() / 1000)),
        ...message,
      },
    ],
  });
}

export const textMessage = (body: string) => ({ type: "text", text: { body } });
export const buttonReply = (id: string, title: string) => ({
  type: "interactive",
  interactive: { type: "button_reply", button_reply: { id, title } },
});
export const listReply = (id: string, title: string) => ({
  type: "interactive",
  interactive: { type: "list_reply", list_reply: { id, title } },
});

export function statusPayload(
  phoneNumberId: string,
  wamid: string,
  status: string,
  recipient: string,
  extra: Record<string, unknown> = {},
) {
  return webhookEnvelope(phoneNumberId, {
    statuses: [
      {
        id: wamid,
        status,
        timestamp: String(Math.floor(Date.now() / 1000)),
        recipient_id: recipient,
        ...extra,
      },
    ],
  });
}

/** A signed POST to /webhooks/whatsapp, exactly as Meta sends it. */
export function whatsappWebhookRequest(
  payload: unknown,
  secret: string | null,
  options: { signature?: string } = {},
): Request {
  const body = typeof payload === "string" ? payload : JSON.stringify(payload);
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  const signature = options.signature ?? (secret ? signBody(body, secret) : undefined);
  if (signature) headers["X-Hub-Signature-256"] = signature;
  return new Request("https://hala.test/webhooks/whatsapp", { method: "POST", body, headers });
}
