import { Prisma, type AiSettings, type LlmCall } from "@prisma/client";
import { openSecret, sealSecret } from "~/adapters/crypto/keyring.server";
import { database, db } from "~/db.server";
import { withDates, type JsonRow } from "./json-row";
import { storableText } from "./text.server";

/**
 * The AI assistant's rows: per-shop settings (the API key sealed like every other secret), one LlmCall row per
 * model call (no message text), and the conversation history the assistant reads. Every function takes `shop`
 * first and touches only that shop's rows.
 */

export interface AiSettingsInput {
  enabled: boolean;
  baseUrl: string;
  model: string;
  /** undefined keeps the stored key, null removes it, a string replaces it (sealed here). */
  apiKey?: string | null;
  systemPrompt: string | null;
  tone: string | null;
  storeFacts: string | null;
  maxReplyChars: number;
}

/**
 * The shop's assistant settings. One plain SELECT (docs/decisions/010-hot-path-sql.md): the inbox worker reads
 * them for every message the rules did not match, and a Prisma findUnique cost about 6 % of the worker's CPU.
 */
export async function getAiSettings(shop: string): Promise<AiSettings | null> {
  const [found] = await database().raw.query<{ row: JsonRow }>(
    `SELECT to_jsonb(a.*) AS row FROM "AiSettings" a WHERE a.shop = $1`,
    [shop],
    { prepare: true },
  );
  return found ? (withDates(found.row, ["createdAt", "updatedAt"]) as unknown as AiSettings) : null;
}

export async function saveAiSettings(shop: string, input: AiSettingsInput): Promise<AiSettings> {
  const { apiKey, ...fields } = input;
  // Text PostgreSQL can store (a U+0000 in a prompt failed the save with a 500).
  const text = (v: string | null) => (v === null ? null : storableText(v));
  const rest = {
    ...fields,
    baseUrl: storableText(fields.baseUrl),
    model: storableText(fields.model),
    systemPrompt: text(fields.systemPrompt),
    tone: text(fields.tone),
    storeFacts: text(fields.storeFacts),
  };
  const key = apiKey === undefined ? {} : { apiKeyEnc: apiKey === null ? null : sealSecret(apiKey) };
  return db().aiSettings.upsert({
    where: { shop },
    create: { shop, ...rest, ...key },
    update: { ...rest, ...key },
  });
}

/** The stored key in clear, for the call only (never for a page). Null when none or unreadable. */
export function openApiKey(settings: Pick<AiSettings, "apiKeyEnc">): string | null {
  if (!settings.apiKeyEnc) return null;
  try {
    return openSecret(settings.apiKeyEnc);
  } catch {
    return null;
  }
}

export interface LlmCallInput {
  conversationId: string | null;
  purpose: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
  ok: boolean;
  error: string | null;
}

export async function recordLlmCall(shop: string, input: LlmCallInput): Promise<LlmCall> {
  return db().llmCall.create({
    data: {
      shop,
      ...input,
      model: input.model.slice(0, 200),
      error: input.error?.slice(0, 500) ?? null,
      latencyMs: Math.max(0, Math.round(input.latencyMs)),
    },
  });
}

/** Tokens (prompt + completion) a conversation's calls used since `since`. */
export async function conversationTokensSince(
  shop: string,
  conversationId: string,
  since: Date,
): Promise<number> {
  const sum = await db().llmCall.aggregate({
    where: { shop, conversationId, createdAt: { gte: since } },
    _sum: { promptTokens: true, completionTokens: true },
  });
  return (sum._sum.promptTokens ?? 0) + (sum._sum.completionTokens ?? 0);
}

export interface LlmUsageRow {
  purpose: string;
  calls: number;
  failures: number;
  promptTokens: number;
  completionTokens: number;
  p50LatencyMs: number | null;
}

/** Calls since `since`, per purpose, with the median latency (percentile_cont in PostgreSQL). */
export async function llmUsageSince(
  shop: string,
  since: Date,
): Promise<{ total: LlmUsageRow; byPurpose: LlmUsageRow[] }> {
  const rows = await db().$queryRaw<
    {
      purpose: string | null;
      calls: bigint | number;
      failures: bigint | number;
      prompt_tokens: bigint | number | null;
      completion_tokens: bigint | number | null;
      p50: number | string | null;
    }[]
  >(Prisma.sql`
    SELECT "purpose",
           COUNT(*) AS calls,
           COUNT(*) FILTER (WHERE NOT "ok") AS failures,
           SUM("promptTokens") AS prompt_tokens,
           SUM("completionTokens") AS completion_tokens,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY "latencyMs") AS p50
      FROM "LlmCall"
     WHERE "shop" = ${shop} AND "createdAt" >= ${since}
     GROUP BY GROUPING SETS (("purpose"), ())
  `);
  const toRow = (r: (typeof rows)[number]): LlmUsageRow => ({
    purpose: r.purpose ?? "all",
    calls: Number(r.calls),
    failures: Number(r.failures),
    promptTokens: Number(r.prompt_tokens ?? 0),
    completionTokens: Number(r.completion_tokens ?? 0),
    p50LatencyMs: r.p50 === null ? null : Math.round(Number(r.p50)),
  });
  const total = rows.find((r) => r.purpose === null);
  return {
    total: total
      ? toRow(total)
      : { purpose: "all", calls: 0, failures: 0, promptTokens: 0, completionTokens: 0, p50LatencyMs: null },
    byPurpose: rows.filter((r) => r.purpose !== null).map(toRow),
  };
}

/** The conversation's latest messages with text, oldest first (for the assistant's history). */
export async function recentConversationMessages(
  shop: string,
  conversationId: string,
  limit = 24,
): Promise<{ direction: string; author: string; text: string | null; createdAt: Date }[]> {
  const rows = await db().message.findMany({
    where: { shop, conversationId, status: { notIn: ["failed", "cancelled"] } },
    orderBy: { createdAt: "desc" },
    take: limit,
    select: { direction: true, author: true, text: true, createdAt: true },
  });
  return rows.reverse();
}
