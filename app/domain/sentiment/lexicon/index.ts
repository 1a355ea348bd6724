/**
 * Builds the lookup tables the analyzer uses from the readable lexicon files: every Arabic key is normalised
 * exactly as the text will be, multi-word entries become token sequences. Pure; built once at module load.
 */
import { normalizeText } from "../normalize";
import { AR_PHRASES, AR_WORDS } from "./ar";
import { EMOJI } from "./emoji";
import { EN_PHRASES, EN_WORDS } from "./en";
import {
  AGAIN_AR,
  AGAIN_EN,
  CONTRAST_AR,
  CONTRAST_EN,
  MODIFIERS_AR,
  MODIFIERS_EN,
  NEGATORS_AR,
  NEGATORS_EN,
  NOT_NEGATING_BEFORE_MA,
  ORDER_VERBS_AR,
  ORDER_VERBS_EN,
  type Modifier,
} from "./modifiers";

const norm = (s: string) => normalizeText(s).trim();
const words = (s: string) => norm(s).split(/\s+/);

function normalizeRecord<V>(rec: Readonly<Record<string, V>>): Map<string, V> {
  const out = new Map<string, V>();
  for (const [k, v] of Object.entries(rec)) out.set(norm(k), v);
  return out;
}

/** Single-word valences (English and Arabic share one table; their scripts never collide). */
export const WORD_VALENCE: ReadonlyMap<string, number> = new Map([
  ...normalizeRecord(EN_WORDS),
  ...normalizeRecord(AR_WORDS),
]);

export const EMOJI_VALENCE: ReadonlyMap<string, number> = new Map(Object.entries(EMOJI));

export const NEGATORS: ReadonlySet<string> = new Set([...NEGATORS_EN, ...NEGATORS_AR].map(norm));
export const CONTRASTS: ReadonlySet<string> = new Set([...CONTRAST_EN, ...CONTRAST_AR].map(norm));
export const ORDER_VERBS: ReadonlySet<string> = new Set([...ORDER_VERBS_EN, ...ORDER_VERBS_AR].map(norm));
export const RELATIVE_BEFORE_MA: ReadonlySet<string> = new Set(NOT_NEGATING_BEFORE_MA.map(norm));
export const MA = norm("ما");

const allModifiers = [...Object.entries(MODIFIERS_EN), ...Object.entries(MODIFIERS_AR)];
/** Single-word intensifiers and diminishers. */
export const MODIFIERS: ReadonlyMap<string, Modifier> = new Map(
  allModifiers.filter(([k]) => !k.includes(" ")).map(([k, m]) => [norm(k), m]),
);
export const AGAIN_WORDS: ReadonlySet<string> = new Set(
  [...AGAIN_EN, ...AGAIN_AR].filter((k) => !k.includes(" ")).map(norm),
);

export type PhraseEntry =
  | { kind: "sentiment"; words: string[]; valence: number; fixed: boolean }
  | { kind: "modifier"; words: string[]; modifier: Modifier }
  | { kind: "again"; words: string[] };

/** Every multi-word entry, longest first (so "a little bit" wins over "a little"). */
export const PHRASES: readonly PhraseEntry[] = [
  ...[...EN_PHRASES, ...AR_PHRASES].map((p): PhraseEntry => ({
    kind: "sentiment",
    words: words(p.words),
    valence: p.valence,
    fixed: !!p.fixed,
  })),
  ...allModifiers
    .filter(([k]) => k.includes(" "))
    .map(([k, m]): PhraseEntry => ({ kind: "modifier", words: words(k), modifier: m })),
  ...[...AGAIN_EN, ...AGAIN_AR]
    .filter((k) => k.includes(" "))
    .map((k): PhraseEntry => ({ kind: "again", words: words(k) })),
].sort((a, b) => b.words.length - a.words.length);
