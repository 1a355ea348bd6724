import { z } from "zod";
import {
  activityStats,
  feedbackDaily,
  feedbackTotals,
  llmUsage,
  responseTimes,
  revenueStats,
  type AnalyticsWindow,
} from "~/adapters/db/analytics.server";
import { adminClientFromGraphql, type GraphqlFunctionLike } from "~/adapters/shopify/admin-client";
import { cache } from "~/cache.server";
import { log } from "~/logger.server";

/**
 * The analytics overview (app._index): a range of the shop's local days, then every series and funnel,
 * aggregated in SQL by adapters/db/analytics.server.ts and zero-filled here so that every day has a point.
 *
 * Definitions (also on the page):
 * - conversations per day: distinct conversations with at least one message (in or out) that day;
 * - delivery funnel: outbound messages created in the range (cancelled ones left out) by status: sent
 *   (accepted by WhatsApp and not failed since), delivered, read (a later status implies the earlier ones;
 *   statuses only move forward), failed, still pending;
 * - shopping funnel, by conversation: conversations where the shopper wrote in the range → with a cart
 *   (cart lines in the conversation's current state, or a checkout created in the range) → with a checkout
 *   created in the range → with an order attributed in the range. Attributed revenue is the sum of
 *   OrderAttribution.totalAmount of every order attributed in the range, per currency (never converted);
 * - feedback: answers by outcome per day of the answer, mean sentiment score per day;
 * - first response: from the first inbound message of a run of shopper messages to the next outbound message
 *   by the bot or a merchant, whose author is the responder; median and p90 per responder;
 * - AI usage: LlmCall rows created in the range.
 */

export const PRESETS = { "7d": 7, "30d": 30, "90d": 90 } as const;
export type Preset = keyof typeof PRESETS;
export const DEFAULT_PRESET: Preset = "30d";
/** The longest custom range, in days. */
export const MAX_RANGE_DAYS = 366;

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "date must be YYYY-MM-DD")
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
  }, "not a calendar date");

/** `?range=7d|30d|90d` or `?range=custom&from=YYYY-MM-DD&to=YYYY-MM-DD` (from/to alone imply custom). */
export const AnalyticsSearchSchema = z
  .object({
    range: z.enum(["7d", "30d", "90d", "custom"]).optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
  })
  .transform((value) => ({
    ...value,
    range: value.range ?? (value.from || value.to ? "custom" : DEFAULT_PRESET),
  }))
  .superRefine((value, ctx) => {
    if (value.range !== "custom") return;
    if (!value.from || !value.to) {
      ctx.addIssue({ code: "custom", path: ["from"], message: "a custom range needs from and to" });
      return;
    }
    if (value.from > value.to) ctx.addIssue({ code: "custom", path: ["from"], message: "from is after to" });
    else if (daysBetween(value.from, value.to) + 1 > MAX_RANGE_DAYS)
      ctx.addIssue({ code: "custom", path: ["to"], message: `at most ${MAX_RANGE_DAYS} days` });
    if (value.from < "2000-01-01") ctx.addIssue({ code: "custom", path: ["from"], message: "too early" });
  });
export type AnalyticsSearch = z.output<typeof AnalyticsSearchSchema>;

// --- dates (YYYY-MM-DD strings, calendar arithmetic in UTC) ----------------------------------------------

const DAY_MS = 86_400_000;
const toUtc = (date: string) => Date.parse(`${date}T00:00:00Z`);
const fromUtc = (ms: number) => new Date(ms).toISOString().slice(0, 10);
export const addDays = (date: string, days: number) => fromUtc(toUtc(date) + days * DAY_MS);
export const daysBetween = (from: string, to: string) => Math.round((toUtc(to) - toUtc(from)) / DAY_MS);

export function eachDay(from: string, to: string): string[] {
  const days: string[] = [];
  for (let ms = toUtc(from); ms <= toUtc(to); ms += DAY_MS) days.push(fromUtc(ms));
  return days;
}

/** Whether the JavaScript runtime knows the IANA zone (PostgreSQL is asked again by the queries). */
export function isTimeZone(value: string | null | undefined): value is string {
  if (!value || value.length > 64 || !/^[A-Za-z0-9_+\-/]+$/.test(value)) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** The local calendar day of `now` in `timeZone`. */
export function localToday(timeZone: string, now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}`;
}

export interface ResolvedRange {
  preset: Preset | "custom";
  from: string;
  to: string;
  days: number;
}

/** Presets end today (local) and include it: "7d" is today and the 6 days before. */
export function resolveRange(
  search: AnalyticsSearch,
  timeZone: string,
  now: Date = new Date(),
): ResolvedRange {
  if (search.range === "custom" && search.from && search.to) {
    return {
      preset: "custom",
      from: search.from,
      to: search.to,
      days: daysBetween(search.from, search.to) + 1,
    };
  }
  const preset = search.range === "custom" ? DEFAULT_PRESET : search.range;
  const to = localToday(timeZone, now);
  return { preset, from: addDays(to, -(PRESETS[preset] - 1)), to, days: PRESETS[preset] };
}

// --- the shop's time zone --------------------------------------------------------------------------------

export type TimeZoneSource = "shop" | "utc";

const SHOP_TIMEZONE = `#graphql
  query HalaShopTimezone {
    shop { ianaTimezone }
  }
`;
const TZ_TTL_MS = 24 * 3600_000;
const TZ_RETRY_MS = 5 * 60_000;
const tzKey = (shop: string) => `analytics:tz:${shop}`;

/**
 * The shop's IANA time zone (Admin API `shop.ianaTimezone`), cached a day per shop so that the page asks
 * Shopify about once a day. UTC when Shopify cannot be asked or answers something unusable (cached for
 * 5 minutes, then asked again).
 */
export async function shopTimeZone(
  shop: string,
  graphql?: GraphqlFunctionLike,
): Promise<{ timeZone: string; source: TimeZoneSource }> {
  const cached = await cache()
    .get(tzKey(shop))
    .catch(() => null);
  if (cached) {
    return isTimeZone(cached) && cached !== "-"
      ? { timeZone: cached, source: "shop" }
      : { timeZone: "UTC", source: "utc" };
  }
  if (!graphql) return { timeZone: "UTC", source: "utc" };
  let timeZone: string | null = null;
  try {
    const data = await adminClientFromGraphql(shop, graphql).request<{
      shop: { ianaTimezone: string | null };
    }>(SHOP_TIMEZONE);
    timeZone = isTimeZone(data.shop.ianaTimezone) ? data.shop.ianaTimezone : null;
  } catch (error) {
    log({ shop }).warn({ err: error }, "the shop's time zone could not be read; analytics in UTC");
  }
  await cache()
    .set(tzKey(shop), timeZone ?? "-", timeZone ? TZ_TTL_MS : TZ_RETRY_MS)
    .catch(() => undefined);
  return timeZone ? { timeZone, source: "shop" } : { timeZone: "UTC", source: "utc" };
}

// --- the report ------------------------------------------------------------------------------------------

export interface DailyActivity {
  date: string;
  conversations: number;
  messagesIn: number;
  messagesOut: number;
}
export interface DeliveryFunnel {
  outbound: number;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  pending: number;
}
export interface Revenue {
  currencyCode: string | null;
  orders: number;
  /** Exact decimal string. */
  amount: string;
}
export interface ResponderStats {
  waits: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
}
export interface AnalyticsReport {
  range: ResolvedRange & { timeZone: string; timeZoneSource: TimeZoneSource };
  empty: boolean;
  totals: { conversations: number; messagesIn: number; messagesOut: number };
  daily: DailyActivity[];
  delivery: DeliveryFunnel;
  shopping: {
    conversations: number;
    carts: number;
    checkouts: number;
    orders: number;
    checkoutsCreated: number;
    ordersAttributed: number;
    revenue: Revenue[];
    dailyOrders: { date: string; orders: number }[];
  };
  feedback: {
    requested: number;
    answered: number;
    outcomes: { positive: number; neutral: number; negative: number };
    sentiment: { positive: number; neutral: number; negative: number; averageScore: number | null };
    ratings: number;
    averageRating: number | null;
    daily: {
      date: string;
      positive: number;
      neutral: number;
      negative: number;
      averageSentiment: number | null;
    }[];
  };
  responseTimes: {
    bot: ResponderStats;
    merchant: ResponderStats;
    unanswered: number;
    daily: { date: string; botMedianSeconds: number | null; merchantMedianSeconds: number | null }[];
  };
  ai: {
    calls: number;
    failures: number;
    promptTokens: number;
    completionTokens: number;
    averageLatencyMs: number | null;
    daily: { date: string; calls: number; failures: number; tokens: number }[];
  };
}

const round = (value: number | null | undefined, digits = 3) =>
  value === null || value === undefined || !Number.isFinite(Number(value))
    ? null
    : Number(Number(value).toFixed(digits));

function byDay<T extends { day: string | null }>(rows: T[]): Map<string, T> {
  return new Map(rows.filter((r) => r.day !== null).map((r) => [r.day as string, r]));
}

/** Every series and funnel for one window. All aggregation happens in SQL; this zero-fills and shapes. */
export async function analyticsReport(window: AnalyticsWindow): Promise<Omit<AnalyticsReport, "range">> {
  const [activity, revenue, feedbackRows, feedbackSums, responses, llm] = await Promise.all([
    activityStats(window),
    revenueStats(window),
    feedbackDaily(window),
    feedbackTotals(window),
    responseTimes(window),
    llmUsage(window),
  ]);
  const days = eachDay(window.from, window.to);

  const { totals: messageTotals, funnel } = activity;
  const messagesByDay = new Map(activity.daily.map((r) => [r.day, r]));
  const daily = days.map((date) => {
    const row = messagesByDay.get(date);
    return {
      date,
      conversations: row?.conversations ?? 0,
      messagesIn: row?.messagesIn ?? 0,
      messagesOut: row?.messagesOut ?? 0,
    };
  });

  const ordersByDay = new Map<string, number>();
  for (const r of revenue) if (r.day) ordersByDay.set(r.day, (ordersByDay.get(r.day) ?? 0) + r.orders);
  const revenueTotals = revenue
    .filter((r) => r.day === null)
    .map((r) => ({ currencyCode: r.currencyCode, orders: r.orders, amount: r.amount }))
    .sort((a, b) => b.orders - a.orders || String(a.currencyCode).localeCompare(String(b.currencyCode)));

  const feedbackAll = feedbackRows.find((r) => r.day === null);
  const feedbackByDay = byDay(feedbackRows);

  const responder = (who: "bot" | "merchant"): ResponderStats => {
    const row = responses.find((r) => r.responder === who && r.day === null);
    return {
      waits: row?.waits ?? 0,
      medianSeconds: round(row?.medianSeconds),
      p90Seconds: round(row?.p90Seconds),
    };
  };
  const medianOn = (who: "bot" | "merchant", date: string) =>
    round(responses.find((r) => r.responder === who && r.day === date)?.medianSeconds);

  const llmAll = llm.find((r) => r.day === null);
  const llmByDay = byDay(llm);

  return {
    empty:
      messageTotals.messagesIn + messageTotals.messagesOut === 0 &&
      funnel.ordersAttributed === 0 &&
      funnel.checkoutsCreated === 0 &&
      feedbackSums.requested + feedbackSums.answered === 0 &&
      (llmAll?.calls ?? 0) === 0,
    totals: {
      conversations: messageTotals.conversations,
      messagesIn: messageTotals.messagesIn,
      messagesOut: messageTotals.messagesOut,
    },
    daily,
    delivery: {
      outbound: messageTotals.outbound,
      sent: messageTotals.sent,
      delivered: messageTotals.delivered,
      read: messageTotals.read,
      failed: messageTotals.failed,
      pending: messageTotals.pending,
    },
    shopping: {
      ...funnel,
      revenue: revenueTotals,
      dailyOrders: days.map((date) => ({ date, orders: ordersByDay.get(date) ?? 0 })),
    },
    feedback: {
      requested: feedbackSums.requested,
      answered: feedbackSums.answered,
      outcomes: {
        positive: feedbackAll?.positive ?? 0,
        neutral: feedbackAll?.neutral ?? 0,
        negative: feedbackAll?.negative ?? 0,
      },
      sentiment: {
        positive: feedbackSums.sentimentPositive,
        neutral: feedbackSums.sentimentNeutral,
        negative: feedbackSums.sentimentNegative,
        averageScore: round(feedbackAll?.averageSentiment),
      },
      ratings: feedbackSums.ratings,
      averageRating: round(feedbackSums.averageRating, 2),
      daily: days.map((date) => {
        const row = feedbackByDay.get(date);
        return {
          date,
          positive: row?.positive ?? 0,
          neutral: row?.neutral ?? 0,
          negative: row?.negative ?? 0,
          averageSentiment: round(row?.averageSentiment),
        };
      }),
    },
    responseTimes: {
      bot: responder("bot"),
      merchant: responder("merchant"),
      unanswered: responses.find((r) => r.responder === null && r.day === null)?.waits ?? 0,
      daily: days.map((date) => ({
        date,
        botMedianSeconds: medianOn("bot", date),
        merchantMedianSeconds: medianOn("merchant", date),
      })),
    },
    ai: {
      calls: llmAll?.calls ?? 0,
      failures: llmAll?.failures ?? 0,
      promptTokens: llmAll?.promptTokens ?? 0,
      completionTokens: llmAll?.completionTokens ?? 0,
      averageLatencyMs: round(llmAll?.averageLatencyMs, 1),
      daily: days.map((date) => {
        const row = llmByDay.get(date);
        return {
          date,
          calls: row?.calls ?? 0,
          failures: row?.failures ?? 0,
          tokens: (row?.promptTokens ?? 0) + (row?.completionTokens ?? 0),
        };
      }),
    },
  };
}

const isUnknownZone = (error: unknown) =>
  error instanceof Error && /time zone .* not recognized/i.test(error.message);

export interface AnalyticsPage {
  report: AnalyticsReport;
  /** The query string was not a valid range: the default range is shown instead. */
  rangeError: boolean;
}

/**
 * The loader's work after authentication: validate the query string (zod), find the shop's time zone,
 * resolve the range of local days and aggregate.
 */
export async function analyticsPage(
  shop: string,
  query: Record<string, string>,
  options: { graphql?: GraphqlFunctionLike; now?: Date } = {},
): Promise<AnalyticsPage> {
  const parsed = AnalyticsSearchSchema.safeParse(query);
  const search: AnalyticsSearch = parsed.success ? parsed.data : { range: DEFAULT_PRESET };
  let { timeZone, source } = await shopTimeZone(shop, options.graphql);
  let range = resolveRange(search, timeZone, options.now);
  let body: Omit<AnalyticsReport, "range">;
  try {
    body = await analyticsReport({ shop, from: range.from, to: range.to, timeZone });
  } catch (error) {
    // A zone this PostgreSQL's tz database does not know (ICU knew it): the same report in UTC.
    if (!isUnknownZone(error) || timeZone === "UTC") throw error;
    log({ shop }).warn({ timeZone }, "PostgreSQL does not know the shop's time zone; analytics in UTC");
    timeZone = "UTC";
    source = "utc";
    range = resolveRange(search, timeZone, options.now);
    body = await analyticsReport({ shop, from: range.from, to: range.to, timeZone });
  }
  return {
    report: { range: { ...range, timeZone, timeZoneSource: source }, ...body },
    rangeError: !parsed.success,
  };
}
