/** The shopping conversation engine (pure). See `machine.ts`. */
export { transition, cartFingerprint, mergeIntoCart, sanitizeLines, type TransitionResult } from "./machine";
export type {
  CartChange,
  CartChangeKind,
  CatalogOrderItem,
  DataRequest,
  DataResultEvent,
  Effect,
  EngineContext,
  EngineEvent,
  HandoffReason,
  HandoffReleasedEvent,
} from "./contract";
export {
  ConversationStateSchema,
  initialState,
  parseState,
  STATE_VERSION,
  LIMITS as STATE_LIMITS,
  type ConversationState,
  type Step,
} from "./state";
export { parseAction, encodeAction, type Action } from "./ids";
export { checkOutboundMessage, WA_LIMITS } from "./limits";
