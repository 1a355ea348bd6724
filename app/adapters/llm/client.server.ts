/**
 * An OpenAI-compatible `/chat/completions` client (OpenRouter by default; OpenAI, Groq, Together, vLLM, Ollama…
 * accept the same request). Function calling (`tools`), strict JSON answers (`response_format: json_schema`), a
 * timeout through `AbortSignal` (8 s unless told), and the usage and latency of every call. No retries here: the
 * caller decides (a turn has a deadline). Never logs: the caller records each call (without message text).
 */
import { z } from "zod";
import type { ChatMessage, JsonSchemaFormat, RawToolCall, TokenUsage, ToolSchema } from "~/domain/ai/chat";

export const DEFAULT_LLM_TIMEOUT_MS = 8_000;
const MAX_RESPONSE_BYTES = 1_000_000;

export interface LlmEndpoint {
  /** e.g. https://openrouter.ai/api/v1 (the path `/chat/completions` is appended). */
  baseUrl: string;
  apiKey: string;
  model: string;
}

export interface ChatCompletionRequest {
  messages: ChatMessage[];
  tools?: ToolSchema[];
  toolChoice?: "auto" | "none" | "required";
  /** Ask for strict JSON matching this schema. */
  jsonSchema?: JsonSchemaFormat;
  maxTokens?: number;
  temperature?: number;
  /** Default 8 s. */
  timeoutMs?: number;
  /** An outer deadline (the turn's), combined with the timeout. */
  signal?: AbortSignal;
}

export interface ChatCompletionResult {
  content: string | null;
  /** As sent by the model: validate them (`parseToolCalls`) before use. */
  toolCalls: RawToolCall[];
  finishReason: string | null;
  usage: TokenUsage;
  latencyMs: number;
  /** The model that answered (a router may pick another), else the one asked for. */
  model: string;
}

export type LlmErrorKind = "timeout" | "aborted" | "http" | "network" | "invalid_response";

export class LlmError extends Error {
  override readonly name = "LlmError";
  constructor(
    readonly kind: LlmErrorKind,
    message: string,
    readonly latencyMs: number,
    readonly status?: number,
    readonly usage?: TokenUsage,
  ) {
    super(message);
  }
}

export function isLlmError(error: unknown): error is LlmError {
  return error instanceof LlmError;
}

const ResponseSchema = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        finish_reason: z.string().nullish(),
        message: z.object({
          content: z.string().nullish(),
          tool_calls: z.array(z.unknown()).nullish(),
        }),
      }),
    )
    .min(1),
  usage: z
    .object({
      prompt_tokens: z.number().int().nonnegative().nullish(),
      completion_tokens: z.number().int().nonnegative().nullish(),
    })
    .nullish(),
});

const ErrorBodySchema = z
  .object({ error: z.object({ message: z.string().optional() }).passthrough() })
  .passthrough();

/** `<baseUrl>/chat/completions`, whatever trailing slashes the merchant typed. */
export function chatCompletionsUrl(baseUrl: string): string {
  return `${baseUrl.trim().replace(/\/+$/, "")}/chat/completions`;
}

export function requestBody(endpoint: LlmEndpoint, request: ChatCompletionRequest): Record<string, unknown> {
  return {
    model: endpoint.model,
    messages: request.messages,
    ...(request.tools?.length ? { tools: request.tools, tool_choice: request.toolChoice ?? "auto" } : {}),
    ...(request.jsonSchema
      ? {
          response_format: {
            type: "json_schema",
            json_schema: {
              name: request.jsonSchema.name,
              strict: request.jsonSchema.strict ?? true,
              schema: request.jsonSchema.schema,
            },
          },
        }
      : {}),
    ...(request.maxTokens ? { max_tokens: request.maxTokens } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    stream: false,
  };
}

function isTimeout(error: unknown): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    "name" in error &&
    (error as { name: string }).name === "TimeoutError"
  );
}

function isAbort(error: unknown): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    "name" in error &&
    (error as { name: string }).name === "AbortError"
  );
}

/** One chat completion. Throws `LlmError` (kind: timeout, aborted, http, network, invalid_response). */
export async function chatCompletion(
  endpoint: LlmEndpoint,
  request: ChatCompletionRequest,
  options: { fetch?: typeof fetch; now?: () => number } = {},
): Promise<ChatCompletionResult> {
  const now = options.now ?? (() => performance.now());
  const doFetch = options.fetch ?? fetch;
  const started = now();
  const elapsed = () => Math.max(0, Math.round(now() - started));
  const timeout = AbortSignal.timeout(request.timeoutMs ?? DEFAULT_LLM_TIMEOUT_MS);
  const signal = request.signal ? AbortSignal.any([timeout, request.signal]) : timeout;

  let response: Response;
  let text: string;
  try {
    response = await doFetch(chatCompletionsUrl(endpoint.baseUrl), {
      method: "POST",
      headers: {
        Authorization: `Bearer ${endpoint.apiKey}`,
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-Title": "Hala",
      },
      body: JSON.stringify(requestBody(endpoint, request)),
      signal,
    });
    text = await response.text();
  } catch (error) {
    const reason = signal.aborted ? signal.reason : error;
    if (isTimeout(reason) || isTimeout(error))
      throw new LlmError("timeout", "the model did not answer in time", elapsed());
    if (isAbort(reason) || isAbort(error)) throw new LlmError("aborted", "the call was cancelled", elapsed());
    throw new LlmError(
      "network",
      error instanceof Error ? error.message.slice(0, 200) : "network error",
      elapsed(),
    );
  }
  const latencyMs = elapsed();
  if (text.length > MAX_RESPONSE_BYTES)
    throw new LlmError("invalid_response", "response too large", latencyMs, response.status);

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const body = ErrorBodySchema.safeParse(json);
    const detail =
      body.success && body.data.error.message ? `: ${body.data.error.message.slice(0, 200)}` : "";
    throw new LlmError("http", `HTTP ${response.status}${detail}`, latencyMs, response.status);
  }
  const parsed = ResponseSchema.safeParse(json);
  if (!parsed.success) {
    // Some providers answer 200 with { error } (OpenRouter upstream failures).
    const body = ErrorBodySchema.safeParse(json);
    const detail = body.success ? body.data.error.message?.slice(0, 200) : undefined;
    throw new LlmError(
      "invalid_response",
      detail ? `provider error: ${detail}` : "not a chat completion",
      latencyMs,
      response.status,
    );
  }
  const choice = parsed.data.choices[0];
  const usage: TokenUsage = {
    promptTokens: parsed.data.usage?.prompt_tokens ?? 0,
    completionTokens: parsed.data.usage?.completion_tokens ?? 0,
  };
  return {
    content: choice.message.content ?? null,
    toolCalls: (choice.message.tool_calls ?? []) as RawToolCall[],
    finishReason: choice.finish_reason ?? null,
    usage,
    latencyMs,
    model: parsed.data.model || endpoint.model,
  };
}
