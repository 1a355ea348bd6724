/**
 * `npm start` (after `npm run db:migrate`), the Docker image's command: the built app on PORT (default 3000),
 * all interfaces (HOST to change it), through scripts/serve.ts — the WhatsApp webhook answered before Remix
 * (docs/decisions/010-hot-path-sql.md), static files, then Remix with the request's Host header as origin, as
 * remix-serve did. SIGTERM/SIGINT stop accepting connections and exit once open requests are answered (at
 * most 10 s).
 */
import { serve, stopWorkerThread } from "./serve";

process.env.NODE_ENV ||= "production";
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "0.0.0.0";
const server = await serve({ port, host, origin: "host-header" });
console.log(`Hala listening on http://${host}:${port}`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  // Requests first, then the workers' thread (if any) finishes its batches; at most 10 s in all.
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 10_000).unref();
  void Promise.all([closed, stopWorkerThread()]).then(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
