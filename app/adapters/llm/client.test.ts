import { describe, expect, it } from "vitest";
import { chatCompletion, chatCompletionsUrl, isLlmError, LlmError, requestBody } from "./client.server";

const endpoint = { baseUrl: "https://llm.example/api/v1/", apiKey: "sk-test", model: "m/1" };

function fakeFetch(respond: (url: string, init: RequestInit) => Response | Promise<Response>) {
  const calls: { url: string; init: RequestInit; body: Record<string, unknown> }[] = [];
  const fn = (async (url: string, init: RequestInit) => {
    calls.push({ url, init, body: JSON.parse(String(init.body)) });
    return respond(url, init);
  }) as unknown as typeof fetch;
  return { fetch: fn, calls };
}

const ok = (message: Record<string, unknown>, usage = { prompt_tokens: 11, completion_tokens: 7 }) =>
  Response.json({ model: "m/1-2025", choices: [{ message, finish_reason: "stop" }], usage });

async function failure(promise: Promise<unknown>): Promise<LlmError> {
  try {
    await promise;
  } catch (error) {
    if (isLlmError(error)) return error;
    throw error;
  }
  throw new Error("expected a failure");
}

describe("chatCompletion", () => {
  it("posts an OpenAI-compatible request and returns content, tool calls, usage and latency", async () => {
    const f = fakeFetch(() =>
      ok({
        content: null,
        tool_calls: [{ id: "c1", type: "function", function: { name: "view_cart", arguments: "{}" } }],
      }),
    );
    const ticks = [1000, 1250];
    const result = await chatCompletion(
      endpoint,
      {
        messages: [{ role: "user", content: "hi" }],
        tools: [
          {
            type: "function",
            function: { name: "view_cart", description: "d", parameters: { type: "object" } },
          },
        ],
        maxTokens: 100,
        temperature: 0.2,
      },
      { fetch: f.fetch, now: () => ticks.shift() ?? 1250 },
    );
    expect(f.calls[0].url).toBe("https://llm.example/api/v1/chat/completions");
    const headers = f.calls[0].init.headers as Record<string, string>;
    expect(headers.Authorization).toBe("Bearer sk-test");
    expect(f.calls[0].body).toMatchObject({
      model: "m/1",
      tool_choice: "auto",
      max_tokens: 100,
      temperature: 0.2,
      stream: false,
    });
    expect(f.calls[0].init.signal).toBeInstanceOf(AbortSignal);
    expect(result).toEqual({
      content: null,
      toolCalls: [{ id: "c1", type: "function", function: { name: "view_cart", arguments: "{}" } }],
      finishReason: "stop",
      usage: { promptTokens: 11, completionTokens: 7 },
      latencyMs: 250,
      model: "m/1-2025",
    });
  });

  it("asks for strict JSON with response_format json_schema", () => {
    const body = requestBody(endpoint, {
      messages: [],
      jsonSchema: { name: "sentiment", schema: { type: "object" } },
    });
    expect(body.response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "sentiment", strict: true, schema: { type: "object" } },
    });
    expect(body).not.toHaveProperty("tools");
  });

  it("times out (default 8 s, or as told) with kind 'timeout'", async () => {
    const f = fakeFetch(
      (_url, init) =>
        new Promise<Response>((_resolve, reject) => {
          init.signal?.addEventListener("abort", () => reject(init.signal?.reason));
        }),
    );
    const error = await failure(
      chatCompletion(endpoint, { messages: [], timeoutMs: 30 }, { fetch: f.fetch }),
    );
    expect(error.kind).toBe("timeout");
  });

  it("an outer signal cancels the call", async () => {
    const controller = new AbortController();
    const f = fakeFetch(
      (_url, init) =>
        new Promise<Response>((_resolve, reject) => {
          init.signal?.addEventListener("abort", () => reject(init.signal?.reason));
        }),
    );
    const pending = chatCompletion(endpoint, { messages: [], signal: controller.signal }, { fetch: f.fetch });
    controller.abort();
    expect((await failure(pending)).kind).toBe("aborted");
    const timed = chatCompletion(
      endpoint,
      { messages: [], signal: AbortSignal.timeout(20) },
      { fetch: f.fetch },
    );
    expect((await failure(timed)).kind).toBe("timeout");
  });

  it("HTTP errors carry the status and the provider's message", async () => {
    const f = fakeFetch(() => Response.json({ error: { message: "Insufficient credits" } }, { status: 402 }));
    const error = await failure(chatCompletion(endpoint, { messages: [] }, { fetch: f.fetch }));
    expect(error).toMatchObject({ kind: "http", status: 402, message: "HTTP 402: Insufficient credits" });
  });

  it.each([
    ["not JSON", () => new Response("<html>bad gateway</html>", { status: 200 })],
    ["no choices", () => Response.json({ choices: [] })],
    [
      "an error body with status 200",
      () => Response.json({ error: { message: "upstream failed", code: 502 } }),
    ],
  ])("%s is an invalid response", async (_name, respond) => {
    const f = fakeFetch(respond);
    expect((await failure(chatCompletion(endpoint, { messages: [] }, { fetch: f.fetch }))).kind).toBe(
      "invalid_response",
    );
  });

  it("network failures", async () => {
    const f = fakeFetch(() => {
      throw new TypeError("fetch failed");
    });
    expect((await failure(chatCompletion(endpoint, { messages: [] }, { fetch: f.fetch }))).kind).toBe(
      "network",
    );
  });

  it("missing usage counts as zero tokens", async () => {
    const f = fakeFetch(() => Response.json({ choices: [{ message: { content: "hi" } }] }));
    const result = await chatCompletion(endpoint, { messages: [] }, { fetch: f.fetch });
    expect(result).toMatchObject({
      content: "hi",
      usage: { promptTokens: 0, completionTokens: 0 },
      model: "m/1",
    });
  });

  it("joins the base URL whatever its trailing slashes", () => {
    expect(chatCompletionsUrl("https://openrouter.ai/api/v1")).toBe(
      "https://openrouter.ai/api/v1/chat/completions",
    );
    expect(chatCompletionsUrl(" https://x.test/v1// ")).toBe("https://x.test/v1/chat/completions");
  });
});
