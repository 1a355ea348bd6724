/**
 * WhatsApp Cloud API message limits, and the text tools that keep messages inside them.
 *
 * Lengths are counted in Unicode code points (what Meta calls "characters"; `"👍".length` is 2 in
 * JavaScript but 1 here), and text is only ever cut between grapheme clusters, so an emoji (even a ZWJ
 * family or a flag), an Arabic letter with its diacritics, or a surrogate pair is never split.
 */
import type { ListRow } from "~/domain/types";

export const LIMITS = {
  /** `text.body` of a text message. */
  textBody: 4096,
  /** `interactive.body.text`. */
  interactiveBody: 1024,
  /** `interactive.header.text`. */
  header: 60,
  /** `interactive.footer.text`. */
  footer: 60,
  /** Media caption. */
  caption: 1024,
  replyButtons: 3,
  buttonTitle: 20,
  buttonId: 256,
  /** Rows in a list message, all sections together. */
  listRows: 10,
  listSections: 10,
  listRowTitle: 24,
  listRowDescription: 72,
  listRowId: 200,
  listSectionTitle: 24,
  /** The label of the button that opens a list. */
  listButtonText: 20,
  ctaDisplayText: 20,
  productListSections: 10,
  productListItems: 30,
  bizOpaqueCallbackData: 512,
} as const;

export const ELLIPSIS = "…";

export type LimitProblem = "empty" | "too_few" | "too_many" | "too_long" | "duplicate" | "invalid";

/**
 * A message cannot be built within WhatsApp's limits without changing its meaning (too many choices, an id
 * that would have to be cut, a duplicate id…). Long *text* is truncated instead, never reported.
 */
export class WhatsAppLimitError extends Error {
  override readonly name = "WhatsAppLimitError";

  constructor(
    /** Where the problem is, e.g. "buttons", "sections[0].rows[2].id". */
    readonly field: string,
    readonly problem: LimitProblem,
    message: string,
    readonly limit?: number,
    readonly actual?: number,
  ) {
    super(`${field}: ${message}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Measuring and cutting text
// ---------------------------------------------------------------------------------------------

const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** Length as WhatsApp counts it: Unicode code points. */
export function charLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

function graphemesOf(text: string): string[] {
  return Array.from(graphemeSegmenter.segment(text), (s) => s.segment);
}

/**
 * The longest prefix of whole graphemes that fits in `max` code points. Falls back to whole code points only
 * when even the first grapheme is longer than `max` (a very long emoji sequence in a tiny budget).
 */
function takePrefix(text: string, max: number): string {
  if (max <= 0) return "";
  let out = "";
  let used = 0;
  for (const grapheme of graphemesOf(text)) {
    const size = charLength(grapheme);
    if (used + size > max) {
      if (out === "") return Array.from(grapheme).slice(0, max).join("");
      break;
    }
    out += grapheme;
    used += size;
  }
  return out;
}

/**
 * `text` if it fits in `max` code points; otherwise its longest grapheme-safe prefix, with trailing
 * whitespace removed, followed by "…", in at most `max` code points.
 */
export function truncate(text: string, max: number, ellipsis: string = ELLIPSIS): string {
  if (charLength(text) <= max) return text;
  const room = max - charLength(ellipsis);
  if (room <= 0) return takePrefix(ellipsis, max);
  return takePrefix(text, room).trimEnd() + ellipsis;
}

/**
 * Splits a long text into chunks of at most `max` code points (default: a text message body), cutting at a
 * paragraph break, else a line break, else a space, else between graphemes. Whitespace at the cuts is
 * dropped; an empty or blank text gives no chunks.
 */
export function chunkText(body: string, max: number = LIMITS.textBody): string[] {
  if (!Number.isInteger(max) || max < 1) {
    throw new WhatsAppLimitError("max", "invalid", `must be a positive integer (got ${max})`);
  }
  const graphemes = graphemesOf(body);
  const chunks: string[] = [];
  let start = 0;
  while (start < graphemes.length) {
    // Skip the whitespace left over from the previous cut.
    while (start < graphemes.length && isBlank(graphemes[start])) start++;
    if (start >= graphemes.length) break;

    // The furthest end (exclusive) that fits.
    let end = start;
    let used = 0;
    while (end < graphemes.length && used + charLength(graphemes[end]) <= max) {
      used += charLength(graphemes[end]);
      end++;
    }
    if (end === start) {
      // A single grapheme longer than `max`: cut it by code points (never inside a surrogate pair).
      const points = Array.from(graphemes[start]);
      for (let i = 0; i < points.length; i += max) chunks.push(points.slice(i, i + max).join(""));
      start++;
      continue;
    }
    if (end < graphemes.length) end = bestBreak(graphemes, start, end);

    const chunk = graphemes.slice(start, end).join("").trimEnd();
    if (chunk !== "") chunks.push(chunk);
    start = end;
  }
  return chunks;
}

/**
 * Where to cut inside graphemes[start, end): just after the last paragraph break, line break or space in
 * the second half of the window, in that order of preference; else at `end`.
 */
function bestBreak(graphemes: readonly string[], start: number, end: number): number {
  const floor = start + Math.floor((end - start) / 2);
  const lastIndex = (test: (g: string, i: number) => boolean): number => {
    for (let i = end - 1; i >= floor; i--) if (test(graphemes[i], i)) return i + 1;
    return -1;
  };
  const isNewline = (g: string) => g === "\n" || g === "\r\n" || g === "\r";
  const paragraph = lastIndex((g, i) => isNewline(g) && i > start && isNewline(graphemes[i - 1]));
  if (paragraph > 0) return paragraph;
  const line = lastIndex(isNewline);
  if (line > 0) return line;
  const space = lastIndex(isBlank);
  if (space > 0) return space;
  return end;
}

function isBlank(grapheme: string): boolean {
  return grapheme.trim() === "";
}

// ---------------------------------------------------------------------------------------------
// Paging long lists
// ---------------------------------------------------------------------------------------------

export interface SplitListOptions {
  /** Rows of content per page, at most 9 so that a page with its "More" row stays within 10. Default 9. */
  pageSize?: number;
  /**
   * Id of the "More" row. A function receives the (0-based) index of the page the row opens, so the engine
   * can tell which page to show next.
   */
  moreRowId: string | ((nextPage: number) => string);
  moreTitle: string;
  moreDescription?: string;
}

/**
 * Pages rows for list messages: a list that fits in one message (≤ pageSize + 1 rows) stays one page;
 * otherwise every page but the last holds `pageSize` rows plus a final "More" row. No rows, no pages.
 */
export function splitList(rows: readonly ListRow[], options: SplitListOptions): ListRow[][] {
  const pageSize = options.pageSize ?? LIMITS.listRows - 1;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > LIMITS.listRows - 1) {
    throw new WhatsAppLimitError(
      "pageSize",
      "invalid",
      `must be an integer from 1 to ${LIMITS.listRows - 1} (a page also holds the "More" row)`,
      LIMITS.listRows - 1,
      pageSize,
    );
  }
  if (rows.length === 0) return [];
  if (rows.length <= pageSize + 1) return [[...rows]];

  const pages: ListRow[][] = [];
  for (let start = 0; start < rows.length; start += pageSize) {
    const remaining = rows.length - start;
    // The last page may use the slot the "More" row would have taken.
    if (remaining <= pageSize + 1) {
      pages.push(rows.slice(start));
      break;
    }
    const nextPage = pages.length + 1;
    const moreId = typeof options.moreRowId === "function" ? options.moreRowId(nextPage) : options.moreRowId;
    pages.push([
      ...rows.slice(start, start + pageSize),
      {
        id: moreId,
        title: options.moreTitle,
        ...(options.moreDescription !== undefined ? { description: options.moreDescription } : {}),
      },
    ]);
  }
  return pages;
}
