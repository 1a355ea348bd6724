import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { Bubble } from "./Bubble";
import { viewOfGraphBody, viewOfShopperMessage, type MessageView, type ReplyChoice } from "./render";

export interface SimShopper {
  waId: string;
  name: string;
  language: "en" | "ar";
}

interface ThreadItem {
  key: string;
  dir: "in" | "out";
  at: number;
  body: Record<string, unknown>;
  status?: "failed" | "sent" | "read";
  httpStatus?: number;
}

interface WebhookEntry {
  id: number;
  at: number;
  source: "whatsapp" | "shopify";
  topic: string;
  url: string;
  payload: unknown;
  status: number;
  response: string;
}

interface Money {
  amount: string;
  currencyCode: string;
}

interface Thread {
  waId: string;
  items: ThreadItem[];
  webhooks: WebhookEntry[];
  graph: { at: number; body: Record<string, unknown> }[];
  checkout: { draftOrderId: string; name: string; invoiceUrl: string; total: Money; status: string } | null;
  orders: {
    id: string;
    name: string;
    total: Money;
    financialStatus: string;
    fulfillmentStatus: string;
    createdAt: string;
  }[];
}

const POLL_MS = 700;

const QUICK: Record<"en" | "ar", string[]> = {
  en: ["hi", "menu", "cart", "checkout", "help"],
  ar: ["مرحبا", "القائمة", "السلة", "الدفع", "مساعدة"],
};

const UI = {
  en: { placeholder: "Type a message", online: "online", typing: "typing…", send: "Send" },
  ar: { placeholder: "اكتب رسالة", online: "متصل", typing: "يكتب…", send: "إرسال" },
};

const time = (at: number) => new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
const money = (m: Money) => `${m.currencyCode} ${m.amount}`;

async function postJson<T>(url: string, body: unknown): Promise<T> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = (await res.json().catch(() => ({}))) as T & {
    error?: string;
    issues?: { path: string; message: string }[];
  };
  if (!res.ok) {
    const detail = json.issues?.map((i) => `${i.path}: ${i.message}`).join("; ");
    throw new Error(detail || json.error || `HTTP ${res.status}`);
  }
  return json;
}

export function Simulator({
  shop,
  shopName,
  initialShoppers,
}: {
  shop: string;
  shopName: string;
  initialShoppers: SimShopper[];
}) {
  const [shoppers, setShoppers] = useState<SimShopper[]>(initialShoppers);
  const [waId, setWaId] = useState<string>(initialShoppers[0]?.waId ?? "");
  const [thread, setThread] = useState<Thread | null>(null);
  const [text, setText] = useState("");
  const [sheet, setSheet] = useState<{
    view: Extract<MessageView, { kind: "list" }>;
    replyTo?: string;
  } | null>(null);
  const [waiting, setWaiting] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [devTab, setDevTab] = useState<"webhooks" | "graph">("webhooks");
  const [ready, setReady] = useState(false);
  const [showNew, setShowNew] = useState(false);
  const chatRef = useRef<HTMLDivElement>(null);
  const lastCount = useRef(0);

  const shopper = shoppers.find((s) => s.waId === waId);
  const lang = shopper?.language ?? "en";

  useEffect(() => {
    setReady(true);
    const saved = window.localStorage.getItem("hala-sim-wa-id");
    if (saved && initialShoppers.some((s) => s.waId === saved)) setWaId(saved);
  }, [initialShoppers]);

  useEffect(() => {
    if (waId) window.localStorage.setItem("hala-sim-wa-id", waId);
    setThread(null);
    lastCount.current = 0;
  }, [waId]);

  // Poll the thread while the page is open.
  useEffect(() => {
    if (!waId) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const tick = async () => {
      try {
        const res = await fetch(`/simulator/api/thread?wa_id=${encodeURIComponent(waId)}&ack=1`, {
          cache: "no-store",
        });
        if (res.ok && !stopped) {
          const next = (await res.json()) as Thread;
          setThread((prev) => (prev && JSON.stringify(prev) === JSON.stringify(next) ? prev : next));
        }
      } catch {
        // the demo server restarted: try again
      }
      if (!stopped) timer = setTimeout(tick, POLL_MS);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [waId]);

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
    async (message: Record<string, unknown>, replyTo?: string) => {
      if (!shopper) return;
      setError(null);
      setWaiting(Date.now());
      try {
        const result = await postJson<{ status: number; response: string }>("/simulator/api/send", {
          waId: shopper.waId,
          name: shopper.name,
          message,
          replyTo,
        });
        if (result.status !== 200) setError(`The webhook answered ${result.status}: ${result.response}`);
      } catch (e) {
        setWaiting(null);
        setError(String((e as Error).message));
      }
    },
    [shopper],
  );

  const onReply = useCallback(
    (item: ThreadItem) => (choice: ReplyChoice, kind: "button" | "template") => {
      const replyTo =
        typeof item.body.biz_opaque_callback_data === "string"
          ? item.body.biz_opaque_callback_data
          : undefined;
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
    },
    [send],
  );

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

  const orderAction = async (action: "place" | "fulfill") => {
    if (!shopper) return;
    setError(null);
    setNotice(null);
    try {
      const result = await postJson<{
        order: { name: string };
        webhook: { topic: string; status: number; response: string };
      }>("/simulator/api/orders", { waId: shopper.waId, action });
      const ok = result.webhook.status === 200;
      (ok ? setNotice : setError)(
        `${action === "place" ? "Order" : "Fulfilled"} ${result.order.name}: ${result.webhook.topic} webhook → ${result.webhook.status}${ok ? "" : ` ${result.webhook.response}`}`,
      );
    } catch (e) {
      setError(String((e as Error).message));
    }
  };

  const addShopper = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    try {
      const created = await postJson<SimShopper>("/simulator/api/shoppers", {
        name: String(form.get("name") ?? ""),
        waId: String(form.get("waId") ?? ""),
        language: String(form.get("language") ?? "en"),
      });
      setShoppers((list) => [...list.filter((s) => s.waId !== created.waId), created]);
      setWaId(created.waId);
      setShowNew(false);
      setError(null);
    } catch (err) {
      setError(String((err as Error).message));
    }
  };

  const lastCheckout = thread?.checkout;
  const unfulfilled = thread?.orders.some((o) => o.fulfillmentStatus !== "FULFILLED");

  return (
    <div className="sim-page" data-ready={ready ? "true" : "false"}>
      <aside className="sim-side">
        <h1>Hala simulator</h1>
        <p className="sim-note">
          A shopper&apos;s phone for <code>{shop}</code>. Every message is a Meta-shaped webhook, signed with
          the demo account&apos;s app secret, POSTed to <code>/webhooks/whatsapp</code>.
        </p>
        <label className="sim-field">
          Shopper
          <select data-testid="shopper-select" value={waId} onChange={(e) => setWaId(e.target.value)}>
            {shoppers.map((s) => (
              <option key={s.waId} value={s.waId}>
                {/* First-strong isolation: an Arabic name does not reorder the phone number. */}
                {`\u2068${s.name}\u2069 · +${s.waId} · ${s.language}`}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="sim-link-button"
          onClick={() => setShowNew((v) => !v)}
          data-testid="new-shopper"
        >
          {showNew ? "Cancel" : "+ New shopper"}
        </button>
        {showNew ? (
          <form className="sim-new" onSubmit={addShopper}>
            <label className="sim-field">
              Name <input name="name" required maxLength={60} dir="auto" />
            </label>
            <label className="sim-field">
              Phone (international) <input name="waId" required placeholder="966501234567" inputMode="tel" />
            </label>
            <label className="sim-field">
              Language
              <select name="language" defaultValue="en">
                <option value="en">English</option>
                <option value="ar">العربية</option>
              </select>
            </label>
            <button type="submit">Add shopper</button>
          </form>
        ) : null}

        <h2>Shopify</h2>
        <div className="sim-orders">
          {lastCheckout ? (
            <p>
              Checkout {lastCheckout.name} · {money(lastCheckout.total)} ·{" "}
              {lastCheckout.status === "OPEN" ? "open" : "paid"}
            </p>
          ) : (
            <p className="sim-note">No checkout yet.</p>
          )}
          <button
            type="button"
            data-testid="place-order"
            disabled={!lastCheckout || lastCheckout.status !== "OPEN"}
            onClick={() => void orderAction("place")}
          >
            Place order
          </button>
          <button
            type="button"
            data-testid="fulfill-order"
            disabled={!unfulfilled}
            onClick={() => void orderAction("fulfill")}
          >
            Mark fulfilled
          </button>
          {thread?.orders.length ? (
            <ul>
              {thread.orders.map((o) => (
                <li key={o.id}>
                  {o.name} · {money(o.total)} · {o.financialStatus.toLowerCase()} ·{" "}
                  {o.fulfillmentStatus.toLowerCase()}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
        {notice ? <p className="sim-notice">{notice}</p> : null}
        {error ? (
          <p className="sim-error" role="alert">
            {error}
          </p>
        ) : null}
        <h2>Links</h2>
        <ul className="sim-links">
          <li>
            <a href="/simulator/admin">Merchant admin (demo)</a>
          </li>
          <li>
            <a href={`/simulator/api/messages?wa_id=${waId}`} target="_blank" rel="noreferrer">
              Contract: /simulator/api/messages
            </a>
          </li>
          <li>
            <a href="/healthz" target="_blank" rel="noreferrer">
              /healthz
            </a>
          </li>
        </ul>
      </aside>

      <section className="sim-phone" lang={lang} aria-label="Phone">
        <header className="sim-phone-header">
          <div className="sim-avatar">{shopName.slice(0, 1)}</div>
          <div>
            <div className="sim-phone-title">{shopName}</div>
            <div className="sim-phone-sub">{waiting !== null ? UI[lang].typing : UI[lang].online}</div>
          </div>
        </header>
        <div className="sim-chat" ref={chatRef} data-testid="chat">
          {items.map((item) => (
            <Bubble
              key={item.key}
              dir={item.dir}
              time={time(item.at)}
              status={item.status}
              view={item.dir === "in" ? viewOfShopperMessage(item.body) : viewOfGraphBody(item.body)}
              actions={{
                onReply: onReply(item),
                onOpenList: (view) =>
                  setSheet({
                    view,
                    replyTo:
                      typeof item.body.biz_opaque_callback_data === "string"
                        ? item.body.biz_opaque_callback_data
                        : undefined,
                  }),
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
          {QUICK[lang].map((q) => (
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
            placeholder={UI[lang].placeholder}
            dir="auto"
            data-testid="composer-input"
            aria-label={UI[lang].placeholder}
          />
          <button type="submit" data-testid="send-button" aria-label={UI[lang].send}>
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
                  aria-label="Close"
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

      <aside className="sim-dev" aria-label="Developer view">
        <div className="sim-tabs">
          <button
            type="button"
            className={devTab === "webhooks" ? "active" : ""}
            onClick={() => setDevTab("webhooks")}
          >
            Webhooks sent ({thread?.webhooks.length ?? 0})
          </button>
          <button
            type="button"
            className={devTab === "graph" ? "active" : ""}
            onClick={() => setDevTab("graph")}
          >
            Graph requests ({thread?.graph.length ?? 0})
          </button>
        </div>
        <div className="sim-dev-list" data-testid={`dev-${devTab}`}>
          {devTab === "webhooks"
            ? [...(thread?.webhooks ?? [])].reverse().map((w) => (
                <details key={w.id} className="sim-dev-entry">
                  <summary>
                    <span className={`sim-status ${w.status === 200 ? "ok" : "bad"}`}>
                      {w.status || "ERR"}
                    </span>{" "}
                    {time(w.at)} · {w.source === "whatsapp" ? "WhatsApp" : "Shopify"} {w.topic}
                  </summary>
                  <div className="sim-note">POST {w.url}</div>
                  {w.response ? <div className="sim-note">→ {w.response}</div> : null}
                  <pre>{JSON.stringify(w.payload, null, 2)}</pre>
                </details>
              ))
            : [...(thread?.graph ?? [])].reverse().map((g, i) => (
                <details key={`${g.at}-${i}`} className="sim-dev-entry">
                  <summary>
                    {time(g.at)} · {String(g.body.status === "read" ? "mark read" : g.body.type)}
                    {g.body.type === "interactive"
                      ? ` (${String((g.body.interactive as { type?: string })?.type)})`
                      : ""}
                  </summary>
                  <pre>{JSON.stringify(g.body, null, 2)}</pre>
                </details>
              ))}
        </div>
      </aside>
    </div>
  );
}
