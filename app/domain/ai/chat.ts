/**
 * The OpenAI-compatible chat-completions shapes Hala uses (OpenRouter, OpenAI, Groq, vLLM, Ollama… all accept
 * them). Plain types shared by the pure assistant code and the HTTP client in `app/adapters/llm/`.
 */

/** A function the model may call: name, description and JSON Schema of its arguments. */
export interface ToolSchema {
  type: "function";
  function: {
    name: string;
    description: string;
    parameters: Record<string, unknown>;
    strict?: boolean;
  };
}

/** A tool call as the model sent it (the arguments are a JSON string, possibly malformed). */
export interface RawToolCall {
  id?: unknown;
  type?: unknown;
  function?: { name?: unknown; arguments?: unknown };
}

export type ChatMessage =
  | { role: "system"; content: string }
  | { role: "user"; content: string }
  | {
      role: "assistant";
      content: string | null;
      tool_calls?: { id: string; type: "function"; function: { name: string; arguments: string } }[];
    }
  | { role: "tool"; tool_call_id: string; content: string };

/** `response_format: { type: "json_schema", json_schema }` for strict JSON answers. */
export interface JsonSchemaFormat {
  name: string;
  schema: Record<string, unknown>;
  strict?: boolean;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}
