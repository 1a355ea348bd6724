import { useEffect, useMemo, useState, type FormEvent } from "react";
import { Phone, type PhoneItem, type PhoneSource, type ShopperMessage } from "./Phone";

export interface SimShopper {
  waId: string;
  name: string;
  language: "en" | "ar";
}

interface ThreadItem extends PhoneItem {
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
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [devTab, setDevTab] = useState<"webhooks" | "graph">("webhooks");
  const [ready, setReady] = useState(false);
  const [showNew, setShowNew] = useState(false);

  const shopper = shoppers.find((s) => s.waId === waId);
  const lang = shopper?.language ?? "en";

  useEffect(() => {
    setReady(true);
    const saved = window.localStorage.getItem("hala-sim-wa-id");
    if (saved && initialShoppers.some((s) => s.waId === saved)) setWaId(saved);
  }, [initialShoppers]);

  useEffect(() => {
    if (waId) window.localStorage.setItem("hala-sim-wa-id", waId);
  }, [waId]);

  // The phone's data source: signed webhooks out, the demo's captured Graph requests back.
  const source = useMemo<PhoneSource<Thread>>(
    () => ({
      key: waId,
      poll: async () => {
        if (!waId) return null;
        const res = await fetch(`/simulator/api/thread?wa_id=${encodeURIComponent(waId)}&ack=1`, {
          cache: "no-store",
        });
        return res.ok ? ((await res.json()) as Thread) : null;
      },
      send: async (message: ShopperMessage, replyTo?: string) => {
        if (!shopper) return;
        const result = await postJson<{ status: number; response: string }>("/simulator/api/send", {
          waId: shopper.waId,
          name: shopper.name,
          message,
          replyTo,
        });
        if (result.status !== 200)
          throw new Error(`The webhook answered ${result.status}: ${result.response}`);
      },
    }),
    [waId, shopper],
  );

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

      <Phone source={source} title={shopName} language={lang} onThread={setThread} onError={setError} />

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
