/**
 * The built-in sentiment analyzer: lexicon- and rule-based (in the spirit of VADER and SO-CAL), for English and
 * Arabic (MSA + Gulf, Egyptian, Levantine), pure and deterministic.
 *
 * Pipeline
 *  1. Ratings written in the text ("5 stars", "10/10", "⭐⭐⭐") are read and removed (rating.ts).
 *  2. Tokenise + normalise (normalize.ts). Arabic and Latin runs are separate tokens, so mixed text works.
 *  3. Group tokens into units: multi-word expressions first (longest match), then single words: negators,
 *     intensifiers/diminishers, contrast words, sentiment words (with Arabic clitic stripping and the
 *     "ما…ش" / "ما+verb" attached negation), emoji, punctuation.
 *  4. Rules, in order: repurchase intent ("order … again"); "pretty" before an opinion word is an intensifier;
 *     "too" + plain adjective = excess complaint;
 *     pre-modifiers ("very", "وايد", "كتير"); negation within NEGATION_SCOPE tokens; post-modifiers
 *     ("at all", "أوي", "خالص", "جداً" — after negation, so "not happy at all" is strongly negative);
 *     contrast weighting ("…but…", "…بس…"); emphasis (CAPS, elongation) and exclamation marks.
 *  5. score = s / sqrt(s² + 15) ∈ (-1, 1); |score| ≥ POLARITY_THRESHOLD is positive/negative, else neutral.
 *
 * Negation is asymmetric, as in the literature on negation in sentiment: "not good" is clearly negative, but
 * "not bad" is only mildly positive (here it usually stays neutral).
 */
import {
  AGAIN_WORDS,
  CONTRASTS,
  EMOJI_VALENCE,
  MA,
  MODIFIERS,
  NEGATORS,
  ORDER_VERBS,
  PHRASES,
  RELATIVE_BEFORE_MA,
  WORD_VALENCE,
  type PhraseEntry,
} from "./lexicon";
import {
  CONTRAST_AFTER_WEIGHT,
  CONTRAST_BEFORE_WEIGHT,
  EMPHASIS_FACTOR,
  EXCLAMATION_BOOST,
  EXCLAMATION_MAX,
  INTENSIFIER_BEFORE_OPINION,
  NEGATION_SCOPE,
  REPURCHASE_VALENCE,
  REPURCHASE_WINDOW,
  TOO_EXCESS_VALENCE,
  TOO_STOPWORDS,
  TOO_WORDS,
  type Modifier,
} from "./lexicon/modifiers";
import { detectLanguage, spellingVariants, tokenize, type DetectedLanguage, type Token } from "./normalize";
import { findRatingMentions, ratingValence } from "./rating";

export type SentimentLabel = "positive" | "neutral" | "negative";

export interface SentimentResult {
  label: SentimentLabel;
  /** -1..1 */
  score: number;
  language: DetectedLanguage;
}

export interface SentimentContribution {
  /** The token(s) that carried the valence. */
  text: string;
  valence: number;
  negated: boolean;
}

export interface SentimentExplanation extends SentimentResult {
  /** The raw sum before squashing into -1..1. */
  sum: number;
  contributions: SentimentContribution[];
}

/** |score| at or above this is polar. score = s/sqrt(s²+15): s = 1 → 0.25. */
export const POLARITY_THRESHOLD = 0.25;
const SQUASH_ALPHA = 15;
/** "not good": at least this negative, whatever the strength of the positive word. */
const NEGATED_POSITIVE_MIN = 1.2;
const NEGATED_POSITIVE_FACTOR = 0.8;
/** "not bad": a negative word under negation keeps only this much, with the opposite sign. */
const NEGATED_NEGATIVE_FACTOR = 0.3;

// ---------------------------------------------------------------------------------------------
// Arabic morphology: clitics
// ---------------------------------------------------------------------------------------------

/** Proclitics, longest first. Those containing the article leave ≥ 2 letters, single letters ≥ 3. */
const AR_PREFIXES = ["وبال", "وال", "فال", "بال", "كال", "ولل", "لل", "ال", "و", "ف", "ب", "ل", "ك"];
/** Enclitics and endings (pronouns, plural/feminine, tanween alef, the Egyptian negative "ش"). */
const AR_SUFFIXES = ["ها", "هم", "هن", "كم", "نا", "ني", "ين", "ون", "ات", "ه", "ي", "ك", "ا", "ش"];

function stripPrefixes(w: string): string[] {
  const out: string[] = [];
  for (const p of AR_PREFIXES) {
    if (!w.startsWith(p)) continue;
    const rest = w.slice(p.length);
    if (rest.length >= (p.length >= 2 ? 2 : 3)) out.push(rest);
  }
  return out;
}

function stripSuffixes(w: string): string[] {
  const out: string[] = [];
  for (const s of AR_SUFFIXES) {
    if (!w.endsWith(s)) continue;
    const rest = w.slice(0, -s.length);
    if (rest.length >= 3) out.push(rest);
  }
  return out;
}

/** The forms to look an Arabic word up under, most faithful first. */
function arabicForms(w: string): string[] {
  const pre = stripPrefixes(w);
  const forms = [w, ...pre, ...stripSuffixes(w), ...pre.flatMap(stripSuffixes)];
  return [...new Set(forms)];
}

/** Forms used for matching closed word classes (negators, modifiers, phrase words): only "و"/"ف"/article. */
function lightForms(tok: Token): string[] {
  const base = spellingVariants(tok.text, tok.raw);
  if (tok.script !== "ar") return base;
  const out = [...base];
  for (const v of base) {
    for (const p of ["و", "ف", "ال", "وال", "بال", "لل"]) {
      if (v.startsWith(p) && v.length - p.length >= 2) out.push(v.slice(p.length));
    }
  }
  return [...new Set(out)];
}

interface WordHit {
  valence: number;
  /** Negation attached to the word itself: "ماعجبني", "ماعجبنيش", "مبيشتغلش". */
  attachedNegation: boolean;
}

function lookupWord(tok: Token): WordHit | null {
  const variants = spellingVariants(tok.text, tok.raw);
  if (tok.script === "latin") {
    for (const v of variants) {
      const val =
        WORD_VALENCE.get(v) ??
        (v.length > 3 && v.endsWith("s") ? WORD_VALENCE.get(v.slice(0, -1)) : undefined);
      if (val !== undefined) return { valence: val, attachedNegation: false };
    }
    return null;
  }
  for (const v of variants) {
    for (const f of arabicForms(v)) {
      const val = WORD_VALENCE.get(f);
      if (val !== undefined) return { valence: val, attachedNegation: false };
    }
  }
  // Attached negation: "ما" + verb (Gulf/Levantine "ماعجبني"), "ما…ش"/"م…ش" (Egyptian "ماعجبنيش", "معجبنيش").
  for (const v0 of variants) {
    for (const v of [v0, ...(/^[وف]/.test(v0) ? [v0.slice(1)] : [])]) {
      const stems: string[] = [];
      if (v.startsWith("ما") && v.length >= 5)
        stems.push(v.slice(2), ...(v.endsWith("ش") ? [v.slice(2, -1)] : []));
      if (v.startsWith("م") && v.endsWith("ش") && v.length >= 5) stems.push(v.slice(1, -1));
      for (const stem of stems) {
        if (stem.length < 3) continue;
        for (const f of arabicForms(stem)) {
          const val = WORD_VALENCE.get(f);
          if (val !== undefined && val !== 0) return { valence: val, attachedNegation: true };
        }
      }
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Units
// ---------------------------------------------------------------------------------------------

type Unit =
  | {
      kind: "sentiment";
      text: string;
      valence: number;
      /** Carries its own negation or is an emoji: a preceding negator does not flip it. */
      fixed: boolean;
      negated: boolean;
      emphasis: boolean;
    }
  | { kind: "negator"; text: string }
  | { kind: "modifier"; text: string; modifier: Modifier }
  | { kind: "contrast"; text: string }
  | { kind: "order"; text: string }
  | { kind: "again"; text: string }
  | { kind: "break"; text: string }
  | { kind: "other"; text: string; latin: boolean };

function matchPhrase(
  tokens: Token[],
  i: number,
  forms: string[][],
): { entry: PhraseEntry; length: number } | null {
  for (const entry of PHRASES) {
    const n = entry.words.length;
    if (i + n > tokens.length) continue;
    let ok = true;
    for (let k = 0; k < n; k++) {
      if (tokens[i + k].kind === "punct" || !forms[i + k].includes(entry.words[k])) {
        ok = false;
        break;
      }
    }
    if (ok) return { entry, length: n };
  }
  return null;
}

function toUnits(tokens: Token[]): Unit[] {
  const forms = tokens.map(lightForms);
  const units: Unit[] = [];
  for (let i = 0; i < tokens.length;) {
    const tok = tokens[i];
    const phrase = matchPhrase(tokens, i, forms);
    if (phrase) {
      const text = tokens
        .slice(i, i + phrase.length)
        .map((t) => t.raw)
        .join(" ");
      const { entry } = phrase;
      if (entry.kind === "sentiment") {
        units.push({
          kind: "sentiment",
          text,
          valence: entry.valence,
          fixed: entry.fixed,
          negated: false,
          emphasis: false,
        });
      } else if (entry.kind === "modifier") {
        units.push({ kind: "modifier", text, modifier: entry.modifier });
      } else {
        units.push({ kind: "again", text });
      }
      i += phrase.length;
      continue;
    }
    i++;
    if (tok.kind === "punct") {
      units.push({ kind: "break", text: tok.text });
      continue;
    }
    if (tok.kind === "number") {
      units.push({ kind: "other", text: tok.text, latin: false });
      continue;
    }
    if (tok.kind === "emoji") {
      const valence = EMOJI_VALENCE.get(tok.text);
      // An emoji ends a negation scope and is never negated itself.
      units.push({ kind: "break", text: tok.text });
      if (valence !== undefined && valence !== 0) {
        units.push({
          kind: "sentiment",
          text: tok.text,
          valence,
          fixed: true,
          negated: false,
          emphasis: false,
        });
      }
      continue;
    }
    const f = forms[i - 1];
    const prev = units.at(-1);
    const isMa = f.includes(MA);
    if (
      f.some((x) => NEGATORS.has(x)) &&
      !(isMa && prev?.kind === "other" && RELATIVE_BEFORE_MA.has(prev.text))
    ) {
      units.push({ kind: "negator", text: tok.text });
      continue;
    }
    if (f.some((x) => CONTRASTS.has(x))) {
      units.push({ kind: "contrast", text: tok.text });
      continue;
    }
    const mod = f.map((x) => MODIFIERS.get(x)).find((m) => m !== undefined);
    if (mod) {
      units.push({ kind: "modifier", text: tok.text, modifier: mod });
      continue;
    }
    if (f.some((x) => AGAIN_WORDS.has(x))) {
      units.push({ kind: "again", text: tok.text });
      continue;
    }
    if (f.some((x) => ORDER_VERBS.has(x))) {
      units.push({ kind: "order", text: tok.text });
      continue;
    }
    const hit = lookupWord(tok);
    if (hit) {
      units.push({
        kind: "sentiment",
        text: tok.raw,
        valence: hit.valence,
        fixed: false,
        negated: hit.attachedNegation,
        emphasis: tok.elongated || tok.shouted,
      });
      continue;
    }
    units.push({ kind: "other", text: tok.text, latin: tok.script === "latin" });
  }
  return units;
}

// ---------------------------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------------------------

const isScopeEnd = (u: Unit) => u.kind === "break" || u.kind === "contrast";

function applyRepurchase(units: Unit[]): void {
  units.forEach((u, j) => {
    if (u.kind !== "order") return;
    for (let k = j + 1; k <= j + REPURCHASE_WINDOW && k < units.length; k++) {
      const v = units[k];
      if (isScopeEnd(v)) return;
      if (v.kind === "again") {
        units[j] = {
          kind: "sentiment",
          text: `${u.text} … ${v.text}`,
          valence: REPURCHASE_VALENCE,
          fixed: false,
          negated: false,
          emphasis: false,
        };
        units[k] = { kind: "other", text: v.text, latin: false };
        return;
      }
    }
  });
}

function applyIntensifierBeforeOpinion(units: Unit[]): void {
  units.forEach((u, j) => {
    if (u.kind !== "sentiment") return;
    const factor = INTENSIFIER_BEFORE_OPINION[u.text];
    if (factor !== undefined && units[j + 1]?.kind === "sentiment") {
      units[j] = { kind: "modifier", text: u.text, modifier: { factor, pre: true, post: false } };
    }
  });
}

function applyTooExcess(units: Unit[]): void {
  units.forEach((u, j) => {
    if (u.kind !== "modifier" || !TOO_WORDS.includes(u.text)) return;
    const next = units[j + 1];
    if (next?.kind === "other" && next.latin && !TOO_STOPWORDS.includes(next.text)) {
      units[j] = { kind: "other", text: u.text, latin: true };
      units[j + 1] = {
        kind: "sentiment",
        text: `${u.text} ${next.text}`,
        valence: TOO_EXCESS_VALENCE,
        fixed: false,
        negated: false,
        emphasis: false,
      };
    }
  });
}

/** Index of the sentiment unit a modifier at j applies to, nearest first, for the given direction(s). */
function modifierTarget(units: Unit[], j: number, pre: boolean, post: boolean): number | null {
  const look = (k: number, dir: 1 | -1): number | null => {
    // the path between j and k must not cross a scope end
    for (let x = j + dir; x !== k + dir; x += dir) {
      const u = units[x];
      if (!u || isScopeEnd(u)) return null;
      if (x === k) return u.kind === "sentiment" ? k : null;
    }
    return null;
  };
  const order: [number, 1 | -1, boolean][] = [
    [j + 1, 1, pre],
    [j - 1, -1, post],
    [j + 2, 1, pre],
    [j - 2, -1, post],
  ];
  for (const [k, dir, allowed] of order) {
    if (!allowed) continue;
    const t = look(k, dir);
    if (t !== null) return t;
  }
  return null;
}

function applyModifiers(units: Unit[], phase: "pre" | "post"): void {
  units.forEach((u, j) => {
    if (u.kind !== "modifier") return;
    const { pre, post, factor } = u.modifier;
    // A pre-capable modifier acts in the pre phase (on either side); a post-only one in the post phase.
    if ((phase === "pre") !== pre) return;
    const t = modifierTarget(units, j, pre, post);
    if (t === null) return;
    const target = units[t];
    if (target.kind === "sentiment") target.valence *= factor;
  });
}

function applyNegation(units: Unit[]): void {
  units.forEach((u, j) => {
    if (u.kind !== "negator") return;
    for (let k = j + 1; k <= j + NEGATION_SCOPE && k < units.length; k++) {
      const v = units[k];
      if (isScopeEnd(v) || v.kind === "negator") return;
      if (v.kind === "sentiment" && !v.fixed) v.negated = !v.negated;
    }
  });
  for (const u of units) {
    if (u.kind !== "sentiment" || !u.negated) continue;
    u.valence =
      u.valence > 0
        ? -Math.max(u.valence * NEGATED_POSITIVE_FACTOR, NEGATED_POSITIVE_MIN)
        : -u.valence * NEGATED_NEGATIVE_FACTOR;
  }
}

function applyContrast(units: Unit[]): void {
  let last = -1;
  units.forEach((u, j) => {
    if (u.kind === "contrast") last = j;
  });
  if (last < 0) return;
  units.forEach((u, j) => {
    if (u.kind === "sentiment") u.valence *= j < last ? CONTRAST_BEFORE_WEIGHT : CONTRAST_AFTER_WEIGHT;
  });
}

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Like `analyzeSentiment`, plus the raw sum and what contributed to it (for debugging and tests). */
export function explainSentiment(text: string): SentimentExplanation {
  const language = detectLanguage(text);
  const { mentions, rest } = findRatingMentions(text);
  const tokens = tokenize(rest);
  const units = toUnits(tokens);

  applyRepurchase(units);
  applyIntensifierBeforeOpinion(units);
  applyTooExcess(units);
  applyModifiers(units, "pre");
  applyNegation(units);
  applyModifiers(units, "post");
  applyContrast(units);

  const contributions: SentimentContribution[] = [];
  let sum = 0;
  for (const u of units) {
    if (u.kind !== "sentiment" || u.valence === 0) continue;
    const v = u.emphasis ? u.valence * EMPHASIS_FACTOR : u.valence;
    sum += v;
    contributions.push({ text: u.text, valence: round(v), negated: u.negated });
  }
  for (const m of mentions) {
    const v = ratingValence(m.rating);
    sum += v;
    contributions.push({ text: m.match.trim(), valence: round(v), negated: false });
  }
  const exclamations = tokens.filter((t) => t.text === "!").length;
  sum *= 1 + EXCLAMATION_BOOST * Math.min(exclamations, EXCLAMATION_MAX);

  const score = round(Math.max(-1, Math.min(1, sum / Math.sqrt(sum * sum + SQUASH_ALPHA))));
  const label: SentimentLabel =
    score >= POLARITY_THRESHOLD ? "positive" : score <= -POLARITY_THRESHOLD ? "negative" : "neutral";
  return { label, score, language, sum: round(sum), contributions };
}

/**
 * Sentiment of a short feedback text in English, Arabic (MSA, Gulf, Egyptian, Levantine) or a mix of both.
 * Pure: same text, same result.
 */
export function analyzeSentiment(text: string): SentimentResult {
  const { label, score, language } = explainSentiment(text);
  return { label, score, language };
}
