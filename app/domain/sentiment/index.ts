export {
  analyzeSentiment,
  explainSentiment,
  POLARITY_THRESHOLD,
  type SentimentContribution,
  type SentimentExplanation,
  type SentimentLabel,
  type SentimentResult,
} from "./analyze";
export { detectLanguage, normalizeText, tokenize, type DetectedLanguage, type Token } from "./normalize";
export { findRatingMentions, type RatingMention } from "./rating";
