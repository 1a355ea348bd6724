import type { ReactNode } from "react";
import { formatWhatsAppText, type MessageView, type ReplyChoice } from "./render";

export interface BubbleActions {
  /** A tap on a reply button / template quick reply. */
  onReply(choice: ReplyChoice, kind: "button" | "template"): void;
  /** Opens a list message's bottom sheet. */
  onOpenList(view: Extract<MessageView, { kind: "list" }>): void;
}

export function FormattedText({ text }: { text: string }) {
  return (
    <>
      {formatWhatsAppText(text).map((t, i) => {
        if (t.link)
          return (
            <a key={i} href={t.link} target="_blank" rel="noreferrer">
              {t.text}
            </a>
          );
        let node: ReactNode = t.text;
        if (t.mono) node = <code>{node}</code>;
        if (t.bold) node = <strong>{node}</strong>;
        if (t.italic) node = <em>{node}</em>;
        if (t.strike) node = <s>{node}</s>;
        return <span key={i}>{node}</span>;
      })}
    </>
  );
}

function Header({ text }: { text?: string }) {
  return text ? (
    <div className="sim-b-header" dir="auto">
      {text}
    </div>
  ) : null;
}

function Body({ text }: { text: string }) {
  return (
    <div className="sim-b-body" dir="auto">
      <FormattedText text={text} />
    </div>
  );
}

function Footer({ text }: { text?: string }) {
  return text ? (
    <div className="sim-b-footer" dir="auto">
      {text}
    </div>
  ) : null;
}

export function Ticks({ status }: { status?: "failed" | "sent" | "read" }) {
  if (status === "failed")
    return (
      <span className="sim-ticks sim-ticks-failed" title="The webhook was refused">
        !
      </span>
    );
  return (
    <span
      className={`sim-ticks ${status === "read" ? "sim-ticks-read" : ""}`}
      title={status === "read" ? "Read" : "Delivered"}
    >
      ✓✓
    </span>
  );
}

/** One chat bubble and, below it, its tappable parts (buttons, list opener, CTA). */
export function Bubble({
  view,
  dir,
  time,
  status,
  actions,
}: {
  view: MessageView;
  dir: "in" | "out";
  time: string;
  status?: "failed" | "sent" | "read";
  actions: BubbleActions;
}) {
  // "in" = from the shopper (right, green); "out" = from the bot (left, white).
  const side = dir === "in" ? "sim-bubble-me" : "sim-bubble-bot";
  const meta = (
    <span className="sim-b-meta">
      {time}
      {dir === "in" ? <Ticks status={status} /> : null}
    </span>
  );
  let content: ReactNode;
  let below: ReactNode = null;
  switch (view.kind) {
    case "text":
      content = <Body text={view.text} />;
      break;
    case "reply":
      content = (
        <div className="sim-b-body" dir="auto">
          {view.title}
          {view.description ? <div className="sim-b-footer">{view.description}</div> : null}
        </div>
      );
      break;
    case "image":
      content = (
        <>
          <a href={view.link} target="_blank" rel="noreferrer" className="sim-b-image" title={view.link}>
            <img src={view.src} alt={view.caption ?? "image"} loading="lazy" />
          </a>
          {view.caption ? <Body text={view.caption} /> : null}
        </>
      );
      break;
    case "buttons":
      content = (
        <>
          <Header text={view.header} />
          <Body text={view.body} />
          <Footer text={view.footer} />
        </>
      );
      below = (
        <div className="sim-b-actions">
          {view.buttons.map((b) => (
            <button
              key={b.id}
              type="button"
              className="sim-b-action"
              data-testid="reply-button"
              data-id={b.id}
              dir="auto"
              onClick={() => actions.onReply(b, "button")}
            >
              ↩ {b.title}
            </button>
          ))}
        </div>
      );
      break;
    case "list":
      content = (
        <>
          <Header text={view.header} />
          <Body text={view.body} />
          <Footer text={view.footer} />
        </>
      );
      below = (
        <div className="sim-b-actions">
          <button
            type="button"
            className="sim-b-action"
            data-testid="list-open"
            dir="auto"
            onClick={() => actions.onOpenList(view)}
          >
            ☰ {view.button}
          </button>
        </div>
      );
      break;
    case "cta":
      content = (
        <>
          <Header text={view.header} />
          <Body text={view.body} />
          <Footer text={view.footer} />
        </>
      );
      below = (
        <div className="sim-b-actions">
          <a
            className="sim-b-action"
            href={view.url}
            target="_blank"
            rel="noreferrer"
            data-testid="cta-link"
            dir="auto"
            title={view.url}
          >
            ↗ {view.text}
          </a>
        </div>
      );
      break;
    case "template":
      content = (
        <div className="sim-b-template">
          <div className="sim-b-header">
            📄 Template <code>{view.name}</code> <span className="sim-b-footer">({view.language})</span>
          </div>
          {view.params.length ? (
            <ol className="sim-b-params" dir="auto">
              {view.params.map((p, i) => (
                <li key={i}>
                  <span className="sim-b-footer">{p.component}:</span> {p.text}
                </li>
              ))}
            </ol>
          ) : (
            <div className="sim-b-footer">(no parameters)</div>
          )}
          {view.urlButtons.map((b) => (
            <div key={`u${b.index}`} className="sim-b-footer">
              URL button {b.index}: {b.text}
            </div>
          ))}
        </div>
      );
      below = view.quickReplies.length ? (
        <div className="sim-b-actions">
          {view.quickReplies.map((q) => (
            <button
              key={q.index}
              type="button"
              className="sim-b-action"
              data-testid="template-reply"
              dir="auto"
              onClick={() => actions.onReply({ id: q.payload, title: q.payload }, "template")}
            >
              ↩ {q.payload}
            </button>
          ))}
        </div>
      ) : null;
      break;
    case "product":
      content = (
        <div className="sim-b-product">
          <div className="sim-b-header">🛍 Product {view.retailerId}</div>
          {view.body ? <Body text={view.body} /> : null}
          <Footer text={view.footer} />
          <div className="sim-b-footer">catalog {view.catalogId}</div>
        </div>
      );
      break;
    case "product_list":
      content = (
        <div className="sim-b-product">
          <Header text={view.header} />
          <Body text={view.body} />
          {view.sections.map((s, i) => (
            <div key={i}>
              <div className="sim-b-footer">{s.title}</div>
              <ul>
                {s.items.map((item) => (
                  <li key={item}>🛍 {item}</li>
                ))}
              </ul>
            </div>
          ))}
          <Footer text={view.footer} />
        </div>
      );
      break;
    default:
      content = (
        <details>
          <summary>Unsupported message: {view.type}</summary>
          <pre>{view.json}</pre>
        </details>
      );
  }
  return (
    <div
      className={`sim-row ${dir === "in" ? "sim-row-me" : "sim-row-bot"}`}
      data-testid={dir === "in" ? "bubble-in" : "bubble-out"}
      data-kind={view.kind}
    >
      <div className={`sim-bubble ${side}`} dir="auto">
        {content}
        {meta}
      </div>
      {below}
    </div>
  );
}
