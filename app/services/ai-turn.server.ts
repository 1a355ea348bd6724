/**
 * One AI turn: the model, its tools, and the shopping engine doing the actual work.
 *
 * Every tool is carried out BY THE ENGINE, through the same events a shopper's taps produce (`prod:<id>`,
 * `var:<id>`, `qty:<n>`, `menu:cart`, `cart:checkout`, …) or, for a search, the engine's own search request and
 * its result. So the cart keeps its shape and limits, the state stays valid, and every price, total, stock note
 * and checkout link the shopper sees is rendered by the engine's views — never by the model. The model gets
 * compact facts (formatted by the app) back as tool results; its own text is sent only if `checkReply` passes it
 * (no price that is not in those facts, the shopper's language, no foreign links).
 *
 * A failure (timeout, HTTP error, a malformed tool call after its one retry, a rejected reply with nothing else
 * to send) returns `ok: false`; the caller then uses the rule engine's answer.
 */
import {
  chatCompletion,
  isLlmError,
  type ChatCompletionResult,
  type LlmEndpoint,
} from "~/adapters/llm/client.server";
import {
  buildSystemPrompt,
  cartFacts,
  changeFacts,
  checkReply,
  estimateMessagesTokens,
  historyMessages,
  malformedRetryNote,
  orderFacts,
  parseToolCalls,
  productFacts,
  promptVariables,
  shopperMessage,
  toolContent,
  TOOLS,
  turnContext,
  type AiLimits,
  type AssistantProfile,
  type ChatMessage,
  type HistoryItem,
  type ReplyRejection,
  type TokenUsage,
  type ToolCall,
} from "~/domain/ai";
import {
  encodeAction,
  STATE_LIMITS,
  transition,
  type Action,
  type ConversationState,
  type DataRequest,
  type DataResultEvent,
  type EngineContext,
  type EngineEvent,
  type HandoffReason,
} from "~/domain/conversation";
import { fit, textMessage } from "~/domain/conversation/limits";
import { formatCartTotal } from "~/domain/conversation/money";
import { cleanInline } from "~/domain/conversation/text";
import type { CartLine, Language, OutboundMessage } from "~/domain/types";

/** What a turn produced, in the shape the conversation service stores (its `TurnResult`). */
export interface EngineOutcome {
  state: ConversationState;
  messages: OutboundMessage[];
  handoff?: HandoffReason;
  language?: Language;
  checkouts: { draftOrderId: string; invoiceUrl: string; lines: CartLine[] }[];
}

export type Answer = (request: DataRequest) => Promise<DataResultEvent>;

const MAX_ENGINE_STEPS = 12;

/** The engine, driven by tools: events in, data requests answered, messages and side effects collected. */
export class EngineBridge {
  handoff?: HandoffReason;
  language?: Language;
  /** Set when an event was free text the rules did not match (`transition(…).unmatched`). */
  unmatched?: string;
  readonly checkouts: EngineOutcome["checkouts"] = [];

  constructor(
    public state: ConversationState,
    readonly ctx: EngineContext,
    private readonly answer: Answer,
    language?: Language,
  ) {
    this.language = language;
  }

  get lang(): Language {
    return this.state.language ?? this.ctx.defaultLanguage;
  }

  /** Runs an event and every data request it leads to; returns what was sent and the results received. */
  async run(event: EngineEvent): Promise<{ messages: OutboundMessage[]; results: DataResultEvent[] }> {
    const messages: OutboundMessage[] = [];
    const results: DataResultEvent[] = [];
    const queue: EngineEvent[] = [event];
    for (let step = 0; queue.length && step < MAX_ENGINE_STEPS; step++) {
      const next = transition(this.state, queue.shift()!, this.ctx);
      this.state = next.state;
      if (next.unmatched) this.unmatched = next.unmatched.text;
      for (const effect of next.effects) {
        if (effect.type === "send") messages.push(effect.message);
        else if (effect.type === "handoff") this.handoff = effect.reason;
        else if (effect.type === "setLanguage") this.language = effect.language;
        else {
          const answered = await this.answer(effect);
          if (effect.type === "createCheckout" && answered.type === "checkoutCreated")
            this.checkouts.push({
              draftOrderId: answered.draftOrderId,
              invoiceUrl: answered.invoiceUrl,
              lines: effect.lines,
            });
          results.push(answered);
          queue.push(answered);
        }
      }
    }
    return { messages, results };
  }

  /** Answers a data request the engine is waiting for (the state says so), then runs its result. */
  async request(request: DataRequest) {
    const answered = await this.answer(request);
    const run = await this.run(answered);
    return { messages: run.messages, results: [answered, ...run.results] };
  }

  /** A tap on one of the engine's own reply ids. */
  tap(action: Action) {
    return this.run({ type: "reply", id: encodeAction(action), title: "" });
  }

  outcome(messages: OutboundMessage[]): EngineOutcome {
    return {
      state: this.state,
      messages,
      ...(this.handoff ? { handoff: this.handoff } : {}),
      ...(this.language ? { language: this.language } : {}),
      checkouts: this.checkouts,
    };
  }
}

export interface ToolOutcome {
  /** The tool message for the model (JSON). */
  content: string;
  /** What the shopper is shown (rendered by the engine). */
  messages: OutboundMessage[];
  /** Nothing more after this one (handoff). */
  terminal?: boolean;
}

const err = (
  error: string,
  extra: Record<string, unknown> = {},
  messages: OutboundMessage[] = [],
): ToolOutcome => ({
  content: toolContent({ error, ...extra }),
  messages,
});

/** Carries out one validated tool call through the engine. */
export async function executeTool(bridge: EngineBridge, call: ToolCall): Promise<ToolOutcome> {
  const cur = bridge.ctx.currencyCode;
  switch (call.name) {
    case "search_products": {
      const query = fit(cleanInline(call.args.query), STATE_LIMITS.queryChars);
      if (!query) return err("empty query");
      // What the engine does for a typed search (runSearch), then its answer.
      bridge.state = {
        ...bridge.state,
        step: "searching",
        searchQuery: query,
        pending: { kind: "search", query },
      };
      const { messages, results } = await bridge.request({ type: "search", query });
      const found = results.find((r) => r.type === "searchResults");
      if (!found) return err("the catalog cannot be searched right now", {}, messages);
      const products = found.products.slice(0, 9).map((p) => productFacts(p, bridge.lang, cur));
      return {
        content: toolContent({
          query,
          shown_to_shopper:
            products.length > 0 ? "a numbered list of these products with prices" : "no results",
          products,
        }),
        messages,
      };
    }
    case "get_product": {
      const { messages, results } = await bridge.tap({ kind: "product", id: call.args.product_id });
      const loaded = results.find((r) => r.type === "productLoaded");
      if (!loaded) return err("the product cannot be loaded right now", {}, messages);
      if (!loaded.product) return err("no such product", {}, messages);
      return {
        content: toolContent({
          shown_to_shopper: "the product's picture, price, availability and its options to choose from",
          product: productFacts(loaded.product, bridge.lang, cur, true),
        }),
        messages,
      };
    }
    case "add_to_cart":
      return addToCart(bridge, call.args);
    case "view_cart": {
      const { messages, results } = await bridge.tap({ kind: "menu", item: "cart" });
      const validated = results.find((r) => r.type === "cartValidated");
      if (bridge.state.cart.length === 0) return { content: toolContent({ cart: "empty" }), messages };
      if (!validated) return err("the cart cannot be checked right now", {}, messages);
      return {
        content: toolContent({
          shown_to_shopper: "the cart with its total and buttons to check out or change it",
          cart: cartFacts(bridge.state.cart, bridge.lang, cur),
          changes: changeFacts(validated.changes, bridge.lang, cur),
        }),
        messages,
      };
    }
    case "start_checkout": {
      if (bridge.state.cart.length === 0) {
        const { messages } = await bridge.tap({ kind: "checkout" });
        return err("the cart is empty", {}, messages);
      }
      const { messages, results } = await bridge.tap({ kind: "checkout" });
      const sentLink = messages.some((m) => m.kind === "cta_url");
      const validated = results.find((r) => r.type === "cartValidated");
      if (sentLink)
        return {
          content: toolContent({
            checkout_link_sent: true,
            total: formatCartTotal(bridge.state.cart, bridge.lang, cur),
          }),
          messages,
        };
      if (bridge.state.step === "review")
        return {
          content: toolContent({
            needs_confirmation:
              "prices or stock changed; the shopper was shown the changes and a Confirm & pay button",
            changes: validated ? changeFacts(validated.changes, bridge.lang, cur) : [],
            cart: cartFacts(bridge.state.cart, bridge.lang, cur),
          }),
          messages,
        };
      if (bridge.state.cart.length === 0)
        return err("nothing in the cart can be bought any more", {}, messages);
      return err("the checkout could not be created; the shopper can try again", {}, messages);
    }
    case "order_status": {
      const { messages, results } = await bridge.tap({ kind: "menu", item: "orders" });
      const loaded = results.find((r) => r.type === "ordersLoaded");
      if (!loaded) return err("orders cannot be loaded right now", {}, messages);
      return {
        content: toolContent({
          shown_to_shopper: loaded.orders.length
            ? "their recent orders with status and tracking"
            : "no orders found",
          orders: orderFacts(loaded.orders, bridge.lang, cur),
        }),
        messages,
      };
    }
    case "handoff_to_human": {
      const { messages } = await bridge.tap({ kind: "menu", item: "human" });
      return { content: toolContent({ ok: true }), messages, terminal: true };
    }
    case "set_language": {
      const { messages } = await bridge.tap({ kind: "lang", language: call.args.language });
      return { content: toolContent({ ok: true, language: call.args.language }), messages };
    }
  }
}

/** Open the product, pick the option, pick the quantity — the taps a shopper would make. */
async function addToCart(
  bridge: EngineBridge,
  args: { product_id: string; variant_id?: string; quantity?: number },
): Promise<ToolOutcome> {
  const cur = bridge.ctx.currencyCode;
  const opened = await bridge.tap({ kind: "product", id: args.product_id });
  const loaded = opened.results.find((r) => r.type === "productLoaded");
  if (!loaded) return err("the product cannot be loaded right now", {}, opened.messages);
  if (!loaded.product) return err("no such product", {}, opened.messages);
  const facts = productFacts(loaded.product, bridge.lang, cur);
  const product = bridge.state.product;
  if (!product || product.variants.length === 0) return err("sold out", { product: facts }, opened.messages);
  let variantId = args.variant_id;
  if (variantId && !product.variants.some((v) => v.id === variantId))
    return err(
      "that option is not available; the shopper was shown the available options",
      { product: facts },
      opened.messages,
    );
  if (!variantId) {
    if (product.variants.length > 1)
      return err(
        "several options: ask which one, or call add_to_cart with a variant_id; the shopper was shown them",
        { product: facts },
        opened.messages,
      );
    variantId = product.variants[0].id;
  }
  if (bridge.state.step === "variant") await bridge.tap({ kind: "variant", id: variantId });
  if (bridge.state.step !== "quantity" || bridge.state.variantId !== variantId)
    return err("the option could not be selected", { product: facts }, opened.messages);
  const quantity = Math.min(Math.max(args.quantity ?? 1, 1), STATE_LIMITS.quantity);
  const before = bridge.state.cart.find((l) => l.variantId === variantId)?.quantity ?? 0;
  const added = await bridge.tap({ kind: "qty", quantity });
  const after = bridge.state.cart.find((l) => l.variantId === variantId)?.quantity ?? 0;
  if (after <= before)
    return err(
      "the cart is full; the shopper was shown their cart",
      { cart: cartFacts(bridge.state.cart, bridge.lang, cur) },
      added.messages,
    );
  const line = bridge.state.cart.find((l) => l.variantId === variantId)!;
  return {
    content: toolContent({
      added: { title: line.productTitle, option: line.variantTitle, quantity: after - before },
      shown_to_shopper: "a confirmation with the cart total and buttons: Checkout, View cart, Keep shopping",
      cart: cartFacts(bridge.state.cart, bridge.lang, cur),
    }),
    messages: added.messages,
  };
}

// -------------------------------------------------------------------------------------------------------------
// The model loop
// -------------------------------------------------------------------------------------------------------------

/** One model call, as recorded (LlmCall row + log line). */
export interface CallRecord {
  model: string;
  usage: TokenUsage;
  latencyMs: number;
  ok: boolean;
  error: string | null;
}

export interface AssistantTurnInput {
  endpoint: LlmEndpoint;
  profile: AssistantProfile;
  ctx: EngineContext;
  /** The state the assistant starts from (the rule engine's, with its miss undone). */
  state: ConversationState;
  /** The language already detected during the rule engine's turn (to persist), if any. */
  language?: Language;
  /** The shopper's text the rules did not match. */
  text: string;
  history: HistoryItem[];
  answer: Answer;
  limits: AiLimits;
  /** Tokens this conversation may still use. */
  tokenBudget: number;
  /** Called after every model call, ok or not. */
  record: (call: CallRecord) => Promise<void>;
  /** Test seam. */
  fetch?: typeof fetch;
}

export type AssistantFailure =
  "timeout" | "http" | "network" | "invalid_response" | "malformed" | "budget" | "rejected";

export type AssistantTurnResult =
  | {
      ok: true;
      outcome: EngineOutcome;
      /** The model's text was sent (false: only the app's messages, e.g. after a rejected reply). */
      textSent: boolean;
      rejected?: ReplyRejection;
      usage: TokenUsage;
      calls: number;
      toolCalls: string[];
    }
  | {
      ok: false;
      reason: AssistantFailure;
      rejected?: ReplyRejection;
      usage: TokenUsage;
      calls: number;
      toolCalls: string[];
    };

const assistantMessage = (result: ChatCompletionResult, calls: ToolCall[]): ChatMessage => ({
  role: "assistant",
  content: result.content ?? null,
  tool_calls: calls.map((c) => ({
    id: c.id,
    type: "function",
    function: { name: c.name, arguments: JSON.stringify(c.args) },
  })),
});

/**
 * Runs the model with the tools until it answers in text (at most `limits.maxRounds` calls plus one retry after
 * a malformed tool call), all within `limits.timeoutMs`. See the file's comment for what is sent.
 */
export async function runAssistantTurn(input: AssistantTurnInput): Promise<AssistantTurnResult> {
  const { limits, profile } = input;
  const bridge = new EngineBridge(input.state, input.ctx, input.answer, input.language);
  const deadline = AbortSignal.timeout(limits.timeoutMs);
  const started = Date.now();
  const usage: TokenUsage = { promptTokens: 0, completionTokens: 0 };
  const toolNames: string[] = [];
  let calls = 0;

  const vars = () =>
    promptVariables({
      shopName: input.ctx.shopName,
      customerName: input.ctx.contactName,
      language: bridge.lang,
    });
  const messages: ChatMessage[] = [
    { role: "system", content: buildSystemPrompt(profile, vars(), turnContext(bridge.state)) },
    ...historyMessages(input.history),
    { role: "user", content: shopperMessage(input.text) },
  ];
  const sources: string[] = profile.storeFacts ? [profile.storeFacts] : [];
  const appMessages: OutboundMessage[] = [];
  let finalText: string | null = null;
  let retried = false;
  let terminal = false;

  const fail = (reason: AssistantFailure, rejected?: ReplyRejection): AssistantTurnResult => {
    // Tools already changed the conversation (and the shopper should see it): keep the app's messages.
    if (appMessages.length > 0)
      return {
        ok: true,
        outcome: bridge.outcome(appMessages.slice(-limits.maxAppMessages)),
        textSent: false,
        rejected,
        usage,
        calls,
        toolCalls: toolNames,
      };
    return { ok: false, reason, rejected, usage, calls, toolCalls: toolNames };
  };

  for (let round = 0; round < limits.maxRounds && !terminal;) {
    const estimate = estimateMessagesTokens(messages, TOOLS) + limits.maxCompletionTokens;
    if (usage.promptTokens + usage.completionTokens + estimate > input.tokenBudget) return fail("budget");
    const remaining = limits.timeoutMs - (Date.now() - started);
    if (remaining <= 0 || deadline.aborted) return fail("timeout");

    let result: ChatCompletionResult;
    calls++;
    try {
      result = await chatCompletion(
        input.endpoint,
        {
          messages,
          tools: TOOLS,
          // The last round must answer in words.
          toolChoice: round === limits.maxRounds - 1 ? "none" : "auto",
          maxTokens: limits.maxCompletionTokens,
          temperature: 0.3,
          timeoutMs: remaining,
          signal: deadline,
        },
        input.fetch ? { fetch: input.fetch } : {},
      );
    } catch (error) {
      const kind = isLlmError(error) ? error.kind : "network";
      await input.record({
        model: input.endpoint.model,
        usage: isLlmError(error) && error.usage ? error.usage : { promptTokens: 0, completionTokens: 0 },
        latencyMs: isLlmError(error) ? error.latencyMs : 0,
        ok: false,
        error: isLlmError(error) ? `${error.kind}: ${error.message}` : String(error).slice(0, 200),
      });
      return fail(kind === "aborted" ? "timeout" : kind);
    }
    usage.promptTokens += result.usage.promptTokens;
    usage.completionTokens += result.usage.completionTokens;

    const { calls: toolCalls, malformed } = parseToolCalls(result.toolCalls);
    await input.record({
      model: result.model,
      usage: result.usage,
      latencyMs: result.latencyMs,
      ok: malformed.length === 0,
      error: malformed.length ? `malformed tool call: ${malformed.join("; ")}`.slice(0, 500) : null,
    });
    if (malformed.length > 0) {
      if (retried) return fail("malformed");
      retried = true;
      messages.push({ role: "system", content: malformedRetryNote(malformed, bridge.lang) });
      continue; // the retry does not use up a round
    }
    round++;
    if (toolCalls.length === 0) {
      finalText = result.content;
      break;
    }

    messages.push(assistantMessage(result, toolCalls));
    for (const [i, call] of toolCalls.entries()) {
      if (terminal || i >= limits.maxToolCallsPerRound) {
        messages.push({
          role: "tool",
          tool_call_id: call.id,
          content: toolContent({ error: "not run: too many tools at once" }),
        });
        continue;
      }
      toolNames.push(call.name);
      const outcome = await executeTool(bridge, call);
      messages.push({ role: "tool", tool_call_id: call.id, content: outcome.content });
      sources.push(outcome.content);
      appMessages.push(...outcome.messages);
      if (outcome.terminal) terminal = true;
    }
    if (terminal) finalText = result.content;
    // The tools may have changed the language or where the shopper is: refresh the system prompt.
    messages[0] = { role: "system", content: buildSystemPrompt(profile, vars(), turnContext(bridge.state)) };
  }

  const kept = appMessages.slice(-limits.maxAppMessages);
  const check = checkReply(finalText, { language: bridge.lang, maxChars: profile.maxReplyChars, sources });
  bridge.state = { ...bridge.state, misses: 0 };
  if (check.ok)
    return {
      ok: true,
      outcome: bridge.outcome([textMessage(check.text), ...kept]),
      textSent: true,
      usage,
      calls,
      toolCalls: toolNames,
    };
  if (kept.length > 0)
    return {
      ok: true,
      outcome: bridge.outcome(kept),
      textSent: false,
      rejected: check.reason,
      usage,
      calls,
      toolCalls: toolNames,
    };
  return { ok: false, reason: "rejected", rejected: check.reason, usage, calls, toolCalls: toolNames };
}
