import { randomBytes } from "node:crypto";
import type { Prisma } from "@prisma/client";
import { inboundInsert } from "~/adapters/db/inbound-events.server";
import { withDates } from "~/adapters/db/json-row";
import { commitTurnsParams, turnResults, type InboundTurnWrite } from "~/adapters/db/messages.server";
import { toInboundEvent } from "~/adapters/whatsapp/to-event";
import { toGraphRequest } from "~/adapters/whatsapp/to-graph-request";
import { signBody, verifySignature } from "~/adapters/whatsapp/verify-signature";
import {
  parseWebhookBody,
  type WebhookMessageItem,
  WHATSAPP_WEBHOOK_OBJECT,
} from "~/adapters/whatsapp/webhook-schema";
import { initialState, parseState, STATE_VERSION, type DataRequest } from "~/domain/conversation";
import { parseInboundBucket, takeInboundToken } from "~/domain/inbound-throttle";
import type { OutboundMessage } from "~/domain/types";
import { engineContext, runTurn, textOf } from "./conversation.server";
import { toOutboundRows } from "./outbound.server";
import {
  inboundEventsOf,
  lenientPhoneNumberIds,
  nestingDepth,
  readWebhookJson,
} from "./whatsapp-intake.server";

/**
 * Start-up warm-up (docs/decisions/014-warm-up.md): before a process takes its share of the traffic, it runs the
 * pure code of its hot paths on synthetic webhooks, so that V8 has compiled them (TurboFan, after
 * `--invocation-count-for-turbofan` calls: scripts/v8-flags.ts) before the first burst instead of during it.
 * Without it, a fresh instance under load spends its first second compiling on the cores the load needs
 * (bench/results/ab-s26/README.md). No I/O at all: no database, cache, network, log or clock-dependent
 * result; the inputs are made up here and thrown away.
 *
 * - `intake` (the web thread): the webhook's body read, signature check, JSON and schema parse, the rows to
 *   store and the INSERT's parameters — what `acceptWhatsAppWebhook` runs besides its two awaits.
 * - `worker` (the inbox worker): a claimed row's dates, the message's event, the shopper throttle, the
 *   conversation engine's turn, the reply rows, the turn statement's parameters and its result rows, and the
 *   Graph API request of each reply.
 */
export interface WarmUpOptions {
  intake: boolean;
  worker: boolean;
  /** Synthetic webhooks per path (several kinds each); enough to pass V8's threshold a few times over. */
  rounds?: number;
}

export interface WarmUpReport {
  /** Synthetic webhooks run through each path. */
  intake: number;
  worker: number;
  /** Replies the engine produced (a check that the turns really ran). */
  replies: number;
  ms: number;
}

export const WARM_UP_ROUNDS = 400;

const PHONE_NUMBER_ID = "100000000000001";
const SHOP = "warm-up.myshopify.com";

// What shoppers send most (the benchmark's mix too): greetings, the menu, help, free text, a button, a photo.
const TEXTS = [
  "hi",
  "menu",
  "help",
  "مرحبا",
  "السلام عليكم",
  "do you have this in blue?",
  "1",
  "where is my order",
];

function message(i: number): Record<string, unknown> {
  const base = {
    from: `9665${String(10_000_000 + (i % 5_000)).padStart(8, "0")}`,
    id: `wamid.WARMUP${i.toString(36).toUpperCase()}${"A".repeat(24)}`,
    timestamp: String(1_700_000_000 + i),
  };
  const kind = i % 10;
  if (kind === 8)
    return {
      ...base,
      type: "interactive",
      interactive: { type: "button_reply", button_reply: { id: `warm-${i % 3}`, title: "View cart" } },
    };
  if (kind === 9)
    return {
      ...base,
      type: "image",
      image: { caption: "this one", mime_type: "image/jpeg", sha256: "x".repeat(44), id: String(1e15 + i) },
    };
  return { ...base, type: "text", text: { body: TEXTS[kind] } };
}

function webhook(i: number): Record<string, unknown> {
  const value: Record<string, unknown> = {
    messaging_product: "whatsapp",
    metadata: { display_phone_number: "15550000001", phone_number_id: PHONE_NUMBER_ID },
  };
  if (i % 7 === 6) {
    value.statuses = [
      {
        id: `wamid.WARMUPOUT${i}`,
        status: ["sent", "delivered", "read"][i % 3],
        timestamp: String(1_700_000_000 + i),
        recipient_id: "966500000000",
        conversation: { id: `c${i}`, origin: { type: "service" } },
        pricing: { billable: true, pricing_model: "PMP", category: "service" },
      },
    ];
  } else {
    const m = message(i);
    value.contacts = [{ profile: { name: `Shopper ${i % 50}` }, wa_id: m.from }];
    value.messages = [m];
  }
  return {
    object: WHATSAPP_WEBHOOK_OBJECT,
    entry: [{ id: "200000000000002", changes: [{ value, field: "messages" }] }],
  };
}

const SHOP_ROW = {
  shop: SHOP,
  name: "Warm-up",
  currencyCode: "SAR",
  welcomeMessageEn: null,
  welcomeMessageAr: null,
  idleTimeoutMinutes: 30,
  defaultLanguage: "en",
} as unknown as Parameters<typeof engineContext>[0];

/** The data an engine step asks for is "unavailable" here: the engine's own fallback replies run. */
async function noData(request: DataRequest) {
  return request.type === "createCheckout"
    ? ({ type: "checkoutFailed", reason: "error" } as const)
    : ({ type: "dataFailed", request } as const);
}

/** Runs the hot paths' pure code `rounds` times; see the module's comment. Throws if a path misbehaves. */
export async function warmUpHotPaths(options: WarmUpOptions): Promise<WarmUpReport> {
  const started = performance.now();
  const rounds = options.rounds ?? WARM_UP_ROUNDS;
  const secret = randomBytes(16).toString("hex");
  const shopByPhone = new Map([[PHONE_NUMBER_ID, SHOP]]);
  const report: WarmUpReport = { intake: 0, worker: 0, replies: 0, ms: 0 };
  const now = new Date(1_700_000_000_000);
  let bucket: string | null = null;
  for (let i = 0; i < rounds; i++) {
    const raw = Buffer.from(JSON.stringify(webhook(i)));
    const read = readWebhookJson(raw);
    if (!read.ok) throw new Error("warm-up: the synthetic webhook is not JSON");
    const { events } = intakeStep(read.text, read.json, raw, signBody(raw, secret), secret, shopByPhone);
    if (options.intake) {
      inboundInsert([events, events.slice(0, 1)]);
      report.intake++;
    }
    if (!options.worker) continue;
    for (const event of events) {
      if (event.kind !== "message") continue;
      const row = withDates(
        JSON.stringify({ id: `e${i}`, shop: SHOP, payload: event.payload, receivedAt: now.toISOString() }),
        ["receivedAt", "processedAt"],
      );
      const item = row.payload as unknown as WebhookMessageItem;
      const taken = takeInboundToken(parseInboundBucket(bucket), now.getTime() + i * 1000, {
        ratePerSec: 1,
        burst: 8,
      });
      bucket = JSON.stringify(taken.bucket);
      const inbound = toInboundEvent(item.raw);
      const before = parseState(JSON.parse(JSON.stringify(initialState({ language: null }))));
      const turn = await runTurn(before, inbound, engineContext(SHOP_ROW, item.contactName, now), noData);
      const replies = toOutboundRows(
        turn.messages,
        { conversationId: "v", contactId: "c", accountId: "a", toWaId: item.waId, author: "bot" },
        String(row.id),
      );
      const write: InboundTurnWrite = {
        eventId: String(row.id),
        conversationId: "v",
        contactId: "c",
        inbound: {
          wamid: item.wamid,
          type: item.type,
          body: { event: inbound, raw: item.raw } as unknown as Prisma.InputJsonValue,
          text: textOf(inbound),
          createdAt: new Date(item.timestamp),
        },
        state: { state: turn.state as unknown as Prisma.InputJsonValue, stateVersion: STATE_VERSION },
        language: turn.language,
        replies,
        sendNowLeaseMs: 30_000,
      };
      commitTurnsParams([{ shop: SHOP, turn: write }]);
      turnResults(
        [write],
        [
          {
            k: 1,
            inbound: 1,
            outbound: replies.length,
            done: 1,
            claimed: JSON.stringify(replies.map((r, n) => ({ id: `m${n}`, key: r.idempotencyKey }))),
          },
        ],
      );
      for (const reply of replies) {
        JSON.stringify(
          toGraphRequest(reply.body as unknown as OutboundMessage, reply.toWaId, {
            bizOpaqueCallbackData: "m",
          }),
        );
      }
      report.replies += replies.length;
      report.worker++;
    }
  }
  report.ms = Math.round(performance.now() - started);
  return report;
}

function intakeStep(
  text: string,
  json: unknown,
  raw: Buffer,
  signature: string,
  secret: string,
  shopByPhone: Map<string, string>,
) {
  if (lenientPhoneNumberIds(json)[0] !== PHONE_NUMBER_ID) throw new Error("warm-up: no phone_number_id");
  if (!verifySignature(raw, signature, [secret])) throw new Error("warm-up: signature not verified");
  nestingDepth(text);
  const parsed = parseWebhookBody(json);
  if (!parsed.ok) throw new Error(`warm-up: the synthetic webhook does not parse: ${parsed.error}`);
  return inboundEventsOf(parsed.body, shopByPhone);
}
