import { PassThrough } from "node:stream";
import type { EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { addDocumentResponseHeaders } from "./shopify.server";
import { closeCache } from "./cache.server";
import { closeDatabase } from "./db.server";
import { startBackgroundWork, stopBackgroundWork } from "./services/background.server";
import "./services/workers.server";

export const streamTimeout = 5000;

/**
 * Answered by the production server (scripts/serve.ts) straight from node:http, before Remix: the WhatsApp
 * webhook POST (app/services/whatsapp-webhook-http.server.ts). Exported here so that it runs in the build's
 * own module graph (the same database pool, cache and workers).
 */
export { handleWhatsAppWebhookFast as fastPath } from "./services/whatsapp-webhook-http.server";

/** Run by scripts/serve.ts before it listens: the intake's code warmed up (app/services/warm-up.server.ts). */
export { warmUpThread } from "./services/warm-up.server";

// Migrations and the workers (inbox processor, outbox sender, scheduler) start with the server.
startBackgroundWork();

/**
 * For scripts/worker-thread.mjs, which runs the workers in a thread of their own (scripts/serve.ts,
 * HALA_WORKER_THREAD): the same start as above, and a stop that also closes the thread's pool and cache.
 */
export const background = {
  start: startBackgroundWork,
  async stop(): Promise<void> {
    await stopBackgroundWork();
    await closeCache();
    await closeDatabase();
  },
};

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  addDocumentResponseHeaders(request, responseHeaders);
  // Embedded pages get Shopify's frame-ancestors policy from the library; every other page is not framable.
  if (!responseHeaders.get("Content-Security-Policy")?.includes("frame-ancestors")) {
    responseHeaders.set("Content-Security-Policy", "frame-ancestors 'none'");
    responseHeaders.set("X-Frame-Options", "DENY");
  }
  const userAgent = request.headers.get("user-agent");
  const callbackName = isbot(userAgent ?? "") ? "onAllReady" : "onShellReady";

  return new Promise((resolve, reject) => {
    const { pipe, abort } = renderToPipeableStream(<RemixServer context={remixContext} url={request.url} />, {
      [callbackName]: () => {
        const body = new PassThrough();
        const stream = createReadableStreamFromReadable(body);
        responseHeaders.set("Content-Type", "text/html");
        resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
        pipe(body);
      },
      onShellError(error) {
        reject(error);
      },
      onError(error) {
        responseStatusCode = 500;
        console.error(error);
      },
    });
    setTimeout(abort, streamTimeout + 1000);
  });
}
