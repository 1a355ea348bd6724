import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { Bubble } from "./Bubble";
import { viewOfGraphBody, viewOfShopperMessage, type MessageView, type ReplyChoice } from "./render";

/**
 * The WhatsApp-like phone: the chat with the bot's real messages (buttons, lists in a bottom sheet, images,
 * CTA links, templates; Arabic right to left), quick replies and a composer. It knows nothing about where
 * the messages go: its data source comes in as props — `poll` reads the thread, `send` sends a shopper
 * message (Meta's message object), `reset` starts over — so the demo simulator (signed webhooks) and the
 * admin's "Test your bot" (the sandbox) show exactly the same bubbles.
 */

export interface PhoneItem {
  key: string;
  dir: "in" | "out";
  at: number;
  /** Inbound: the shopper's message (Meta's shape); outbound: the Graph API request body. */
  body: Record<string, unknown>;
  status?: "failed" | "sent" | "read" | "pending";
}

/** A shopper's message as Meta delivers it (`messages[]` without from / id / timestamp). */
export type ShopperMessage = Record<string, unknown> & { type: string };

export interface PhoneSource<T extends { items: PhoneItem[] }> {
  /** Identifies the thread: when it changes, the phone clears and polls the new one. */
  key: string;
  poll(): Promise<T | null>;
  /** Throws an Error whose message is shown. */
  send(message: ShopperMessage, replyTo?: string): Promise<void>;
  reset?(): Promise<void>;
}

export interface PhoneLabels {
  placeholder: string;
  online: string;
  typing: string;
  send: string;
  reset: string;
  close: string;
}

export const PHONE_LABELS: Record<"en" | "ar", PhoneLabels> = {
  en: {
    placeholder: "Type a message",
    online: "online",
    typing: "typing…",
    send: "Send",
    reset: "Start over",
    close: "Close",
  },
  ar: {
    placeholder: "اكتب رسالة",
    online: "متصل",
    typing: "يكتب…",
    send: "إرسال",
    reset: "ابدأ من جديد",
    close: "إغلاق",
  },
};

export const QUICK_REPLIES: Record<"en" | "ar", string[]> = {
  en: ["hi", "menu", "cart", "checkout", "help"],
  ar: ["مرحبا", "القائمة", "السلة", "الدفع", "مساعدة"],
};

const POLL_MS = 700;
const time = (at: number) => new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
const callbackOf = (item: PhoneItem) =>
  typeof item.body.biz_opaque_callback_data === "string" ? item.body.biz_opaque_callback_data : undefined;

export function Phone<T extends { items: PhoneItem[] }>({
  source,
  title,
  language,
  labels = PHONE_LABELS[language],
  quickReplies = QUICK_REPLIES[language],
  pollMs = POLL_MS,
  onThread,
  onError,
}: {
  source: PhoneSource<T>;
  /** The store's name in the phone's header. */
  title: string;
  language: "en" | "ar";
  labels?: PhoneLabels;
  quickReplies?: string[];
  pollMs?: number;
  /** Every new thread read by `poll` (the simulator's developer panels use it). */
  onThread?: (thread: T | null) => void;
  /** An error to show (null clears it). */
  onError?: (message: string | null) => void;
}) {
  const [thread, setThread] = useState<T | null>(null);
  const [text, setText] = useState("");
  const [sheet, setSheet] = useState<{
    view: Extract<MessageView, { kind: "list" }>;
    replyTo?: string;
  } | null>(null);
  const [waiting, setWaiting] = useState<number | null>(null);
  const chatRef = useRef<HTMLDivElement>(null);
  const lastCount = useRef(0);
  const sourceRef = useRef(source);
  sourceRef.current = source;
  const onThreadRef = useRef(onThread);
  onThreadRef.current = onThread;
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    setThread(null);
    lastCount.current = 0;
  }, [source.key]);
  useEffect(() => {
    onThreadRef.current?.(thread);
  }, [thread]);

  // Poll the thread while the phone is shown.
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const tick = async () => {
      try {
        const next = await sourceRef.current.poll();
        if (next && !stopped) {
          setThread((prev) => (prev && JSON.stringify(prev) === JSON.stringify(next) ? prev : next));
        }
      } catch {
        // the server restarted or the network blinked: try again
      }
      if (!stopped) timer = setTimeout(tick, pollMs);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [source.key, pollMs, generation]);

  // Scroll to the newest message; stop "typing…" when the bot answered.
  const items = useMemo(() => thread?.items ?? [], [thread]);
  useEffect(() => {
    if (items.length !== lastCount.current) {
      lastCount.current = items.length;
      chatRef.current?.scrollTo({ top: chatRef.current.scrollHeight });
    }
    const last = items[items.length - 1];
    if (waiting !== null && last && last.dir === "out" && last.at >= waiting) setWaiting(null);
  }, [items, waiting]);
  useEffect(() => {
    if (waiting === null) return;
    const t = setTimeout(() => setWaiting(null), 10_000);
    return () => clearTimeout(t);
  }, [waiting]);

  const send = useCallback(
    async (message: ShopperMessage, replyTo?: string) => {
      onError?.(null);
      setWaiting(Date.now());
      try {
        await sourceRef.current.send(message, replyTo);
      } catch (e) {
        setWaiting(null);
        onError?.(String((e as Error).message));
      }
    },
    [onError],
  );

  const reset = async () => {
    if (!source.reset) return;
    onError?.(null);
    try {
      await source.reset();
      setWaiting(null);
      setThread(null);
      lastCount.current = 0;
      setGeneration((g) => g + 1);
    } catch (e) {
      onError?.(String((e as Error).message));
    }
  };

  const onReply = (item: PhoneItem) => (choice: ReplyChoice, kind: "button" | "template") => {
    const replyTo = callbackOf(item);
    if (kind === "template")
      void send({ type: "button", button: { payload: choice.id, text: choice.title } }, replyTo);
    else
      void send(
        {
          type: "interactive",
          interactive: { type: "button_reply", button_reply: { id: choice.id, title: choice.title } },
        },
        replyTo,
      );
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const body = text.trim();
    if (!body) return;
    setText("");
    void send({ type: "text", text: { body } });
  };

  const pickRow = (row: ReplyChoice) => {
    const replyTo = sheet?.replyTo;
    setSheet(null);
    void send(
      {
        type: "interactive",
        interactive: {
          type: "list_reply",
          list_reply: {
            id: row.id,
            title: row.title,
            ...(row.description ? { description: row.description } : {}),
          },
        },
      },
      replyTo,
    );
  };

  return (
    <section className="sim-phone" lang={language} aria-label="Phone">
      <header className="sim-phone-header">
        <div className="sim-avatar">{title.slice(0, 1)}</div>
        <div className="sim-phone-heading">
          <div className="sim-phone-title">{title}</div>
          <div className="sim-phone-sub">{waiting !== null ? labels.typing : labels.online}</div>
        </div>
        {source.reset ? (
          <button
            type="button"
            className="sim-phone-reset"
            onClick={() => void reset()}
            data-testid="phone-reset"
            title={labels.reset}
            aria-label={labels.reset}
          >
            ↺
          </button>
        ) : null}
      </header>
      <div className="sim-chat" ref={chatRef} data-testid="chat">
        {items.map((item) => (
          <Bubble
            key={item.key}
            dir={item.dir}
            time={time(item.at)}
            status={item.status === "pending" ? undefined : item.status}
            view={item.dir === "in" ? viewOfShopperMessage(item.body) : viewOfGraphBody(item.body)}
            actions={{
              onReply: onReply(item),
              onOpenList: (view) => setSheet({ view, replyTo: callbackOf(item) }),
            }}
          />
        ))}
        {waiting !== null ? (
          <div className="sim-row sim-row-bot">
            <div className="sim-bubble sim-bubble-bot sim-typing" data-testid="typing">
              <span />
              <span />
              <span />
            </div>
          </div>
        ) : null}
      </div>
      <div className="sim-quick">
        {quickReplies.map((q) => (
          <button
            key={q}
            type="button"
            dir="auto"
            onClick={() => void send({ type: "text", text: { body: q } })}
            data-testid="quick"
          >
            {q}
          </button>
        ))}
      </div>
      <form className="sim-composer" onSubmit={onSubmit}>
        <input
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={labels.placeholder}
          dir="auto"
          data-testid="composer-input"
          aria-label={labels.placeholder}
        />
        <button type="submit" data-testid="send-button" aria-label={labels.send}>
          ➤
        </button>
      </form>
      {sheet ? (
        <div className="sim-sheet-backdrop" onClick={() => setSheet(null)} role="presentation">
          <div
            className="sim-sheet"
            onClick={(e) => e.stopPropagation()}
            role="dialog"
            aria-label={sheet.view.button}
            data-testid="list-sheet"
          >
            <div className="sim-sheet-title" dir="auto">
              <button
                type="button"
                className="sim-sheet-close"
                onClick={() => setSheet(null)}
                aria-label={labels.close}
              >
                ✕
              </button>
              {sheet.view.button}
            </div>
            {sheet.view.sections.map((section, i) => (
              <div key={i} className="sim-sheet-section">
                {section.title ? (
                  <div className="sim-sheet-section-title" dir="auto">
                    {section.title}
                  </div>
                ) : null}
                {section.rows.map((row) => (
                  <button
                    key={row.id}
                    type="button"
                    className="sim-sheet-row"
                    onClick={() => pickRow(row)}
                    data-testid="list-row"
                    data-id={row.id}
                    dir="auto"
                  >
                    <span className="sim-sheet-row-title">{row.title}</span>
                    {row.description ? <span className="sim-sheet-row-desc">{row.description}</span> : null}
                  </button>
                ))}
              </div>
            ))}
          </div>
        </div>
      ) : null}
    </section>
  );
}
