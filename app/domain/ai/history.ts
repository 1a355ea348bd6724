/**
 * The conversation history sent to the model: the last few turns only, each message shortened, the whole
 * bounded in characters (cost, latency, and less room for an old message to steer the model). Pure.
 */
import type { ChatMessage } from "./chat";
import { shopperMessage } from "./prompt";

export interface HistoryItem {
  /** "user" for the shopper, "assistant" for the bot (and the store's team). */
  role: "user" | "assistant";
  text: string;
}

export const HISTORY_LIMITS = {
  /** A turn starts at a shopper message and holds the replies after it. */
  maxTurns: 6,
  maxChars: 3000,
  maxMessageChars: 500,
} as const;

function shorten(text: string, max: number): string {
  const clean = text
    .replace(/[^\S\n]+/g, " ")
    .replace(/\s*\n\s*/g, "\n")
    .trim();
  return clean.length <= max ? clean : `${clean.slice(0, max - 1).trimEnd()}…`;
}

/**
 * Keeps the most recent `maxTurns` turns: consecutive messages of one side are joined, every message is cut to
 * `maxMessageChars`, and the oldest messages go first until the total fits `maxChars`. The result never starts
 * with a bot message (a reply without its question only confuses).
 */
export function trimHistory(
  items: readonly HistoryItem[],
  limits: { maxTurns?: number; maxChars?: number; maxMessageChars?: number } = {},
): HistoryItem[] {
  const maxTurns = limits.maxTurns ?? HISTORY_LIMITS.maxTurns;
  const maxChars = limits.maxChars ?? HISTORY_LIMITS.maxChars;
  const maxMessageChars = limits.maxMessageChars ?? HISTORY_LIMITS.maxMessageChars;

  const merged: HistoryItem[] = [];
  for (const item of items) {
    const text = item.text?.trim();
    if (!text) continue;
    const last = merged[merged.length - 1];
    if (last && last.role === item.role) last.text = `${last.text}\n${text}`;
    else merged.push({ role: item.role, text });
  }

  // The last `maxTurns` shopper messages and what followed each.
  let turns = 0;
  let start = merged.length;
  for (let i = merged.length - 1; i >= 0; i--) {
    start = i;
    if (merged[i].role === "user" && ++turns >= maxTurns) break;
  }
  let kept = merged.slice(start).map((m) => ({ role: m.role, text: shorten(m.text, maxMessageChars) }));

  let total = kept.reduce((n, m) => n + m.text.length, 0);
  while (kept.length > 0 && total > maxChars) {
    total -= kept[0].text.length;
    kept = kept.slice(1);
  }
  while (kept.length > 0 && kept[0].role !== "user") kept = kept.slice(1);
  return kept;
}

/** History as chat messages; the shopper's words are delimited like the current message. */
export function historyMessages(items: readonly HistoryItem[]): ChatMessage[] {
  return items.map((m) =>
    m.role === "user"
      ? { role: "user", content: shopperMessage(m.text) }
      : { role: "assistant", content: m.text },
  );
}
