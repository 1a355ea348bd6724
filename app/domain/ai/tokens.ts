/**
 * Token estimates, for the budget check before a call (the provider's own count, returned in `usage`, is what
 * is recorded). Deliberately rough and on the high side: about 4 characters per token for Latin text, about 2
 * for Arabic and other scripts (BPE vocabularies split them finer), plus a few tokens per message.
 */
import type { ChatMessage, ToolSchema } from "./chat";

const PER_MESSAGE = 4;

export function estimateTokens(text: string | null | undefined): number {
  if (!text) return 0;
  let ascii = 0;
  let other = 0;
  for (const ch of text) {
    if (ch.charCodeAt(0) < 128) ascii++;
    else other++;
  }
  return Math.ceil(ascii / 4 + other / 2);
}

export function estimateMessagesTokens(
  messages: readonly ChatMessage[],
  tools: readonly ToolSchema[] = [],
): number {
  let total = 3;
  for (const m of messages) {
    total += PER_MESSAGE + estimateTokens(m.content ?? "");
    if (m.role === "assistant" && m.tool_calls)
      for (const c of m.tool_calls)
        total += estimateTokens(c.function.name) + estimateTokens(c.function.arguments);
  }
  if (tools.length) total += estimateTokens(JSON.stringify(tools));
  return total;
}
