/**
 * The shop's AI assistant: settings (the prompt editor page), the hook the conversation service calls when the
 * rule engine did not understand a shopper's text, the admin's "try it" preview, the feedback sentiment by the
 * same model, and usage for analytics.
 *
 * Whenever the assistant cannot do better — AI off, no key, rate limit, token budget, timeout, an HTTP error,
 * a malformed tool call after its retry, a reply that names a price the app never gave it — the rule engine's
 * answer is used. Every model call is logged (model, tokens, latency; message text only at debug level) and
 * stored as an LlmCall row.
 */
import type { AiSettings, Shop } from "@prisma/client";
import { z } from "zod";
import {
  conversationTokensSince,
  getAiSettings,
  llmUsageSince,
  openApiKey,
  recentConversationMessages,
  recordLlmCall,
  saveAiSettings,
} from "~/adapters/db/ai.server";
import { ensureShop, getShop } from "~/adapters/db/shops.server";
import { mask } from "~/adapters/crypto/secrets";
import { chatCompletion, isLlmError, type LlmEndpoint } from "~/adapters/llm/client.server";
import type { AdminClient } from "~/adapters/shopify/admin-client";
import { cache } from "~/cache.server";
import {
  AI_LIMITS,
  DEFAULT_SYSTEM_PROMPT,
  parseSentiment,
  PROMPT_LIMITS,
  PROMPT_VARIABLES,
  SENTIMENT_FORMAT,
  sentimentMessages,
  trimHistory,
  unknownVariables,
  type AiLimits,
  type AssistantProfile,
  type HistoryItem,
  type LlmSentiment,
} from "~/domain/ai";
import {
  initialState,
  type ConversationState,
  type DataRequest,
  type DataResultEvent,
  type EngineContext,
} from "~/domain/conversation";
import { detectLanguage } from "~/domain/i18n";
import type { Language, OutboundMessage } from "~/domain/types";
import { env } from "~/env.server";
import { log } from "~/logger.server";
import type { TurnResult } from "./conversation.server";
import { EngineBridge, runAssistantTurn, type AssistantTurnResult, type CallRecord } from "./ai-turn.server";
import { answerDataRequest } from "./shopping-data.server";
import { adminClientForShop } from "./shopify-admin.server";

// --- limits ---------------------------------------------------------------------------------------------------

let limits: AiLimits = { ...AI_LIMITS };

/** The limits in force (tests shorten the timeout or the buckets). */
export function aiLimits(): AiLimits {
  return limits;
}

/** For tests: override some limits; `resetAiLimits()` restores the defaults. */
export function setAiLimits(overrides: Partial<AiLimits>): void {
  limits = { ...limits, ...overrides };
}

export function resetAiLimits(): void {
  limits = { ...AI_LIMITS };
}

/** The cache keys of the token buckets (per shop, per shopper). */
export function aiRateKeys(shop: string, waId?: string | null) {
  return { shop: `ai:rate:shop:${shop}`, contact: waId ? `ai:rate:contact:${shop}:${waId}` : null };
}

/** Takes a token from the shopper's bucket, then the shop's. False when either is empty (or the cache is down). */
export async function takeAiTokens(shop: string, waId?: string | null): Promise<boolean> {
  const keys = aiRateKeys(shop, waId);
  try {
    // One round trip; the shop's bucket is not asked when the shopper's is empty.
    const results = await cache().takeTokens([
      ...(keys.contact
        ? [{ key: keys.contact, ratePerSec: limits.contactPerMinute / 60, burst: limits.contactBurst }]
        : []),
      { key: keys.shop, ratePerSec: limits.shopPerMinute / 60, burst: limits.shopBurst },
    ]);
    return results.every((r) => r.ok);
  } catch {
    return false;
  }
}

// --- settings -----------------------------------------------------------------------------------------------

export const DEFAULT_BASE_URL = "https://openrouter.ai/api/v1";
export const DEFAULT_MODEL = "openai/gpt-4o-mini";
export const DEFAULT_MAX_REPLY_CHARS = 600;

/** What the model is called with, from stored settings (null when AI cannot run: off, or no readable key). */
export interface ResolvedAi {
  endpoint: LlmEndpoint;
  profile: AssistantProfile;
}

export function resolveAi(
  row: AiSettings | null,
  options: { requireEnabled?: boolean } = {},
): ResolvedAi | null {
  if (!row || (options.requireEnabled !== false && !row.enabled)) return null;
  const apiKey = openApiKey(row);
  if (!apiKey) return null;
  return {
    endpoint: { baseUrl: row.baseUrl, apiKey, model: row.model },
    profile: {
      systemPrompt: row.systemPrompt,
      tone: row.tone,
      storeFacts: row.storeFacts,
      maxReplyChars: row.maxReplyChars,
    },
  };
}

const PRIVATE_HOST =
  /^(localhost|.*\.localhost|.*\.local|.*\.internal|0\.0\.0\.0|127(?:\.\d{1,3}){3}|10(?:\.\d{1,3}){3}|192\.168(?:\.\d{1,3}){2}|172\.(?:1[6-9]|2\d|3[01])(?:\.\d{1,3}){2}|169\.254(?:\.\d{1,3}){2}|\[.*\])$/i;

/**
 * The provider's base URL: https to a public host, without credentials, query or fragment. Plain http to
 * localhost (a local model) is allowed outside production.
 */
export function isAllowedBaseUrl(value: string, production = env().NODE_ENV === "production"): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username || url.password || url.search || url.hash) return false;
  const local = /^(localhost|127\.0\.0\.1|\[::1\])$/i.test(url.hostname);
  if (url.protocol === "http:") return local && !production;
  if (url.protocol !== "https:") return false;
  return !PRIVATE_HOST.test(url.hostname) || (local && !production);
}

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const trimmed = (v: unknown) => (typeof v === "string" ? v.trim() : v);
const checkbox = z.preprocess((v) => v === true || v === "true" || v === "on" || v === "1", z.boolean());
const promptText = (max: number) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .max(max, "assistant.errors.tooLong")
      .refine((v) => unknownVariables(v).length === 0, "assistant.errors.unknownVariable")
      .optional(),
  );

export const AssistantFormSchema = z.object({
  enabled: checkbox,
  baseUrl: z.preprocess(
    (v) => blankToUndefined(trimmed(v)) ?? DEFAULT_BASE_URL,
    z
      .string()
      .max(500, "assistant.errors.baseUrl")
      .refine((v) => isAllowedBaseUrl(v), "assistant.errors.baseUrl"),
  ),
  model: z.preprocess(
    (v) => blankToUndefined(trimmed(v)) ?? DEFAULT_MODEL,
    z.string().regex(/^[\w.:/@+-]{1,200}$/, "assistant.errors.model"),
  ),
  /** Write-only: blank keeps the stored key. */
  apiKey: z.preprocess(
    (v) => blankToUndefined(trimmed(v)),
    z
      .string()
      .regex(/^[\x21-\x7e]{8,500}$/, "assistant.errors.apiKey")
      .optional(),
  ),
  removeApiKey: checkbox,
  systemPrompt: promptText(PROMPT_LIMITS.systemPromptChars),
  tone: promptText(PROMPT_LIMITS.toneChars),
  storeFacts: promptText(PROMPT_LIMITS.storeFactsChars),
  maxReplyChars: z.coerce
    .number("assistant.errors.wholeNumber")
    .int("assistant.errors.wholeNumber")
    .min(PROMPT_LIMITS.minReplyChars, "assistant.errors.maxReplyChars")
    .max(PROMPT_LIMITS.maxReplyChars, "assistant.errors.maxReplyChars"),
});
export type AssistantForm = z.infer<typeof AssistantFormSchema>;

export type AssistantFieldErrors = Record<string, string>;

/** zod issues → the first message key per field (the page words them). */
export function assistantFieldErrors(error: z.ZodError): AssistantFieldErrors {
  const errors: AssistantFieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "form");
    if (!errors[field])
      errors[field] = issue.message.startsWith("assistant.") ? issue.message : "assistant.errors.invalid";
  }
  return errors;
}

export async function saveAssistantSettings(
  shop: string,
  form: AssistantForm,
): Promise<{ ok: true } | { ok: false; errors: AssistantFieldErrors }> {
  const stored = await getAiSettings(shop);
  const keyAfter = form.apiKey ? true : form.removeApiKey ? false : !!stored?.apiKeyEnc;
  if (form.enabled && !keyAfter) return { ok: false, errors: { apiKey: "assistant.errors.keyRequired" } };
  await saveAiSettings(shop, {
    enabled: form.enabled,
    baseUrl: form.baseUrl,
    model: form.model,
    apiKey: form.apiKey ? form.apiKey : form.removeApiKey ? null : undefined,
    systemPrompt: form.systemPrompt ?? null,
    tone: form.tone ?? null,
    storeFacts: form.storeFacts ?? null,
    maxReplyChars: form.maxReplyChars,
  });
  log({ shop }).info(
    { enabled: form.enabled, model: form.model, keyChanged: !!form.apiKey || form.removeApiKey },
    "AI settings saved",
  );
  return { ok: true };
}

/** The prompt editor's data. The API key is write-only: only whether there is one and its last characters. */
export async function loadAssistantSettings(shop: string) {
  const [row, shopRow, usage] = await Promise.all([
    getAiSettings(shop),
    getShop(shop),
    aiUsage(shop, new Date(Date.now() - 7 * 24 * 3600_000)),
  ]);
  const key = row ? openApiKey(row) : null;
  return {
    settings: {
      enabled: row?.enabled ?? false,
      baseUrl: row?.baseUrl ?? DEFAULT_BASE_URL,
      model: row?.model ?? DEFAULT_MODEL,
      hasApiKey: !!row?.apiKeyEnc,
      apiKeyMasked: row?.apiKeyEnc ? (key ? mask(key) : "••••") : "",
      systemPrompt: row?.systemPrompt ?? "",
      tone: row?.tone ?? "",
      storeFacts: row?.storeFacts ?? "",
      maxReplyChars: row?.maxReplyChars ?? DEFAULT_MAX_REPLY_CHARS,
    },
    defaults: { systemPrompt: DEFAULT_SYSTEM_PROMPT, baseUrl: DEFAULT_BASE_URL, model: DEFAULT_MODEL },
    variables: [...PROMPT_VARIABLES],
    limits: PROMPT_LIMITS,
    shopName: shopRow?.name ?? shop.replace(/\.myshopify\.com$/, ""),
    defaultLanguage: (shopRow?.defaultLanguage === "ar" ? "ar" : "en") as Language,
    usage,
  };
}

export type AssistantSettingsView = Awaited<ReturnType<typeof loadAssistantSettings>>;

// --- recording ------------------------------------------------------------------------------------------------

function recorder(shop: string, purpose: string, conversationId: string | null) {
  const logger = log({ shop, purpose, ...(conversationId ? { conversationId } : {}) });
  return async (call: CallRecord) => {
    logger.info(
      {
        model: call.model,
        promptTokens: call.usage.promptTokens,
        completionTokens: call.usage.completionTokens,
        latencyMs: call.latencyMs,
        ok: call.ok,
        ...(call.error ? { error: call.error } : {}),
      },
      "llm call",
    );
    await recordLlmCall(shop, {
      conversationId,
      purpose,
      model: call.model,
      promptTokens: call.usage.promptTokens,
      completionTokens: call.usage.completionTokens,
      latencyMs: call.latencyMs,
      ok: call.ok,
      error: call.error,
    }).catch((error) => logger.warn({ err: error }, "could not store the LlmCall row"));
  };
}

// --- the conversation hook -------------------------------------------------------------------------------------

export interface AssistInput {
  shop: string;
  conversationId: string;
  waId: string;
  /** The shopper's text the rules did not match. */
  text: string;
  ctx: EngineContext;
  /** The state before the shopper's message. */
  before: ConversationState;
  /** The rule engine's turn (its answer is the fallback). */
  rule: TurnResult;
  answer: (request: DataRequest) => Promise<DataResultEvent>;
  fetch?: typeof fetch;
}

export function historyFrom(rows: { direction: string; text: string | null }[]): HistoryItem[] {
  return trimHistory(
    rows
      .filter((r) => r.text)
      .map((r) => ({
        role: r.direction === "in" ? ("user" as const) : ("assistant" as const),
        text: r.text!,
      })),
  );
}

/**
 * The shop's assistant answers free text the rules did not understand. Returns the turn to store: the
 * assistant's when it succeeded, otherwise `input.rule` unchanged.
 */
export async function assistUnmatched(input: AssistInput): Promise<TurnResult> {
  const { shop, conversationId, rule } = input;
  const logger = log({ shop, conversationId });
  try {
    const ai = resolveAi(await getAiSettings(shop));
    if (!ai) return rule;
    if (!(await takeAiTokens(shop, input.waId))) {
      logger.info({ reason: "rate_limited" }, "AI skipped: the rule engine answers");
      return rule;
    }
    const used = await conversationTokensSince(
      shop,
      conversationId,
      new Date(Date.now() - limits.budgetWindowMs),
    );
    const budget = limits.conversationTokenBudget - used;
    if (budget <= 0) {
      logger.info({ reason: "budget", used }, "AI skipped: the rule engine answers");
      return rule;
    }
    const history = historyFrom(await recentConversationMessages(shop, conversationId, 24));
    const result = await runAssistantTurn({
      ...ai,
      ctx: input.ctx,
      state: { ...rule.state, misses: input.before.misses },
      language: rule.language,
      text: input.text,
      history,
      answer: input.answer,
      limits,
      tokenBudget: budget,
      record: recorder(shop, "reply", conversationId),
      fetch: input.fetch,
    });
    logTurn(logger, result);
    if (!result.ok) return rule;
    return { ...result.outcome, checkouts: [...rule.checkouts, ...result.outcome.checkouts] };
  } catch (error) {
    logger.warn({ err: error }, "AI turn failed: the rule engine answers");
    return rule;
  }
}

function logTurn(logger: ReturnType<typeof log>, result: AssistantTurnResult) {
  logger.info(
    {
      ok: result.ok,
      ...(result.ok ? { textSent: result.textSent } : { reason: result.reason }),
      ...(result.rejected ? { rejected: result.rejected } : {}),
      calls: result.calls,
      tools: result.toolCalls,
      promptTokens: result.usage.promptTokens,
      completionTokens: result.usage.completionTokens,
    },
    result.ok ? "AI turn" : "AI turn failed: the rule engine answers",
  );
}

// --- the admin's "try it" ----------------------------------------------------------------------------------

export const PreviewSchema = AssistantFormSchema.omit({ enabled: true, removeApiKey: true }).extend({
  message: z.preprocess(
    trimmed,
    z.string().min(1, "assistant.errors.previewMessage").max(1000, "assistant.errors.tooLong"),
  ),
  language: z.enum(["auto", "en", "ar"]).default("auto"),
  customerName: z.preprocess(
    (v) => blankToUndefined(trimmed(v)),
    z.string().max(PROMPT_LIMITS.customerNameChars, "assistant.errors.tooLong").optional(),
  ),
});
export type PreviewInput = z.infer<typeof PreviewSchema>;

/** A reply as the preview shows it. */
export interface PreviewReply {
  kind: OutboundMessage["kind"];
  header?: string;
  text: string;
  footer?: string;
  choices: string[];
  url?: string;
  image?: string;
}

export type PreviewResult =
  | {
      ok: true;
      /** Who answered: the assistant, or the rule engine (it understood the message, or the assistant failed). */
      source: "assistant" | "rules";
      /** Why the rules answered, or what was held back ("price": the model named a price the catalog did not). */
      reason?: string;
      replies: PreviewReply[];
      tools: string[];
      usage: { calls: number; promptTokens: number; completionTokens: number };
    }
  | {
      ok: false;
      error: "assistant.preview.noKey" | "assistant.preview.rateLimited" | "assistant.preview.failed";
    };

export function previewReply(message: OutboundMessage): PreviewReply {
  switch (message.kind) {
    case "text":
      return { kind: "text", text: message.body, choices: [] };
    case "buttons":
      return {
        kind: "buttons",
        header: message.header,
        text: message.body,
        footer: message.footer,
        choices: message.buttons.map((b) => b.title),
      };
    case "list":
      return {
        kind: "list",
        header: message.header,
        text: message.body,
        footer: message.footer,
        choices: message.sections.flatMap((s) =>
          s.rows.map((r) => (r.description ? `${r.title} — ${r.description}` : r.title)),
        ),
      };
    case "image":
      return { kind: "image", text: message.caption ?? "", image: message.link, choices: [] };
    case "cta_url":
      return {
        kind: "cta_url",
        header: message.header,
        text: message.body,
        footer: message.footer,
        choices: [message.displayText],
        url: message.url,
      };
    case "template":
      return { kind: "template", text: `[template ${message.name}]`, choices: [] };
    case "product":
      return { kind: "product", text: message.body ?? "", choices: [] };
    case "product_list":
      return { kind: "product_list", header: message.header, text: message.body, choices: [] };
  }
}

function contextFor(shopRow: Shop, contactName: string | undefined, now: Date): EngineContext {
  return {
    now,
    shopName: shopRow.name ?? shopRow.shop.replace(/\.myshopify\.com$/, ""),
    currencyCode: shopRow.currencyCode,
    welcomeMessage: { en: shopRow.welcomeMessageEn ?? undefined, ar: shopRow.welcomeMessageAr ?? undefined },
    idleTimeoutMs: shopRow.idleTimeoutMinutes * 60_000,
    contactName,
    defaultLanguage: shopRow.defaultLanguage === "ar" ? "ar" : "en",
  };
}

/**
 * Runs one message through the engine and, when the rules do not understand it, the assistant — with the
 * store's real catalog (the offline session), the draft settings from the editor, nothing sent to WhatsApp and
 * nothing stored but the LlmCall rows. Checkouts are not created (a placeholder link), orders are not looked up.
 */
export async function previewAssistant(
  shop: string,
  input: PreviewInput,
  deps: { adminClient?: (shop: string) => Promise<AdminClient>; now?: () => Date; fetch?: typeof fetch } = {},
): Promise<PreviewResult> {
  const row = await getAiSettings(shop);
  const apiKey = input.apiKey ?? (row ? openApiKey(row) : null);
  if (!apiKey) return { ok: false, error: "assistant.preview.noKey" };
  if (!(await takeAiTokens(shop, null))) return { ok: false, error: "assistant.preview.rateLimited" };

  const shopRow = (await getShop(shop)) ?? (await ensureShop(shop));
  const now = deps.now?.() ?? new Date();
  const language: Language | null =
    input.language === "auto" ? (detectLanguage(input.message) ?? null) : input.language;
  const ctx = contextFor(shopRow, input.customerName, now);
  let client: AdminClient | undefined;
  const answer = async (request: DataRequest): Promise<DataResultEvent> => {
    if (request.type === "createCheckout")
      return {
        type: "checkoutCreated",
        invoiceUrl: `https://${shop}/checkouts/preview`,
        draftOrderId: "preview",
      };
    if (request.type === "loadOrders") return { type: "ordersLoaded", orders: [] };
    try {
      client ??= await (deps.adminClient ?? adminClientForShop)(shop);
    } catch {
      return { type: "dataFailed", request };
    }
    return answerDataRequest(client, request, { phone: "", conversationId: "preview" });
  };

  try {
    const rules = new EngineBridge(initialState({ language }), ctx, answer);
    const first = await rules.run({ type: "text", text: input.message });
    const ruleReplies = first.messages.map(previewReply);
    const none = { calls: 0, promptTokens: 0, completionTokens: 0 };
    if (!rules.unmatched)
      return {
        ok: true,
        source: "rules",
        reason: "rules_matched",
        replies: ruleReplies,
        tools: [],
        usage: none,
      };

    const result = await runAssistantTurn({
      endpoint: { baseUrl: input.baseUrl, model: input.model, apiKey },
      profile: {
        systemPrompt: input.systemPrompt ?? null,
        tone: input.tone ?? null,
        storeFacts: input.storeFacts ?? null,
        maxReplyChars: input.maxReplyChars,
      },
      ctx,
      state: { ...rules.state, misses: 0 },
      language: rules.language,
      text: rules.unmatched,
      history: [],
      answer,
      limits,
      tokenBudget: limits.conversationTokenBudget,
      record: recorder(shop, "preview", null),
      fetch: deps.fetch,
    });
    const usage = { calls: result.calls, ...result.usage };
    if (!result.ok)
      return {
        ok: true,
        source: "rules",
        reason: result.rejected ?? result.reason,
        replies: ruleReplies,
        tools: result.toolCalls,
        usage,
      };
    return {
      ok: true,
      source: "assistant",
      ...(result.rejected ? { reason: result.rejected } : {}),
      replies: result.outcome.messages.map(previewReply),
      tools: result.toolCalls,
      usage,
    };
  } catch (error) {
    log({ shop }).warn({ err: error }, "AI preview failed");
    return { ok: false, error: "assistant.preview.failed" };
  }
}

// --- feedback sentiment ----------------------------------------------------------------------------------------

/**
 * The sentiment of a feedback comment by the shop's model (strict JSON through `json_schema`), or null when AI is
 * off or anything goes wrong (the caller then uses the built-in analyzer).
 */
export async function aiSentiment(
  shop: string,
  text: string,
  deps: { fetch?: typeof fetch } = {},
): Promise<LlmSentiment | null> {
  const logger = log({ shop, purpose: "sentiment" });
  try {
    const ai = resolveAi(await getAiSettings(shop));
    if (!ai || !text.trim()) return null;
    if (!(await takeAiTokens(shop, null))) return null;
    const record = recorder(shop, "sentiment", null);
    try {
      const result = await chatCompletion(
        ai.endpoint,
        {
          messages: sentimentMessages(text),
          jsonSchema: SENTIMENT_FORMAT,
          maxTokens: 60,
          temperature: 0,
          timeoutMs: limits.timeoutMs,
        },
        deps.fetch ? { fetch: deps.fetch } : {},
      );
      const parsed = parseSentiment(result.content);
      await record({
        model: result.model,
        usage: result.usage,
        latencyMs: result.latencyMs,
        ok: parsed !== null,
        error: parsed ? null : "invalid sentiment JSON",
      });
      return parsed;
    } catch (error) {
      await record({
        model: ai.endpoint.model,
        usage: { promptTokens: 0, completionTokens: 0 },
        latencyMs: isLlmError(error) ? error.latencyMs : 0,
        ok: false,
        error: isLlmError(error) ? `${error.kind}: ${error.message}` : "error",
      });
      return null;
    }
  } catch (error) {
    logger.warn({ err: error }, "AI sentiment failed");
    return null;
  }
}

// --- usage ----------------------------------------------------------------------------------------------------

export interface AiUsage {
  calls: number;
  failures: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** Median latency of the calls, null when there were none. */
  p50LatencyMs: number | null;
  /** "reply" (shoppers), "sentiment" (feedback), "preview" (the admin's try-it). */
  byPurpose: {
    purpose: string;
    calls: number;
    failures: number;
    totalTokens: number;
    p50LatencyMs: number | null;
  }[];
}

/** The shop's model calls since `since`: for the analytics page. */
export async function aiUsage(shop: string, since: Date): Promise<AiUsage> {
  const { total, byPurpose } = await llmUsageSince(shop, since);
  return {
    calls: total.calls,
    failures: total.failures,
    promptTokens: total.promptTokens,
    completionTokens: total.completionTokens,
    totalTokens: total.promptTokens + total.completionTokens,
    p50LatencyMs: total.p50LatencyMs,
    byPurpose: byPurpose.map((r) => ({
      purpose: r.purpose,
      calls: r.calls,
      failures: r.failures,
      totalTokens: r.promptTokens + r.completionTokens,
      p50LatencyMs: r.p50LatencyMs,
    })),
  };
}
