import http from "node:http";
import https from "node:https";

/**
 * A small JSON-over-HTTP client on node:http with keep-alive agents, for the hot outbound calls (the Graph API's
 * `/messages`: one per reply). `fetch` (undici) costs far more CPU per request for the same exchange: measured by
 * `npm run bench:graph-client`, 299 µs of CPU per POST with fetch against 129 µs with this client (client and a
 * loopback server together, 20,000 requests, 32 at once; docs/decisions/010-hot-path-sql.md, "The Graph API
 * client"). The response body is read whole, up to `maxBytes`; the timeout covers the whole exchange.
 */
export interface JsonResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body parsed as JSON; undefined when it is empty or not JSON. */
  json: unknown;
}

export interface JsonRequest {
  method?: string;
  headers?: Record<string, string>;
  /** Sent as JSON (Content-Type and Content-Length set here). */
  body?: unknown;
  timeoutMs: number;
  /** A longer body is an error (default 5 MB). */
  maxBytes?: number;
}

// Sockets are reused across requests (the Graph API keeps connections alive); the limit keeps a burst of sends
// from opening an unbounded number of connections to one host. Every socket a burst opened stays open for the
// next one (maxFreeSockets = maxSockets): the inbox worker sends a committed group's replies at once, and with
// fewer free sockets kept, each burst closed the sockets above that number and the next one connected again
// (`npm run bench:graph-client` with BENCH_GRAPH_BURST=1: 354 µs of CPU per send with 64 kept, bursts of 128).
const MAX_SOCKETS_PER_HOST = 256;
const agentOptions = {
  keepAlive: true,
  maxSockets: MAX_SOCKETS_PER_HOST,
  maxFreeSockets: MAX_SOCKETS_PER_HOST,
};
const agents = {
  "http:": new http.Agent(agentOptions),
  "https:": new https.Agent(agentOptions),
};

export class HttpRequestError extends Error {}

export function requestJson(url: string, init: JsonRequest): Promise<JsonResponse> {
  const target = new URL(url);
  const protocol = target.protocol as "http:" | "https:";
  if (protocol !== "http:" && protocol !== "https:")
    return Promise.reject(new HttpRequestError(`unsupported protocol ${target.protocol}`));
  const payload = init.body === undefined ? undefined : Buffer.from(JSON.stringify(init.body));
  const maxBytes = init.maxBytes ?? 5 * 1024 * 1024;
  return new Promise<JsonResponse>((resolve, reject) => {
    const request = (protocol === "https:" ? https : http).request(
      target,
      {
        method: init.method ?? "GET",
        agent: agents[protocol],
        headers: {
          Accept: "application/json",
          ...init.headers,
          ...(payload
            ? { "Content-Type": "application/json", "Content-Length": String(payload.length) }
            : {}),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            request.destroy(new HttpRequestError(`response larger than ${maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        response.on("error", fail);
        response.on("end", () => {
          clearTimeout(timer);
          if (settled) return;
          settled = true;
          const text =
            chunks.length === 1 ? chunks[0].toString("utf8") : Buffer.concat(chunks).toString("utf8");
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, json });
        });
      },
    );
    let settled = false;
    function fail(error: unknown) {
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      reject(error);
    }
    const timer = setTimeout(
      () => request.destroy(new HttpRequestError(`no answer within ${init.timeoutMs} ms`)),
      init.timeoutMs,
    );
    request.on("error", fail);
    // 'close' also follows every complete exchange: the error (and its stack trace) is made only when it is one.
    request.on("close", () => {
      if (!settled) fail(new HttpRequestError("connection closed before the response ended"));
    });
    request.end(payload);
  });
}
