/**
 * The gate between the model's text and the shopper: only a reply that is non-empty, in the shopper's language,
 * free of made-up prices and of links the app did not provide is sent, shortened to the shop's maximum. Pure.
 */
import type { Language } from "../types";
import { fitWords } from "../conversation/limits";
import { ungroundedPrices, type PriceMention } from "./grounding";

export type ReplyRejection = "empty" | "price" | "language" | "link";

export type ReplyCheck =
  { ok: true; text: string } | { ok: false; reason: ReplyRejection; prices?: PriceMention[] };

/** Letters of Arabic script vs all letters: 0..1 (null when the text has no letters). */
export function arabicShare(text: string): number | null {
  let arabic = 0;
  let letters = 0;
  for (const ch of text) {
    if (!/\p{L}/u.test(ch)) continue;
    letters++;
    if (/\p{Script=Arabic}/u.test(ch)) arabic++;
  }
  return letters === 0 ? null : arabic / letters;
}

/**
 * Whether a reply is written in `language`. Product names are often Latin inside Arabic replies, so Arabic
 * needs a fair share of Arabic letters rather than a majority; English must be mostly Latin.
 */
export function isInLanguage(text: string, language: Language): boolean {
  const share = arabicShare(text);
  if (share === null) return true;
  return language === "ar" ? share >= 0.3 : share <= 0.3;
}

const URL = /\b(?:https?:\/\/|www\.)[^\s<>"')\]]+/gi;

/** Links in a text. */
export function linksIn(text: string): string[] {
  return [...text.matchAll(URL)].map((m) => m[0].replace(/[.,;:!?]+$/, ""));
}

export function checkReply(
  text: string | null | undefined,
  opts: { language: Language; maxChars: number; sources: readonly string[] },
): ReplyCheck {
  const clean = String(text ?? "")
    .replace(/<\/?shopper>/gi, "")
    .replace(/\r\n?/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  if (!clean) return { ok: false, reason: "empty" };
  // Checked as it would be sent: shortening must not turn a right price into a wrong one ("SAR 1,349" → "SAR 1…").
  const sent = fitWords(clean, Math.max(20, Math.min(opts.maxChars, 4096)));
  const prices = ungroundedPrices(sent, opts.sources);
  if (prices.length > 0) return { ok: false, reason: "price", prices };
  if (!isInLanguage(sent, opts.language)) return { ok: false, reason: "language" };
  const joined = opts.sources.join("\n");
  if (linksIn(sent).some((link) => !joined.includes(link))) return { ok: false, reason: "link" };
  return { ok: true, text: sent };
}
