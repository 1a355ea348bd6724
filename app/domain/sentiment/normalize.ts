/**
 * Text normalisation and tokenisation for the built-in sentiment analyzer (pure).
 *
 * Arabic is normalised the way most Arabic NLP pipelines do it, so that one lexicon entry matches the many
 * ways shoppers type a word on a phone keyboard:
 *   - diacritics (tashkeel, tanween, shadda, sukun, superscript alef) and tatweel are removed;
 *   - أ إ آ ٱ → ا ;  ى → ي ;  ة → ه ;  ؤ ئ → ء  (all hamza seats become one hamza);
 *   - Persian/Urdu look-alikes (ک ی گ ڤ پ چ) become their Arabic letters;
 *   - Arabic-Indic and Extended Arabic-Indic digits become ASCII digits.
 * Latin text is lower-cased; curly apostrophes become straight ones.
 * Letters repeated three or more times ("حلووووو", "soooo") are collapsed to two; the lexicon lookup then tries
 * further collapsed variants (see `spellingVariants`).
 */

const ARABIC_DIACRITICS = /[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06DC\u06DF-\u06E8\u06EA-\u06ED]/g;
const TATWEEL = /\u0640/g;

const CHAR_MAP: Record<string, string> = {
  أ: "ا",
  إ: "ا",
  آ: "ا",
  ٱ: "ا",
  ى: "ي",
  ة: "ه",
  ؤ: "ء",
  ئ: "ء",
  ک: "ك",
  ی: "ي",
  گ: "ك",
  ڤ: "ف",
  پ: "ب",
  چ: "ج",
  "’": "'",
  "‘": "'",
  "`": "'",
};

const CHAR_MAP_RE = new RegExp(`[${Object.keys(CHAR_MAP).join("")}]`, "g");

/** ٠-٩ (U+0660–0669) and ۰-۹ (U+06F0–06F9) → 0-9. */
export function toAsciiDigits(text: string): string {
  return text.replace(/[\u0660-\u0669\u06F0-\u06F9]/g, (d) => {
    const cp = d.codePointAt(0)!;
    return String(cp >= 0x06f0 ? cp - 0x06f0 : cp - 0x0660);
  });
}

/** Normalise a whole text (both scripts). Idempotent. */
export function normalizeText(text: string): string {
  return toAsciiDigits(
    text
      .normalize("NFKC")
      .replace(ARABIC_DIACRITICS, "")
      .replace(TATWEEL, "")
      .replace(CHAR_MAP_RE, (c) => CHAR_MAP[c] ?? c),
  )
    .toLowerCase()
    .replace(/(\p{L})\1{2,}/gu, "$1$1");
}

/** Runs of 3+ equal letters → 1 ("ممتااااز" → "ممتاز"; keeps the legitimate double "مم"). */
function collapseLongRuns(word: string): string {
  return word.replace(/(\p{L})\1{2,}/gu, "$1");
}

/** Every run of equal letters → 1 ("حلوو" → "حلو", "goood" → "god" — only a fallback). */
function collapseAllRuns(word: string): string {
  return word.replace(/(\p{L})\1+/gu, "$1");
}

/**
 * The spellings to try for a (normalised) word, most faithful first. `raw` is the word before run collapsing,
 * so that "ممتااااز" can still become "ممتاز" rather than "ممتااز".
 */
export function spellingVariants(word: string, raw: string = word): string[] {
  const out = [word, collapseLongRuns(raw), collapseAllRuns(word)];
  return [...new Set(out)];
}

export const ARABIC_LETTERS = "\u0621-\u064A\u066E-\u06D3\u06FA-\u06FF";
const ARABIC_WORD = new RegExp(`^[${ARABIC_LETTERS}]+$`);

export type TokenKind = "word" | "number" | "emoji" | "punct";
export type Script = "ar" | "latin" | "none";

export interface Token {
  kind: TokenKind;
  /** Normalised text (for emoji: the base code point without variation selectors or skin tones). */
  text: string;
  /** The normalised text before runs of repeated letters were shortened (differs for "حلووووو"). */
  raw: string;
  script: Script;
  /** True when a letter was repeated 3+ times in the original ("soooo", "حلووووو"): emphasis. */
  elongated: boolean;
  /** True for an all-caps Latin word of 2+ letters in an otherwise not all-caps text ("BAD"). */
  shouted: boolean;
}

// Emoji: a pictographic base plus variation selectors, skin tones and ZWJ continuations.
const EMOJI = String.raw`\p{Extended_Pictographic}(?:\uFE0F|[\u{1F3FB}-\u{1F3FF}]|\u200D.\uFE0F?)*`;
const TOKEN_RE = new RegExp(
  `[${ARABIC_LETTERS}]+|\\p{Script=Latin}+(?:'\\p{Script=Latin}+)*|[0-9]+(?:[.,][0-9]+)?|${EMOJI}|[!?.,;:\\n،؛؟]`,
  "gu",
);

/** English contractions and apostrophe-less spellings that carry a negation ("didn't", "dont", "cannot"). */
const EN_NEG_CONTRACTION =
  /^(?:[a-z]+n't|dont|didnt|doesnt|isnt|wasnt|arent|werent|cant|couldnt|wouldnt|shouldnt|wont|havent|hasnt|hadnt|aint|cannot)$/;

function emojiBase(e: string): string {
  return String.fromCodePoint(e.codePointAt(0)!);
}

/**
 * Split a text into tokens. Arabic and Latin runs are split apart even without a space ("الdelivery" →
 * "ال", "delivery"); English negative contractions become the single token "not".
 */
export function tokenize(text: string): Token[] {
  const original = text.normalize("NFKC");
  const letters = original.replace(/[^A-Za-z]/g, "");
  const allCaps = letters.length > 0 && letters === letters.toUpperCase();
  const shoutedWords = new Set<string>();
  if (!allCaps) {
    for (const m of original.matchAll(/\b[A-Z]{2,}\b/g)) shoutedWords.add(m[0].toLowerCase());
  }

  // Keep the text before run-collapsing so that spelling variants can be computed from it.
  const rawNorm = toAsciiDigits(
    original
      .replace(ARABIC_DIACRITICS, "")
      .replace(TATWEEL, "")
      .replace(CHAR_MAP_RE, (c) => CHAR_MAP[c] ?? c),
  ).toLowerCase();

  const tokens: Token[] = [];
  for (const m of rawNorm.matchAll(TOKEN_RE)) {
    const rawTok = m[0];
    if (/^[0-9]/.test(rawTok)) {
      tokens.push({
        kind: "number",
        text: rawTok,
        raw: rawTok,
        script: "none",
        elongated: false,
        shouted: false,
      });
    } else if (/^\p{Extended_Pictographic}/u.test(rawTok)) {
      const base = emojiBase(rawTok);
      tokens.push({
        kind: "emoji",
        text: base,
        raw: rawTok,
        script: "none",
        elongated: false,
        shouted: false,
      });
    } else if (/^[!?.,;:\n،؛؟]$/.test(rawTok)) {
      tokens.push({
        kind: "punct",
        text: rawTok,
        raw: rawTok,
        script: "none",
        elongated: false,
        shouted: false,
      });
    } else {
      const collapsed = rawTok.replace(/(\p{L})\1{2,}/gu, "$1$1");
      const elongated = collapsed !== rawTok;
      const script: Script = ARABIC_WORD.test(rawTok) ? "ar" : "latin";
      const word = script === "latin" && EN_NEG_CONTRACTION.test(collapsed) ? "not" : collapsed;
      tokens.push({
        kind: "word",
        text: word,
        raw: script === "latin" && word === "not" ? "not" : rawTok,
        script,
        elongated,
        shouted: script === "latin" && shoutedWords.has(rawTok),
      });
    }
  }
  return tokens;
}

export type DetectedLanguage = "en" | "ar" | "mixed" | "unknown";

/**
 * The language of a text from its script: Arabic letters → "ar", Latin letters → "en", both (at least one word
 * of each) → "mixed", neither (emoji, digits only) → "unknown".
 */
export function detectLanguage(text: string): DetectedLanguage {
  let ar = 0;
  let latin = 0;
  for (const t of tokenize(text)) {
    if (t.kind !== "word") continue;
    if (t.script === "ar") {
      // A lone attached article ("الdelivery") is not an Arabic word by itself.
      if (t.text !== "ال") ar++;
    } else latin++;
  }
  if (ar > 0 && latin > 0) return "mixed";
  if (ar > 0) return "ar";
  if (latin > 0) return "en";
  return "unknown";
}
