/**
 * "Test your bot" (admin → Test your bot; docs/decisions/009-test-your-bot.md). The merchant writes as a
 * sandbox shopper; each message becomes a Meta-shaped message item, parsed by the same webhook schema and
 * stored as an InboundEvent like a webhook's, so the inbox worker runs the shop's real pipeline on it (engine,
 * catalog through the Admin API with the shop's offline session, cart, draftOrderCreate checkout, AI
 * assistant). The sandbox contact and conversation are flagged `sandbox`: the outbox completes their replies
 * without the Graph API, and the inbox, analytics, away messages and merchant alerts leave them out.
 */
import { randomUUID } from "node:crypto";
import type { Prisma } from "@prisma/client";
import { z } from "zod";
import { getAiSettings } from "~/adapters/db/ai.server";
import { storeInboundEvents } from "~/adapters/db/inbound-events.server";
import { getMessage } from "~/adapters/db/inbox.server";
import {
  deleteSandboxConversation,
  ensureSandboxConversation,
  NotASandboxContact,
  sandboxThread,
} from "~/adapters/db/sandbox.server";
import { getShop } from "~/adapters/db/shops.server";
import { toGraphRequest } from "~/adapters/whatsapp/to-graph-request";
import { flattenWebhook, parseWebhookBody } from "~/adapters/whatsapp/webhook-schema";
import { initialState } from "~/domain/conversation";
import type { OutboundMessage } from "~/domain/types";
import { INBOX_CHANNEL, storable } from "./whatsapp-intake.server";
import { wake } from "./worker.server";

/** Stands in for a phone_number_id on sandbox inbox events (no account has it: nothing is sent). */
export const SANDBOX_PHONE_NUMBER_ID = "sandbox";

/** A sandbox shopper's wa_id: never a phone number, so it can never be a real WhatsApp contact's. */
export const sandboxWaId = (sandboxId: string) => `sandbox-${sandboxId}`;

const SandboxId = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{8,40}$/, "8 to 40 letters, digits, - or _");

const ShopperFields = {
  sandboxId: SandboxId,
  name: z.string().trim().min(1, "Enter a name").max(60),
  language: z.enum(["en", "ar"]),
};

/** What the sandbox phone can send: text, a reply button / list row tap, a template quick reply. */
export const SandboxMessageSchema = z.union([
  z.object({
    type: z.literal("text"),
    text: z.object({ body: z.string().trim().min(1, "Type a message").max(4096) }),
  }),
  z.object({
    type: z.literal("interactive"),
    interactive: z.union([
      z.object({
        type: z.literal("button_reply"),
        button_reply: z.object({ id: z.string().min(1).max(256), title: z.string().max(40) }),
      }),
      z.object({
        type: z.literal("list_reply"),
        list_reply: z.object({
          id: z.string().min(1).max(256),
          title: z.string().max(40),
          description: z.string().max(100).optional(),
        }),
      }),
    ]),
  }),
  z.object({
    type: z.literal("button"),
    button: z.object({ payload: z.string().min(1).max(256), text: z.string().max(256) }),
  }),
]);
export type SandboxMessage = z.infer<typeof SandboxMessageSchema>;

const jsonMessage = z
  .string()
  .max(8_000)
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "not JSON" });
      return z.NEVER;
    }
  })
  .pipe(SandboxMessageSchema);

/** The panel's action (form fields): `send` a message (JSON `message`, or plain `text`), or `reset`. */
export const TestBotActionSchema = z.discriminatedUnion("intent", [
  z
    .object({
      intent: z.literal("send"),
      ...ShopperFields,
      message: jsonMessage.optional(),
      text: z.string().trim().min(1, "Type a message").max(4096).optional(),
      replyTo: z.string().max(100).optional(),
    })
    .refine((v) => v.message || v.text, { message: "Type a message", path: ["text"] })
    .transform(({ text, message, ...rest }) => ({
      ...rest,
      message: message ?? ({ type: "text", text: { body: text! } } satisfies SandboxMessage),
    })),
  z.object({ intent: z.literal("reset"), sandboxId: SandboxId }),
]);
export type TestBotAction = z.infer<typeof TestBotActionSchema>;

export const ThreadQuerySchema = z.object({ sandbox: SandboxId });

/** The 422 body: one message per field. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.filter((p) => typeof p !== "symbol").join(".") || "form";
    fields[key] ??= issue.message;
  }
  return fields;
}

export class SandboxConflict extends Error {}

/**
 * Stores the sandbox shopper's message as an inbox event (Meta's shape, through the webhook schema) and
 * wakes the inbox worker. The reply arrives in the thread once the worker and the outbox have run.
 */
export async function sendSandboxMessage(
  shop: string,
  input: Extract<TestBotAction, { intent: "send" }>,
  now: Date = new Date(),
): Promise<{ wamid: string; conversationId: string }> {
  // Storable in PostgreSQL like a webhook's strings: no NUL, no lone surrogate (names, texts, titles).
  input = JSON.parse(JSON.stringify(input), storable) as typeof input;
  const waId = sandboxWaId(input.sandboxId);
  let ids;
  try {
    ids = await ensureSandboxConversation(shop, {
      waId,
      name: input.name,
      language: input.language,
      initialState: initialState({ language: input.language }) as unknown as Prisma.InputJsonValue,
    });
  } catch (error) {
    if (error instanceof NotASandboxContact) throw new SandboxConflict(error.message);
    throw error;
  }
  let context: { from: string; id: string } | undefined;
  if (input.replyTo) {
    const quoted = await getMessage(shop, input.replyTo);
    if (quoted?.wamid && quoted.conversationId === ids.conversation.id)
      context = { from: SANDBOX_PHONE_NUMBER_ID, id: quoted.wamid };
  }
  const wamid = `sandbox.${randomUUID()}`;
  const envelope = {
    object: "whatsapp_business_account",
    entry: [
      {
        id: SANDBOX_PHONE_NUMBER_ID,
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "0", phone_number_id: SANDBOX_PHONE_NUMBER_ID },
              contacts: [{ profile: { name: input.name }, wa_id: waId }],
              messages: [
                {
                  from: waId,
                  id: wamid,
                  timestamp: String(Math.floor(now.getTime() / 1000)),
                  ...input.message,
                  ...(context ? { context } : {}),
                },
              ],
            },
          },
        ],
      },
    ],
  };
  const parsed = parseWebhookBody(envelope);
  if (!parsed.ok) throw new Error(`sandbox message refused by the webhook schema: ${parsed.error}`);
  const items = flattenWebhook(parsed.body).filter((i) => i.kind === "message");
  await storeInboundEvents(
    items.map((item) => ({
      shop,
      phoneNumberId: SANDBOX_PHONE_NUMBER_ID,
      kind: "message" as const,
      dedupeKey: `msg:${item.wamid}`,
      waId: item.waId,
      payload: item as unknown as Prisma.InputJsonValue,
    })),
  );
  wake(INBOX_CHANNEL);
  return { wamid, conversationId: ids.conversation.id };
}

export interface SandboxThreadItem {
  key: string;
  dir: "in" | "out";
  at: number;
  /** Inbound: the shopper's message (Meta's shape); outbound: the Graph API request body it stands for. */
  body: Record<string, unknown>;
  status?: "failed" | "sent" | "read" | "pending";
}

export interface SandboxThreadView {
  sandboxId: string;
  items: SandboxThreadItem[];
  /** The conversation is with a person (a handoff): the bot stays silent until reset. */
  handedOff: boolean;
}

const OUT_STATUS: Record<string, SandboxThreadItem["status"]> = {
  queued: "pending",
  sending: "pending",
  sent: "sent",
  delivered: "sent",
  read: "read",
  failed: "failed",
  cancelled: "failed",
};

/** The sandbox thread as the phone shows it (both sides, in order); empty before the first message. */
export async function sandboxThreadView(shop: string, sandboxId: string): Promise<SandboxThreadView> {
  const waId = sandboxWaId(sandboxId);
  const thread = await sandboxThread(shop, waId);
  if (!thread) return { sandboxId, items: [], handedOff: false };
  const items: SandboxThreadItem[] = [];
  for (const m of thread.messages) {
    if (m.direction === "in") {
      const raw = (m.body as { raw?: Record<string, unknown> } | null)?.raw;
      items.push({
        key: m.id,
        dir: "in",
        at: m.createdAt.getTime(),
        body: raw ?? { type: m.type },
        status: "sent",
      });
      continue;
    }
    let body: Record<string, unknown>;
    try {
      body = toGraphRequest(m.body as unknown as OutboundMessage, waId, {
        bizOpaqueCallbackData: m.id,
      }) as unknown as Record<string, unknown>;
    } catch {
      body = { type: "text", text: { body: m.text ?? "" }, biz_opaque_callback_data: m.id };
    }
    items.push({
      key: m.id,
      dir: "out",
      at: m.createdAt.getTime(),
      body,
      status: OUT_STATUS[m.status] ?? "pending",
    });
  }
  return { sandboxId, items, handedOff: thread.conversation.status !== "bot" };
}

/** Starts the sandbox conversation over (the next message begins a new one). */
export async function resetSandbox(shop: string, sandboxId: string): Promise<boolean> {
  return deleteSandboxConversation(shop, sandboxWaId(sandboxId));
}

/** What the panel shows around the phone: the store's name and whether the bot (and the AI) will answer. */
export async function testBotPage(shop: string) {
  const [row, ai] = await Promise.all([getShop(shop), getAiSettings(shop)]);
  return {
    shopName: row?.name ?? shop.replace(/\.myshopify\.com$/, ""),
    botEnabled: row?.botEnabled ?? true,
    aiEnabled: !!ai?.enabled,
    defaultLanguage: row?.defaultLanguage === "ar" ? ("ar" as const) : ("en" as const),
  };
}
