import { toGraphRequest } from "~/adapters/whatsapp/to-graph-request";
import { toInboundEvent } from "~/adapters/whatsapp/to-event";
import { signBody, verifySignature } from "~/adapters/whatsapp/verify-signature";
import {
  flattenWebhook,
  parseWebhookBody,
  type WebhookMessageItem,
} from "~/adapters/whatsapp/webhook-schema";
import { initialState, transition, type EngineContext } from "~/domain/conversation";
import { tuning } from "~/env.server";
import { logger } from "~/logger.server";
import { lenientPhoneNumberIds, nestingDepth } from "./whatsapp-intake.server";
import { toOutboundRows } from "./outbound.server";
import { inboundWebhookPayload } from "./simulator.server";

export interface WarmUpResult {
  /** Made-up webhooks run through the part's code. */
  rounds: number;
  /** Replies the engine made for them and that were built into Graph API requests (the workers' part). */
  replies: number;
  ms: number;
}

/**
 * A fresh process runs its per-message code unoptimised until V8 has seen it often enough (scripts/v8-flags.ts),
 * and compiles it while the first burst of traffic waits. So before a thread takes traffic, it runs the pure
 * parts of its path on made-up webhooks (nothing is read, stored or sent): the web thread the intake's (JSON,
 * signature, schema, flattening; scripts/serve.ts, before it listens), the workers the conversation's (event,
 * engine turn, reply rows, Graph API request; app/services/background.server.ts, before they start). At most
 * `rounds` webhooks and `budgetMs` (HALA_WARM_UP_MS) of the thread's time.
 */
export function warmUp(
  part: "intake" | "workers",
  options: { rounds?: number; budgetMs?: number } = {},
): WarmUpResult {
  const started = performance.now();
  const rounds = options.rounds ?? 2_000;
  const deadline = started + (options.budgetMs ?? 1_000);
  const secret = "warm-up-secret";
  let sink = 0;
  let replies = 0;
  let done = 0;
  for (; done < rounds && performance.now() < deadline; done++) {
    const waId = `9665${String(10_000_000 + done)}`;
    const text = JSON.stringify(
      inboundWebhookPayload({
        wabaId: "100000000000000",
        phoneNumberId: "100000000000001",
        displayPhoneNumber: "15550000000",
        waId,
        name: "Warm Up",
        wamid: `wamid.WARMUP${done}`,
        timestamp: Math.floor(Date.now() / 1000),
        message: { type: "text", text: { body: done % 7 === 0 ? "مرحبا" : "hi" } },
      }),
    );
    const raw = Buffer.from(text, "utf8");
    const signature = signBody(raw, secret);
    const json = JSON.parse(raw.toString("utf8")) as unknown;
    sink += lenientPhoneNumberIds(json).length;
    if (!verifySignature(raw, signature, [secret])) throw new Error("warm-up: signature check failed");
    sink += nestingDepth(text);
    const parsed = parseWebhookBody(json);
    if (!parsed.ok) throw new Error(`warm-up: ${parsed.error}`);
    for (const item of flattenWebhook(parsed.body)) {
      if (item.kind !== "message") continue;
      if (part === "intake") {
        sink += JSON.stringify(item).length;
        continue;
      }
      const turn = conversationTurn(item as WebhookMessageItem, done);
      replies += turn.replies;
      sink += turn.bytes;
    }
  }
  // `sink` keeps V8 from dropping work whose result goes unused.
  return { rounds: sink >= 0 ? done : 0, replies, ms: Math.round(performance.now() - started) };
}

/**
 * The parts this thread has warmed up (each thread has its own copy of this module). The workers' part runs
 * the intake's too, so a thread that plays both parts (the embedded default: web and workers in one thread)
 * warms up once, before it listens (scripts/serve.ts), and the background start finds it done.
 */
const warmed = new Set<"intake" | "workers">();

/** Forgets what this thread warmed up (tests). */
export function resetWarmUpForTests(): void {
  warmed.clear();
}

/**
 * A thread's warm-up with its budget from HALA_WARM_UP_MS (0: none), logged; nothing when this thread has
 * warmed that part up already (undefined). A warm-up that fails (a schema change that its made-up webhook no
 * longer passes; the unit tests call `warmUp` itself and fail then) is logged and the start goes on: it only
 * ever saves time.
 */
export function warmUpThread(
  part: "intake" | "workers",
  run: typeof warmUp = warmUp,
): WarmUpResult | undefined {
  const budgetMs = tuning().HALA_WARM_UP_MS;
  if (budgetMs === 0 || warmed.has(part) || warmed.has("workers")) return undefined;
  try {
    const result = run(part, { budgetMs });
    warmed.add(part);
    logger.info({ part, ...result }, "warmed up");
    return result;
  } catch (error) {
    logger.error({ err: error, part }, "warm-up failed; starting without it");
    return undefined;
  }
}

function conversationTurn(item: WebhookMessageItem, round: number): { replies: number; bytes: number } {
  const event = toInboundEvent(item.raw);
  const ctx: EngineContext = {
    now: new Date(),
    shopName: "Warm-up",
    currencyCode: "USD",
    welcomeMessage: {},
    idleTimeoutMs: 30 * 60_000,
    contactName: item.contactName ?? undefined,
    defaultLanguage: round % 2 ? "ar" : "en",
  };
  const next = transition(initialState({ language: null }), event, ctx);
  let sink = JSON.stringify(next.state).length;
  const messages = next.effects.flatMap((effect) => (effect.type === "send" ? [effect.message] : []));
  const rows = toOutboundRows(
    messages,
    { conversationId: "c", contactId: "k", accountId: null, toWaId: item.waId, author: "bot" },
    `warm-up-${round}`,
  );
  rows.forEach((row, i) => {
    sink += JSON.stringify(row.body).length;
    sink += JSON.stringify(
      toGraphRequest(messages[i], item.waId, { bizOpaqueCallbackData: row.idempotencyKey }),
    ).length;
  });
  return { replies: rows.length, bytes: sink };
}
