/**
 * Sends signed WhatsApp webhooks to the app as Meta does: at a steady rate, and again — the same bytes, the
 * same signature — for every one that did not get a 200 (connection refused or reset while the app was
 * down, a 503 while its database was down, a timeout). Bounded: at most `maxInFlight` requests at once,
 * a per-request timeout, and redelivery stops at the caller's deadline.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import { signBody } from "~/adapters/whatsapp/verify-signature";

export interface Tenant {
  index: number;
  shop: string;
  phoneNumberId: string;
  appSecret: string;
  accessToken: string;
  verifyToken: string;
  messagesPerSecond: number;
}

export function makeTenants(count: number, messagesPerSecond = 80, prefix = "res"): Tenant[] {
  const run = randomBytes(4).toString("hex");
  // phone_number_id is unique across shops: a series per prefix and run.
  const series = randomBytes(2).readUInt16BE(0) % 10000;
  return Array.from({ length: count }, (_, i) => ({
    index: i,
    // Unique per run: two runs sharing the Redis db never share a shop's throttle or catalog keys.
    shop: `${prefix}-${run.slice(0, 4)}-${String(i + 1).padStart(2, "0")}.myshopify.com`,
    phoneNumberId: `20654${String(series).padStart(4, "0")}${String(i + 1).padStart(5, "0")}`,
    appSecret: randomBytes(16).toString("hex"),
    accessToken: `EAAGres${run}${i + 1}`,
    verifyToken: `res-verify-${run}-${i + 1}`,
    messagesPerSecond,
  }));
}

export interface Webhook {
  wamid: string;
  shop: string;
  waId: string;
  body: string;
  signature: string;
  /** Wall-clock ms of each attempt and its result (HTTP status, 0 = no answer). */
  attempts: { at: number; status: number }[];
  acked: boolean;
  ackedAt?: number;
}

/** Texts the bot answers without the Admin API (as bench/lib/payloads.ts): every one gets a reply. */
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

let wamidCounter = 0;
const runTag = randomBytes(3).toString("hex");

/** A signed delivery of one `messages` change for the tenant's number, as Meta sends it. */
function signedWebhook(tenant: Tenant, value: Record<string, unknown>, wamid: string, waId: string): Webhook {
  const body = JSON.stringify({
    object: "whatsapp_business_account",
    entry: [
      {
        id: "419561257915477",
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "15550783881", phone_number_id: tenant.phoneNumberId },
              ...value,
            },
          },
        ],
      },
    ],
  });
  return {
    wamid,
    shop: tenant.shop,
    waId,
    body,
    signature: signBody(body, tenant.appSecret),
    attempts: [],
    acked: false,
  };
}

const seconds = (ms: number) => String(Math.floor(ms / 1000));

/** `writtenAtMs`: when the shopper wrote it (Meta's timestamp; the bot's throttle counts on it). */
export function textWebhook(
  tenant: Tenant,
  waId: string,
  text: string,
  wamid?: string,
  writtenAtMs = Date.now(),
): Webhook {
  const id = wamid ?? `wamid.RES${runTag}${String(++wamidCounter).padStart(8, "0")}`;
  return signedWebhook(
    tenant,
    {
      contacts: [{ profile: { name: `Shopper ${waId.slice(-4)}` }, wa_id: waId }],
      messages: [{ from: waId, id, timestamp: seconds(writtenAtMs), type: "text", text: { body: text } }],
    },
    id,
    waId,
  );
}

/** Meta's "sent" status for a reply the Graph API accepted, echoing its biz_opaque_callback_data. */
export function sentStatusWebhook(tenant: Tenant, to: string, wamid: string, ref: string): Webhook {
  return signedWebhook(
    tenant,
    {
      statuses: [
        {
          id: wamid,
          status: "sent",
          timestamp: seconds(Date.now()),
          recipient_id: to,
          biz_opaque_callback_data: ref,
          pricing: {
            billable: false,
            pricing_model: "PMP",
            category: "service",
            type: "free_customer_service",
          },
        },
      ],
    },
    wamid,
    to,
  );
}

/**
 * `count` webhooks from `shoppersPerTenant` shoppers per tenant, round robin, texts the bot answers offline.
 * Each is stamped with the moment an open loop at `ratePerSec` starting now sends it (webhook i at i / rate):
 * the time the shopper wrote it, kept by every redelivery as Meta keeps it.
 */
export function makeWebhooks(
  tenants: Tenant[],
  count: number,
  shoppersPerTenant: number,
  random: () => number,
  ratePerSec: number,
): Webhook[] {
  const start = Date.now();
  return Array.from({ length: count }, (_, i) => {
    const tenant = tenants[i % tenants.length];
    const shopper = Math.floor(random() * shoppersPerTenant);
    const waId = `9665${String(tenant.index + 1).padStart(2, "0")}${String(shopper).padStart(6, "0")}`;
    const text = TEXTS[Math.floor(random() * TEXTS.length)];
    return textWebhook(tenant, waId, text, undefined, start + (i * 1000) / ratePerSec);
  });
}

export interface DriverStats {
  sent: number;
  statuses: Record<string, number>;
  redeliveries: number;
}

export class WebhookDriver {
  private agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private inFlight = 0;
  private queue: Webhook[] = [];
  private timer?: NodeJS.Timeout;
  readonly stats: DriverStats = { sent: 0, statuses: {}, redeliveries: 0 };
  /** Observers of every answer (e.g. to count 503s during a database outage). */
  onAnswer?: (w: Webhook, status: number) => void;

  constructor(
    private readonly url: () => string,
    private readonly options: { maxInFlight?: number; timeoutMs?: number; redeliverEveryMs?: number } = {},
  ) {}

  /** One POST; a non-200 answer (or none) puts the webhook in the redelivery queue. */
  send(w: Webhook): Promise<number> {
    this.inFlight++;
    this.stats.sent++;
    const at = Date.now();
    return new Promise<number>((resolve) => {
      let settled = false;
      const done = (status: number) => {
        if (settled) return;
        settled = true;
        this.inFlight--;
        w.attempts.push({ at, status });
        this.stats.statuses[String(status)] = (this.stats.statuses[String(status)] ?? 0) + 1;
        if (status === 200) {
          if (!w.acked) w.ackedAt = Date.now();
          w.acked = true;
        } else if (!w.acked && !this.queue.includes(w)) {
          this.queue.push(w);
        }
        this.onAnswer?.(w, status);
        resolve(status);
      };
      const req = http.request(
        `${this.url()}/webhooks/whatsapp`,
        {
          method: "POST",
          agent: this.agent,
          timeout: this.options.timeoutMs ?? 10_000,
          headers: {
            "Content-Type": "application/json",
            "Content-Length": Buffer.byteLength(w.body),
            "X-Hub-Signature-256": w.signature,
          },
        },
        (res) => {
          res.resume();
          res.on("end", () => done(res.statusCode ?? 0));
          res.on("error", () => done(0));
        },
      );
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", () => done(0));
      req.end(w.body);
    });
  }

  get pendingRedeliveries(): number {
    return this.queue.length;
  }

  get busy(): number {
    return this.inFlight;
  }

  /** Starts redelivering what was not acknowledged, every `redeliverEveryMs` (Meta retries too). */
  startRedelivery(): void {
    const every = this.options.redeliverEveryMs ?? 300;
    const tick = () => {
      const max = this.options.maxInFlight ?? 200;
      const batch = this.queue.splice(0, Math.max(0, max - this.inFlight));
      for (const w of batch) {
        this.stats.redeliveries++;
        void this.send(w);
      }
      this.timer = setTimeout(tick, every);
    };
    this.timer = setTimeout(tick, every);
  }

  stopRedelivery(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * Open loop: webhook i is sent at start + i / rate (skipped into the redelivery queue when too many are in
   * flight). Resolves when all were sent once (or `stop()` returned true).
   */
  async runOpenLoop(
    webhooks: Webhook[],
    ratePerSec: number,
    stop: () => boolean = () => false,
  ): Promise<void> {
    const start = Date.now();
    const max = this.options.maxInFlight ?? 200;
    for (let i = 0; i < webhooks.length; i++) {
      if (stop()) return;
      const due = start + (i * 1000) / ratePerSec;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (this.inFlight >= max) {
        if (!this.queue.includes(webhooks[i])) this.queue.push(webhooks[i]);
        continue;
      }
      void this.send(webhooks[i]);
    }
  }

  /** Waits until every webhook is acknowledged and nothing is in flight, or the deadline passes. */
  async settle(webhooks: Webhook[], deadline: number): Promise<boolean> {
    while (Date.now() < deadline) {
      if (this.inFlight === 0 && this.queue.length === 0 && webhooks.every((w) => w.acked)) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  }

  close(): void {
    this.stopRedelivery();
    this.agent.destroy();
  }
}
