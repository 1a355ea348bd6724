/**
 * Tenants and Meta-shaped, signed webhook payloads for the load tests. The shape is the one of
 * tests/helpers/whatsapp.ts `inboundPayload` (which cannot be imported here: it reads `__dirname` and loads
 * Prisma); the signature is the app's own `signBody`.
 */
import { randomBytes } from "node:crypto";
import { signBody } from "~/adapters/whatsapp/verify-signature";

export interface Tenant {
  index: number;
  shop: string;
  phoneNumberId: string;
  appSecret: string;
  accessToken: string;
  verifyToken: string;
}

export function makeTenants(count: number): Tenant[] {
  const run = randomBytes(4).toString("hex");
  return Array.from({ length: count }, (_, i) => ({
    index: i,
    shop: `bench-${String(i + 1).padStart(2, "0")}.myshopify.com`,
    phoneNumberId: `1065403522${String(i + 1).padStart(5, "0")}`,
    appSecret: randomBytes(16).toString("hex"),
    accessToken: `EAAGbench${run}${i + 1}`,
    verifyToken: `bench-verify-${run}-${i + 1}`,
  }));
}

/** A Meta-shaped inbound text webhook (one entry, one change, one message), as Meta sends it. */
export function textWebhook(
  phoneNumberId: string,
  waId: string,
  text: string,
  wamid: string,
  name = "Bench Shopper",
): Record<string, unknown> {
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: "419561257915477",
        changes: [
          {
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "15550783881", phone_number_id: phoneNumberId },
              contacts: [{ profile: { name }, wa_id: waId }],
              messages: [
                {
                  from: waId,
                  id: wamid,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  type: "text",
                  text: { body: text },
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

export interface SignedRequest {
  /** The X-Hub-Signature-256 header. */
  signature: string;
  body: string;
  /** The shopper (unique per message in the open-loop run). */
  waId: string;
}

/**
 * Texts that the bot answers without the Admin API (greetings open the menu, keywords jump, anything else
 * gets "I didn't get that" plus the menu): the realistic hot path when no Shopify store is reachable.
 */
const TEXTS = [
  "hi",
  "Hi",
  "hello",
  "menu",
  "help",
  "مرحبا",
  "السلام عليكم",
  "Does it come in another color?",
  "thanks!",
];

/** A deterministic PRNG (mulberry32) so that runs send the same mix. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The closed-loop mix: `count` webhooks, each a text from one of `shoppersPerTenant` shoppers of a random
 * tenant; `duplicateShare` of them are exact re-deliveries (same bytes, same signature) of a recent one, as
 * Meta does when an acknowledgement is slow.
 */
export function closedLoopRequests(
  tenants: Tenant[],
  count: number,
  options: { seed: number; prefix: string; shoppersPerTenant: number; duplicateShare: number },
): { requests: SignedRequest[]; duplicates: number } {
  const random = prng(options.seed);
  const requests: SignedRequest[] = [];
  let duplicates = 0;
  for (let i = 0; i < count; i++) {
    if (requests.length > 50 && random() < options.duplicateShare) {
      // A re-delivery of one of the last 50 webhooks.
      requests.push(requests[requests.length - 1 - Math.floor(random() * 50)]);
      duplicates++;
      continue;
    }
    const tenant = tenants[Math.floor(random() * tenants.length)];
    const shopper = Math.floor(random() * options.shoppersPerTenant);
    const waId = `9665${String(tenant.index + 1).padStart(2, "0")}${String(shopper).padStart(6, "0")}`;
    const text = TEXTS[Math.floor(random() * TEXTS.length)];
    const wamid = `wamid.BENCH${options.prefix}${String(i).padStart(8, "0")}`;
    const body = JSON.stringify(textWebhook(tenant.phoneNumberId, waId, text, wamid));
    requests.push({ signature: signBody(body, tenant.appSecret), body, waId });
  }
  return { requests, duplicates };
}

/**
 * The open-loop mix: every message from a new shopper (so the first reply to that wa_id is the reply to
 * that message), "hi" — the bot answers with its menu — spread over the tenants round-robin.
 */
export function openLoopRequests(tenants: Tenant[], count: number, prefix: string): SignedRequest[] {
  const requests: SignedRequest[] = [];
  for (let i = 0; i < count; i++) {
    const tenant = tenants[i % tenants.length];
    const waId = `97${prefix}${String(i).padStart(8, "0")}`;
    const wamid = `wamid.OPEN${prefix}${String(i).padStart(8, "0")}`;
    const body = JSON.stringify(textWebhook(tenant.phoneNumberId, waId, "hi", wamid));
    requests.push({ signature: signBody(body, tenant.appSecret), body, waId });
  }
  return requests;
}
