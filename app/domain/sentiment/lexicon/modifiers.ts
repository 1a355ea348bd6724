/**
 * Words that change the valence of their neighbours rather than carrying one: negators, intensifiers,
 * diminishers, contrast markers, and the cues of the "would order again" pattern. Arabic entries are written in
 * usual spelling and normalised at load.
 */

/**
 * Negators. A negator flips the sentiment words in the next few tokens (NEGATION_SCOPE), stopping at
 * punctuation, emoji or a contrast word. English contractions ("didn't", "can't", "wont") are turned into
 * "not" by the tokenizer. "ما" followed by a relative use ("قبل ما", "زي ما") is not a negation (see
 * NOT_NEGATING_BEFORE_MA).
 */
export const NEGATORS_EN: readonly string[] = [
  "not",
  "no",
  "never",
  "nothing",
  "nobody",
  "none",
  "neither",
  "nor",
  "without",
  "hardly",
  "barely",
  "scarcely",
];

export const NEGATORS_AR: readonly string[] = [
  "ما", // Gulf/Levantine/Egyptian verbal negation
  "مش", // Egyptian/Levantine
  "مو", // Gulf/Iraqi/Levantine
  "موب", // Gulf
  "مب", // Emirati
  "مهب", // Gulf
  "ماهو",
  "مهو",
  "ماهي",
  "مهي",
  "لا",
  "ليس",
  "ليست",
  "لست",
  "لم",
  "لن",
  "مافي", // "there isn't"
  "مافيه",
  "مافيش", // Egyptian
  "ماكو", // Iraqi
  "بدون",
  "بلا",
  "غير", // "غير مريح" = uncomfortable
];

/** How many tokens after a negator are negated. */
export const NEGATION_SCOPE = 3;

/** "قبل ما يوصل" (before it arrives): "ما" after these words is a relative, not a negation. */
export const NOT_NEGATING_BEFORE_MA: readonly string[] = [
  "قبل",
  "بعد",
  "زي",
  "مثل",
  "كل",
  "لما",
  "اللي",
  "عشان",
  "على",
];

/**
 * Intensifiers and diminishers with their factor. `pre`: modifies the next sentiment word ("very good",
 * "وايد زين", "كتير حلو"); `post`: modifies the previous one ("حلو أوي", "جميل جداً", "not happy at all").
 * Multi-word ones are matched as phrases.
 */
export interface Modifier {
  factor: number;
  pre: boolean;
  post: boolean;
}

export const MODIFIERS_EN: Readonly<Record<string, Modifier>> = {
  very: { factor: 1.3, pre: true, post: false },
  so: { factor: 1.3, pre: true, post: false },
  really: { factor: 1.3, pre: true, post: false },
  extremely: { factor: 1.5, pre: true, post: false },
  super: { factor: 1.3, pre: true, post: false },
  absolutely: { factor: 1.4, pre: true, post: false },
  totally: { factor: 1.3, pre: true, post: false },
  completely: { factor: 1.3, pre: true, post: false },
  highly: { factor: 1.3, pre: true, post: false },
  incredibly: { factor: 1.5, pre: true, post: false },
  truly: { factor: 1.3, pre: true, post: false },
  utterly: { factor: 1.5, pre: true, post: false },
  quite: { factor: 1.1, pre: true, post: false },
  way: { factor: 1.2, pre: true, post: false },
  too: { factor: 1.3, pre: true, post: false }, // and see TOO_EXCESS
  "at all": { factor: 1.3, pre: false, post: true },
  whatsoever: { factor: 1.3, pre: false, post: true },
  "so much": { factor: 1.3, pre: false, post: true },
  "a lot": { factor: 1.2, pre: false, post: true },
  // diminishers
  "a bit": { factor: 0.5, pre: true, post: false },
  "a little": { factor: 0.5, pre: true, post: false },
  "a little bit": { factor: 0.5, pre: true, post: false },
  slightly: { factor: 0.5, pre: true, post: false },
  somewhat: { factor: 0.6, pre: true, post: false },
  "kind of": { factor: 0.6, pre: true, post: false },
  kinda: { factor: 0.6, pre: true, post: false },
  "sort of": { factor: 0.6, pre: true, post: false },
  fairly: { factor: 0.8, pre: true, post: false },
  rather: { factor: 0.9, pre: true, post: false },
};

export const MODIFIERS_AR: Readonly<Record<string, Modifier>> = {
  جدا: { factor: 1.3, pre: true, post: true }, // MSA, all dialects: "جميل جداً"
  للغاية: { factor: 1.5, pre: false, post: true }, // MSA
  كتير: { factor: 1.3, pre: true, post: true }, // Levantine: "كتير حلو", "حلو كتير"
  كثير: { factor: 1.3, pre: true, post: true }, // Gulf/MSA
  وايد: { factor: 1.3, pre: true, post: true }, // Gulf: "وايد زين"
  واجد: { factor: 1.3, pre: true, post: true }, // Gulf
  مرة: { factor: 1.3, pre: true, post: true }, // Gulf/Hijazi: "مرة حلو", "صغير مرة"
  حيل: { factor: 1.3, pre: false, post: true }, // Gulf: "زين حيل"
  أوي: { factor: 1.3, pre: false, post: true }, // Egyptian: "حلو أوي"
  قوي: { factor: 1.3, pre: false, post: true }, // Egyptian
  خالص: { factor: 1.3, pre: false, post: true }, // Egyptian: "وحشة خالص", "مش حلو خالص"
  بالمرة: { factor: 1.3, pre: false, post: true }, // Egyptian "at all"
  أبدا: { factor: 1.3, pre: false, post: true }, // "مو حلو أبداً"
  أبد: { factor: 1.3, pre: false, post: true }, // Gulf
  نهائيا: { factor: 1.3, pre: false, post: true },
  بزاف: { factor: 1.3, pre: true, post: true }, // Maghrebi
  زيادة: { factor: 1.2, pre: false, post: true }, // "غالي زيادة"
  تماما: { factor: 1.2, pre: false, post: true },
  // diminishers
  شوي: { factor: 0.5, pre: true, post: true }, // Gulf/Levantine: "شوي صغير", "صغير شوي"
  شوية: { factor: 0.5, pre: true, post: true }, // Egyptian
  شويا: { factor: 0.5, pre: true, post: true },
  حبة: { factor: 0.5, pre: false, post: true }, // Egyptian "a bit"
  "نوعا ما": { factor: 0.6, pre: false, post: true },
  "إلى حد ما": { factor: 0.6, pre: false, post: true },
  "بعض الشي": { factor: 0.6, pre: true, post: true },
  تقريبا: { factor: 0.7, pre: true, post: true },
};

/**
 * Words that are intensifiers when an opinion word follows ("pretty good", "pretty bad") and opinion words
 * of their own otherwise ("a pretty dress").
 */
export const INTENSIFIER_BEFORE_OPINION: Readonly<Record<string, number>> = { pretty: 1.15 };

/** "too" + a word that is not itself an opinion ("too small", "way too long") is an excess complaint. */
export const TOO_EXCESS_VALENCE = -1.5;
export const TOO_WORDS: readonly string[] = ["too"];
/** Words after "too" that do not make an excess complaint ("me too", "too the…"). */
export const TOO_STOPWORDS: readonly string[] = [
  "the",
  "a",
  "an",
  "and",
  "i",
  "it",
  "me",
  "you",
  "my",
  "is",
  "was",
  "so",
];

/** Contrast: what follows weighs more than what precedes ("nice packaging but the watch stopped working"). */
export const CONTRAST_EN: readonly string[] = ["but", "however"];
export const CONTRAST_AR: readonly string[] = ["بس", "لكن", "ولكن", "بينما"];
export const CONTRAST_BEFORE_WEIGHT = 0.5;
export const CONTRAST_AFTER_WEIGHT = 1.5;

/**
 * Repurchase intent: an ordering verb followed within REPURCHASE_WINDOW tokens by "again" is a positive
 * statement ("would order again", "وسأطلب مرة أخرى"); a preceding negator turns it into a strong complaint
 * ("never ordering again", "مش هطلب تاني", "لن أتعامل معكم مرة أخرى").
 */
export const REPURCHASE_VALENCE = 2;
export const REPURCHASE_WINDOW = 3;
export const ORDER_VERBS_EN: readonly string[] = [
  "order",
  "ordering",
  "ordered",
  "buy",
  "buying",
  "bought",
  "shop",
  "shopping",
  "purchase",
  "purchasing",
  "use", // "will use you again"
];
export const ORDER_VERBS_AR: readonly string[] = [
  "أطلب",
  "سأطلب",
  "هطلب",
  "حطلب",
  "بطلب",
  "نطلب",
  "طلبت",
  "أتعامل",
  "نتعامل",
  "هتعامل",
  "بتعامل",
  "أشتري",
  "بشتري",
  "هشتري",
  "أكرر",
  "نكرر",
];
export const AGAIN_EN: readonly string[] = ["again"];
export const AGAIN_AR: readonly string[] = [
  "مرة أخرى",
  "مرة ثانية",
  "مرة تانية",
  "تاني",
  "ثاني",
  "مجددا",
  "كمان مرة",
];

/** Exclamation marks amplify the overall valence by this much each (at most EXCLAMATION_MAX of them). */
export const EXCLAMATION_BOOST = 0.1;
export const EXCLAMATION_MAX = 3;
/** Emphasis on a single word: "GOOD", "goooood", "حلووووو". */
export const EMPHASIS_FACTOR = 1.2;
