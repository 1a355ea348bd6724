import { database } from "~/db.server";

/**
 * The analytics page's aggregations, all in SQL (raw SQL on the same database as Prisma, PGlite or
 * PostgreSQL alike). Every statement filters on `shop` first, on indexes led by it: Message(shop, createdAt),
 * Checkout(shop, createdAt), OrderAttribution(shop, createdAt), Feedback(shop, createdAt),
 * LlmCall(shop, createdAt), Conversation(shop, …).
 *
 * A window is a range of local calendar days in an IANA time zone, [from 00:00, to + 1 day 00:00) local
 * time. PostgreSQL turns the local midnights into UTC instants once per statement (its tz database, so DST
 * days are 23 or 25 hours long); rows are put in day buckets with `width_bucket` over those instants — a
 * binary search on integers instead of two time-zone conversions per row. Stored timestamps are
 * `timestamp(3)` in UTC (Prisma's default). Results are plain JSON values: counts as numbers, sums of money
 * as exact decimal strings, days as YYYY-MM-DD.
 */
export interface AnalyticsWindow {
  shop: string;
  /** First local day, YYYY-MM-DD (inclusive). */
  from: string;
  /** Last local day, YYYY-MM-DD (inclusive). */
  to: string;
  /** An IANA time zone that PostgreSQL knows (e.g. "Asia/Riyadh", "UTC"). */
  timeZone: string;
}

// Every statement takes exactly these parameters: $1 shop, $2 from, $3 to, $4 time zone.
const params = (w: AnalyticsWindow) => [w.shop, w.from, w.to, w.timeZone];

/** UTC instant of local midnight starting the first day / ending the last day (folded to constants). */
const LO = `((($2::date)::timestamp AT TIME ZONE $4) AT TIME ZONE 'UTC')`;
const HI = `(((($3::date) + 1)::timestamp AT TIME ZONE $4) AT TIME ZONE 'UTC')`;
/** The local midnights from `from` to `to + 1`, ascending: the lower bounds of the day buckets. */
const BOUNDS = `(SELECT array_agg((($2::date + i)::timestamp AT TIME ZONE $4) AT TIME ZONE 'UTC' ORDER BY i)
                   FROM generate_series(0, $3::date - $2::date + 1) i)`;
/** 1 for the first local day of the window, 2 for the next… (for a timestamp inside the window). */
const bucket = (column: string) => `width_bucket(${column}, ${BOUNDS})`;
/** YYYY-MM-DD of a bucket number (null stays null: the grouping set of the whole window). */
const dayOf = (k: string) => `to_char($2::date + (${k} - 1), 'YYYY-MM-DD')`;

/**
 * Rows of sandbox conversations ("Test your bot", ADR 009) are left out: a hashed anti-join on the shop's few
 * sandbox conversation ids. `column` is a conversation id (null passes: an order without a conversation).
 */
const notSandbox = (column: string) =>
  `NOT EXISTS (SELECT 1 FROM "Conversation" sc WHERE sc.shop = $1 AND sc.sandbox AND sc.id = ${column})`;

async function query<T>(sql: string, w: AnalyticsWindow): Promise<T[]> {
  return database().raw.query<T>(sql, params(w));
}

// ---------------------------------------------------------------------------------------------------------

export interface DailyMessagesRow {
  day: string;
  messagesIn: number;
  messagesOut: number;
  /** Distinct conversations with at least one message that day (either direction). */
  conversations: number;
}

export interface MessageTotals {
  messagesIn: number;
  messagesOut: number;
  /** Distinct conversations with at least one message in the window. */
  conversations: number;
  /** Outbound messages that were not cancelled. */
  outbound: number;
  /** …that WhatsApp accepted and that did not fail afterwards: status sent, delivered or read. */
  sent: number;
  /** …status delivered or read (statuses only move forward; a read receipt without "delivered" counts). */
  delivered: number;
  read: number;
  failed: number;
  /** …still queued or sending. */
  pending: number;
}

export interface ShoppingFunnel {
  /** Conversations in which the shopper wrote at least once in the window. */
  conversations: number;
  /** …of which have cart lines in their current state or a checkout created in the window. */
  carts: number;
  /** …of which have a checkout (draft order) created in the window. */
  checkouts: number;
  /** …of which have an order attributed in the window. */
  orders: number;
  /** Every checkout created in the window (a conversation can have several). */
  checkoutsCreated: number;
  /** Every order attributed in the window (with or without a conversation). */
  ordersAttributed: number;
}

export interface ActivityStats {
  /** Only days with messages (the service zero-fills). */
  daily: DailyMessagesRow[];
  totals: MessageTotals;
  funnel: ShoppingFunnel;
}

/**
 * Messages per local day and over the window (in/out, active conversations, delivery funnel) and the
 * shopping funnel, from one pass over the window's messages: a hash aggregation per (day, conversation),
 * then per day, over the window and per conversation from those groups — distinct conversations without
 * sorting messages. The delivery funnel reads `status` only (it moves forward: sent → delivered → read, or
 * failed), so every message column read is in (shop, createdAt, conversationId, direction, status): an
 * index holding them turns the pass into an index-only scan (bench/results/analytics.md).
 */
export async function activityStats(w: AnalyticsWindow): Promise<ActivityStats> {
  const out = `direction = 'out' AND status <> 'cancelled'`;
  const [row] = await query<ActivityStats>(
    `WITH per_day AS MATERIALIZED (
       SELECT ${bucket('"createdAt"')} AS k,
              "conversationId" AS c,
              count(*) FILTER (WHERE direction = 'in') AS msg_in,
              count(*) FILTER (WHERE ${out}) AS msg_out,
              count(*) FILTER (WHERE ${out} AND status IN ('sent', 'delivered', 'read')) AS sent,
              count(*) FILTER (WHERE ${out} AND status IN ('delivered', 'read')) AS delivered,
              count(*) FILTER (WHERE ${out} AND status = 'read') AS read,
              count(*) FILTER (WHERE direction = 'out' AND status = 'failed') AS failed,
              count(*) FILTER (WHERE direction = 'out' AND status IN ('queued', 'sending')) AS pending
         FROM "Message"
        WHERE shop = $1 AND "createdAt" >= ${LO} AND "createdAt" < ${HI} AND ${notSandbox('"conversationId"')}
        GROUP BY 1, 2
     ), per_conversation AS MATERIALIZED (
       SELECT c AS id, sum(msg_in) > 0 AS engaged FROM per_day GROUP BY c
     ), carted AS MATERIALIZED (
       SELECT id
         FROM "Conversation"
        WHERE shop = $1 AND jsonb_typeof(state -> 'cart') = 'array' AND jsonb_array_length(state -> 'cart') > 0
     ), checkouts AS (
       SELECT "conversationId" AS id, count(*) AS n
         FROM "Checkout"
        WHERE shop = $1 AND "createdAt" >= ${LO} AND "createdAt" < ${HI} AND ${notSandbox('"conversationId"')}
        GROUP BY 1
     ), orders AS (
       SELECT "conversationId" AS id, count(*) AS n
         FROM "OrderAttribution"
        WHERE shop = $1 AND "createdAt" >= ${LO} AND "createdAt" < ${HI} AND ${notSandbox('"conversationId"')}
        GROUP BY 1
     )
     SELECT
       (SELECT coalesce(json_agg(d ORDER BY d.day), '[]'::json)
          FROM (SELECT ${dayOf("k")} AS day, sum(msg_in)::int AS "messagesIn", sum(msg_out)::int AS "messagesOut",
                       count(*)::int AS conversations
                  FROM per_day GROUP BY k) d) AS daily,
       (SELECT json_build_object(
                 'messagesIn', coalesce(sum(msg_in), 0)::int, 'messagesOut', coalesce(sum(msg_out), 0)::int,
                 'conversations', (SELECT count(*) FROM per_conversation)::int,
                 'outbound', coalesce(sum(msg_out), 0)::int, 'sent', coalesce(sum(sent), 0)::int,
                 'delivered', coalesce(sum(delivered), 0)::int, 'read', coalesce(sum(read), 0)::int,
                 'failed', coalesce(sum(failed), 0)::int, 'pending', coalesce(sum(pending), 0)::int)
          FROM per_day) AS totals,
       (SELECT json_build_object(
                 'conversations', count(*)::int,
                 'carts', (count(*) FILTER (WHERE k.id IS NOT NULL OR ca.id IS NOT NULL))::int,
                 'checkouts', (count(*) FILTER (WHERE k.id IS NOT NULL))::int,
                 'orders', (count(*) FILTER (WHERE o.id IS NOT NULL))::int,
                 'checkoutsCreated', (SELECT coalesce(sum(n), 0) FROM checkouts)::int,
                 'ordersAttributed', (SELECT coalesce(sum(n), 0) FROM orders)::int)
          FROM per_conversation e
          LEFT JOIN carted ca ON ca.id = e.id
          LEFT JOIN checkouts k ON k.id = e.id
          LEFT JOIN orders o ON o.id = e.id
         WHERE e.engaged) AS funnel`,
    w,
  );
  return row;
}

// ---------------------------------------------------------------------------------------------------------

export interface RevenueRow {
  /** null: the whole window. */
  day: string | null;
  currencyCode: string | null;
  orders: number;
  /** Sum of OrderAttribution.totalAmount, exact (numeric as text). */
  amount: string;
}

/** Attributed orders and revenue per currency, per local day and over the window. */
export function revenueStats(w: AnalyticsWindow): Promise<RevenueRow[]> {
  return query<RevenueRow>(
    `SELECT ${dayOf("k")} AS day, "currencyCode", orders, amount
       FROM (SELECT ${bucket('"createdAt"')} AS k,
                    "currencyCode",
                    count(*)::int AS orders,
                    coalesce(sum("totalAmount"), 0)::text AS amount
               FROM "OrderAttribution"
              WHERE shop = $1 AND "createdAt" >= ${LO} AND "createdAt" < ${HI}
                AND ${notSandbox('"conversationId"')}
              GROUP BY GROUPING SETS ((1, 2), (2))) r`,
    w,
  );
}

// ---------------------------------------------------------------------------------------------------------

export interface FeedbackDailyRow {
  day: string | null;
  positive: number;
  neutral: number;
  negative: number;
  /** Answers with a sentiment score, and their mean (null when none). */
  scored: number;
  averageSentiment: number | null;
}

/**
 * Feedback answers per local day of the answer (answeredAt; createdAt for a row without one) and over the
 * window: outcome counts and the mean sentiment score.
 */
export function feedbackDaily(w: AnalyticsWindow): Promise<FeedbackDailyRow[]> {
  const at = `coalesce("answeredAt", "createdAt")`;
  return query<FeedbackDailyRow>(
    `SELECT ${dayOf("k")} AS day, positive, neutral, negative, scored, "averageSentiment"
       FROM (SELECT ${bucket(at)} AS k,
                    count(*) FILTER (WHERE outcome = 'positive')::int AS positive,
                    count(*) FILTER (WHERE outcome = 'neutral')::int AS neutral,
                    count(*) FILTER (WHERE outcome = 'negative')::int AS negative,
                    count("sentimentScore")::int AS scored,
                    avg("sentimentScore")::float8 AS "averageSentiment"
               FROM "Feedback"
              WHERE shop = $1 AND ${at} >= ${LO} AND ${at} < ${HI}
                AND (outcome IS NOT NULL OR "sentimentScore" IS NOT NULL)
              GROUP BY GROUPING SETS ((1), ())) f`,
    w,
  );
}

export interface FeedbackTotalsRow {
  /** Feedback requests created in the window. */
  requested: number;
  /** Answers received in the window. */
  answered: number;
  sentimentPositive: number;
  sentimentNeutral: number;
  sentimentNegative: number;
  ratings: number;
  averageRating: number | null;
}

export async function feedbackTotals(w: AnalyticsWindow): Promise<FeedbackTotalsRow> {
  const [row] = await query<FeedbackTotalsRow>(
    `SELECT count(*) FILTER (WHERE "createdAt" >= ${LO} AND "createdAt" < ${HI})::int AS requested,
            count(*) FILTER (WHERE answered)::int AS answered,
            count(*) FILTER (WHERE answered AND "sentimentLabel" = 'positive')::int AS "sentimentPositive",
            count(*) FILTER (WHERE answered AND "sentimentLabel" = 'neutral')::int AS "sentimentNeutral",
            count(*) FILTER (WHERE answered AND "sentimentLabel" = 'negative')::int AS "sentimentNegative",
            count(rating) FILTER (WHERE answered)::int AS ratings,
            (avg(rating) FILTER (WHERE answered))::float8 AS "averageRating"
       FROM (SELECT "createdAt", "sentimentLabel", rating,
                    ("answeredAt" >= ${LO} AND "answeredAt" < ${HI}) IS TRUE AS answered
               FROM "Feedback"
              WHERE shop = $1
                AND (("createdAt" >= ${LO} AND "createdAt" < ${HI}) OR ("answeredAt" >= ${LO} AND "answeredAt" < ${HI}))
            ) f`,
    w,
  );
  return row;
}

// ---------------------------------------------------------------------------------------------------------

export interface ResponseTimeRow {
  /** bot | merchant | null (not answered by a day after the window). */
  responder: "bot" | "merchant" | null;
  day: string | null;
  waits: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
}

/**
 * First-response times. A wait starts with an inbound message in the window whose previous message in the
 * conversation is not inbound (the first of a run of shopper messages); it ends with the next outbound
 * message by the bot or a merchant that did not fail and was not cancelled (system messages — feedback
 * requests, notices — do not count), whose author is the responder. Messages from a day before the window
 * (to know the previous message) to a day after it (late answers) are read. Medians and p90 per responder,
 * over the window and per local day. One window, so one sort (by conversation and time only: a text
 * tie-breaker doubles its cost on PGlite; two messages of a conversation in the same millisecond are rare).
 */
export function responseTimes(w: AnalyticsWindow): Promise<ResponseTimeRow[]> {
  const answer = (author: string) =>
    `min("createdAt") FILTER (WHERE direction = 'out' AND author = '${author}' AND status NOT IN ('failed', 'cancelled'))`;
  return query<ResponseTimeRow>(
    `WITH ordered AS (
       SELECT "createdAt" AS at, direction,
              lead(direction) OVER later AS previous_direction, -- lead() ignores the frame
              ${answer("bot")} OVER later AS next_bot,
              ${answer("merchant")} OVER later AS next_merchant
         FROM "Message"
        WHERE shop = $1 AND "createdAt" >= ${LO} - interval '1 day' AND "createdAt" < ${HI} + interval '1 day'
          AND ${notSandbox('"conversationId"')}
       WINDOW later AS (PARTITION BY "conversationId" COLLATE "C" ORDER BY "createdAt" DESC
                        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
     ), waits AS (
       SELECT ${bucket("at")} AS k,
              -- 1 bot, 2 merchant, null unanswered: integers sort faster than text
              CASE WHEN next_bot IS NULL AND next_merchant IS NULL THEN NULL
                   WHEN next_merchant IS NULL OR next_bot <= next_merchant THEN 1
                   ELSE 2 END AS responder,
              extract(epoch FROM least(next_bot, next_merchant) - at) AS seconds
         FROM ordered
        WHERE direction = 'in' AND previous_direction IS DISTINCT FROM 'in' AND at >= ${LO} AND at < ${HI}
     )
     SELECT CASE responder WHEN 1 THEN 'bot' WHEN 2 THEN 'merchant' END AS responder,
            ${dayOf("k")} AS day, waits, "medianSeconds", "p90Seconds"
       FROM (SELECT responder, k,
                    count(*)::int AS waits,
                    (percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds))::float8 AS "medianSeconds",
                    (percentile_cont(0.9) WITHIN GROUP (ORDER BY seconds))::float8 AS "p90Seconds"
               FROM waits
              GROUP BY GROUPING SETS ((1, 2), (1))) r`,
    w,
  );
}

// ---------------------------------------------------------------------------------------------------------

export interface LlmUsageRow {
  day: string | null;
  calls: number;
  failures: number;
  promptTokens: number;
  completionTokens: number;
  averageLatencyMs: number | null;
}

/** LLM calls per local day and over the window. */
export function llmUsage(w: AnalyticsWindow): Promise<LlmUsageRow[]> {
  return query<LlmUsageRow>(
    `SELECT ${dayOf("k")} AS day, calls, failures, "promptTokens", "completionTokens", "averageLatencyMs"
       FROM (SELECT ${bucket('"createdAt"')} AS k,
                    count(*)::int AS calls,
                    count(*) FILTER (WHERE NOT ok)::int AS failures,
                    coalesce(sum("promptTokens"), 0)::float8 AS "promptTokens",
                    coalesce(sum("completionTokens"), 0)::float8 AS "completionTokens",
                    avg("latencyMs")::float8 AS "averageLatencyMs"
               FROM "LlmCall"
              WHERE shop = $1 AND "createdAt" >= ${LO} AND "createdAt" < ${HI}
              GROUP BY GROUPING SETS ((1), ())) l`,
    w,
  );
}

// ---------------------------------------------------------------------------------------------------------

/** The cheapest shop-scoped round trip (the benchmark's baseline). */
export async function shopExists(shop: string): Promise<boolean> {
  const rows = await database().raw.query<{ found: number }>(
    `SELECT 1 AS found FROM "Shop" WHERE shop = $1`,
    [shop],
  );
  return rows.length > 0;
}
