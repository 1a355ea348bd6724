/** The AI assistant's pure parts (see README.md). */
export type { ChatMessage, JsonSchemaFormat, RawToolCall, TokenUsage, ToolSchema } from "./chat";
export {
  appRules,
  buildSystemPrompt,
  DEFAULT_SYSTEM_PROMPT,
  languageName,
  PROMPT_LIMITS,
  PROMPT_VARIABLES,
  promptVariables,
  renderTemplate,
  safeName,
  shopperMessage,
  templateVariables,
  unknownVariables,
  type AssistantProfile,
  type PromptVariable,
  type PromptVariables,
  type TurnContext,
} from "./prompt";
export {
  malformedRetryNote,
  parseToolCall,
  parseToolCalls,
  toGid,
  TOOL_NAMES,
  TOOLS,
  toolArgSchemas,
  type ParsedToolCall,
  type ToolCall,
  type ToolName,
} from "./tools";
export { HISTORY_LIMITS, historyMessages, trimHistory, type HistoryItem } from "./history";
export { estimateMessagesTokens, estimateTokens } from "./tokens";
export {
  canonicalAmount,
  findPriceMentions,
  groundingFacts,
  ungroundedPrices,
  type GroundingFacts,
  type PriceMention,
} from "./grounding";
export {
  arabicShare,
  checkReply,
  isInLanguage,
  linksIn,
  type ReplyCheck,
  type ReplyRejection,
} from "./reply";
export {
  parseSentiment,
  SENTIMENT_FORMAT,
  SentimentJsonSchema,
  sentimentMessages,
  type LlmSentiment,
} from "./sentiment";
export { cartFacts, changeFacts, orderFacts, productFacts, toolContent, turnContext } from "./facts";
export { AI_LIMITS, type AiLimits } from "./limits";
