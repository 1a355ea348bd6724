import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";

/**
 * Reads the admin's server-sent events (`app.inbox.$id.events`) and revalidates the page's loaders when a
 * conversation changes. The stream is read with `fetch` rather than EventSource: inside the admin, App
 * Bridge adds the session token to fetch requests, which EventSource cannot carry. Reconnects with backoff
 * (the server ends each stream after a few minutes so that every connection starts with a fresh token).
 */
export function useLiveUpdates(
  url: string,
  options: { debounceMs?: number } = {},
): "connecting" | "live" | "offline" {
  const revalidator = useRevalidator();
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  const busy = useRef(false);
  busy.current = revalidator.state !== "idle";
  const [status, setStatus] = useState<"connecting" | "live" | "offline">("connecting");
  const debounceMs = options.debounceMs ?? 400;

  useEffect(() => {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;

    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(function run() {
        // Never stack revalidations: wait for the running one, then go.
        if (busy.current) timer = setTimeout(run, debounceMs);
        else revalidate.current();
      }, debounceMs);
    };

    async function connect(): Promise<void> {
      while (!abort.signal.aborted) {
        try {
          const response = await fetch(url, {
            headers: { Accept: "text/event-stream" },
            signal: abort.signal,
          });
          // Not this shop's conversation (or gone): nothing will ever arrive.
          if (response.status === 404) return setStatus("offline");
          if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
          setStatus("live");
          failures = 0;
          const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
          let buffer = "";
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buffer += value;
            let end: number;
            while ((end = buffer.indexOf("\n\n")) >= 0) {
              const block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              if (/^event: update$/m.test(block)) schedule();
            }
          }
          // The server ended the stream (its time limit): catch up on anything missed, then reconnect.
          schedule();
        } catch {
          if (abort.signal.aborted) return;
          failures++;
          setStatus("offline");
        }
        const wait = failures === 0 ? 250 : Math.min(30_000, 1_000 * 2 ** Math.min(failures, 5));
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
    void connect();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, [url, debounceMs]);

  return status;
}
