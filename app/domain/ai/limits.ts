/**
 * The assistant's limits. Per-shop settings cover the prompt and the reply length; these bound cost, latency and
 * abuse for every shop alike.
 */
export const AI_LIMITS = {
  /** One AI turn (every model call and tool in it) gets this long before the rule engine's answer is used. */
  timeoutMs: 8_000,
  /** Model calls in one turn (tool round trips), not counting the one retry after a malformed tool call. */
  maxRounds: 4,
  /** Tool calls carried out per model response (the rest are answered "not run"). */
  maxToolCallsPerRound: 3,
  /** The app's messages kept after a turn (the last ones; the engine's last prompt is among them). */
  maxAppMessages: 4,
  /** Completion tokens per call. */
  maxCompletionTokens: 400,
  /** Tokens (prompt + completion) one conversation may use per window… */
  conversationTokenBudget: 60_000,
  /** …of this length. */
  budgetWindowMs: 24 * 60 * 60 * 1000,
  /** Token buckets: per shop (all its shoppers, the sentiment calls and the admin preview)… */
  shopPerMinute: 120,
  shopBurst: 40,
  /** …and per shopper. */
  contactPerMinute: 8,
  contactBurst: 5,
} as const;

export type AiLimits = { -readonly [K in keyof typeof AI_LIMITS]: number };
