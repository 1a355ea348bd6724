export { FEEDBACK_STRINGS, t, type FeedbackStringKey } from "./catalog";
export {
  feedbackTransition,
  FEEDBACK_TTL_MS,
  MAX_UNRECOGNISED,
  type FeedbackEffect,
  type FeedbackEvent,
  type FeedbackRecord,
  type FeedbackTransition,
  type MerchantNotification,
  type SentimentResultEvent,
  type SentimentSource,
} from "./machine";
export {
  buildFeedbackRequest,
  closingMessage,
  commentPrompt,
  DEFAULT_TEMPLATE_NAME,
  LIMITS,
  ratingButtons,
  ratingFromReplyId,
  ratingList,
  RATE_ID_PREFIX,
  SKIP_ID,
  type FeedbackContext,
  type FeedbackRequestOptions,
} from "./messages";
export {
  CLEARLY_NEGATIVE_SCORE,
  combineOutcome,
  type FeedbackOutcome,
  type SentimentSignal,
} from "./outcome";
export { isEscapeKeyword, isSkip, parseRating, type Rating } from "./parse-rating";
export {
  FEEDBACK_STATE_VERSION,
  FeedbackStateV1,
  initialFeedbackState,
  parseFeedbackState,
  type FeedbackState,
  type FeedbackStep,
} from "./state";
