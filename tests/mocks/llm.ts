import { http, HttpResponse } from "msw";

/**
 * A scriptable fake of an OpenAI-compatible `POST {baseUrl}/chat/completions` for msw. Tests queue the answers
 * (text, tool calls, strict JSON, malformed output, HTTP errors, slow answers) and read back every request the
 * app made (model, messages, tools, response_format, headers). With nothing queued it answers 500, so that an
 * unexpected call fails loudly.
 *
 *   const llm = createLlmFake();
 *   server.use(...llm.handlers);
 *   llm.callTools({ name: "search_products", arguments: { query: "abaya" } });
 *   llm.reply("Here is what I found!");
 */

export interface FakeToolCall {
  name: string;
  /** An object (sent as JSON) or a string sent as is (to send malformed JSON). */
  arguments?: unknown;
  id?: string;
}

export type LlmScript =
  | { kind: "text"; content: string | null; usage?: { prompt: number; completion: number } }
  | { kind: "tools"; calls: FakeToolCall[]; content?: string | null }
  | { kind: "http"; status: number; body?: unknown }
  | { kind: "raw"; body: string; status?: number }
  | { kind: "network" }
  | { kind: "slow"; ms: number; then: LlmScript };

export type LlmResponder = LlmScript | ((request: RecordedLlmRequest) => LlmScript);

export interface RecordedLlmRequest {
  url: string;
  authorization: string | null;
  body: {
    model: string;
    messages: { role: string; content: string | null; tool_calls?: unknown[]; tool_call_id?: string }[];
    tools?: { type: string; function: { name: string; parameters: Record<string, unknown> } }[];
    tool_choice?: unknown;
    response_format?: {
      type: string;
      json_schema?: { name: string; strict?: boolean; schema: Record<string, unknown> };
    };
    max_tokens?: number;
    temperature?: number;
  };
}

export const FAKE_LLM_BASE_URL = "https://llm.test/v1";

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

let counter = 0;

function completion(
  model: string,
  message: Record<string, unknown>,
  finish: string,
  usage: { prompt: number; completion: number },
) {
  return {
    id: `chatcmpl-fake-${++counter}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: "assistant", ...message }, finish_reason: finish }],
    usage: {
      prompt_tokens: usage.prompt,
      completion_tokens: usage.completion,
      total_tokens: usage.prompt + usage.completion,
    },
  };
}

export function createLlmFake(options: { baseUrl?: string } = {}) {
  const baseUrl = (options.baseUrl ?? FAKE_LLM_BASE_URL).replace(/\/$/, "");
  const queue: LlmResponder[] = [];
  const requests: RecordedLlmRequest[] = [];
  let fallback: LlmResponder = {
    kind: "http",
    status: 500,
    body: { error: { message: "no scripted response" } },
  };

  async function play(
    script: LlmScript,
    recorded: RecordedLlmRequest,
    signal: AbortSignal,
  ): Promise<Response> {
    const model = recorded.body.model ?? "fake-model";
    const promptTokens = Math.ceil(JSON.stringify(recorded.body.messages ?? []).length / 4);
    switch (script.kind) {
      case "text":
        return HttpResponse.json(
          completion(
            model,
            { content: script.content },
            "stop",
            script.usage ?? { prompt: promptTokens, completion: 20 },
          ),
        );
      case "tools":
        return HttpResponse.json(
          completion(
            model,
            {
              content: script.content ?? null,
              tool_calls: script.calls.map((c, i) => ({
                id: c.id ?? `call_${counter + 1}_${i}`,
                type: "function",
                function: {
                  name: c.name,
                  arguments:
                    typeof c.arguments === "string" ? c.arguments : JSON.stringify(c.arguments ?? {}),
                },
              })),
            },
            "tool_calls",
            { prompt: promptTokens, completion: 30 },
          ),
        );
      case "http":
        return HttpResponse.json(script.body ?? { error: { message: `HTTP ${script.status}` } }, {
          status: script.status,
        });
      case "raw":
        return new HttpResponse(script.body, {
          status: script.status ?? 200,
          headers: { "Content-Type": "application/json" },
        });
      case "network":
        return HttpResponse.error();
      case "slow":
        await sleep(script.ms, signal);
        return play(script.then, recorded, signal);
    }
  }

  const handlers = [
    http.post(`${baseUrl}/chat/completions`, async ({ request }) => {
      const recorded: RecordedLlmRequest = {
        url: request.url,
        authorization: request.headers.get("authorization"),
        body: (await request.json()) as RecordedLlmRequest["body"],
      };
      requests.push(recorded);
      const next = queue.shift() ?? fallback;
      const script = typeof next === "function" ? next(recorded) : next;
      return play(script, recorded, request.signal);
    }),
  ];

  const fake = {
    baseUrl,
    handlers,
    requests,
    /** Queue any answer (or a function of the request). */
    respond(...responders: LlmResponder[]) {
      queue.push(...responders);
      return fake;
    },
    /** A text answer (no tool calls). */
    reply(content: string | null) {
      return fake.respond({ kind: "text", content });
    },
    /** One answer with these tool calls. */
    callTools(...calls: FakeToolCall[]) {
      return fake.respond({ kind: "tools", calls });
    },
    /** Strict JSON (response_format json_schema) as the message content. */
    json(value: unknown) {
      return fake.respond({ kind: "text", content: JSON.stringify(value) });
    },
    /** A tool call whose arguments are not JSON. */
    malformed(name = "search_products") {
      return fake.respond({ kind: "tools", calls: [{ name, arguments: '{"query": "abaya"' }] });
    },
    fail(status = 500) {
      return fake.respond({ kind: "http", status });
    },
    /** The next answer only after `ms` (or when the app gives up). */
    slow(ms: number, then: LlmScript = { kind: "text", content: "too late" }) {
      return fake.respond({ kind: "slow", ms, then });
    },
    /** What to answer when nothing is queued (default: HTTP 500). */
    setDefault(responder: LlmResponder) {
      fallback = responder;
      return fake;
    },
    get pending() {
      return queue.length;
    },
    last(): RecordedLlmRequest | undefined {
      return requests[requests.length - 1];
    },
    /** The system prompt of request `i` (default: the last). */
    systemPrompt(i = requests.length - 1): string {
      return requests[i]?.body.messages.find((m) => m.role === "system")?.content ?? "";
    },
    /** The tool results (role "tool") the app sent in request `i`. */
    toolResults(i = requests.length - 1): unknown[] {
      return (requests[i]?.body.messages ?? [])
        .filter((m) => m.role === "tool")
        .map((m) => JSON.parse(m.content ?? "null"));
    },
    reset() {
      queue.length = 0;
      requests.length = 0;
      fallback = { kind: "http", status: 500, body: { error: { message: "no scripted response" } } };
    },
  };
  return fake;
}

export type LlmFake = ReturnType<typeof createLlmFake>;
