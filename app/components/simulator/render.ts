/**
 * What the simulated phone shows for a message: the Graph API request body the app sent (outbound) or the
 * message object the shopper sent (inbound), turned into a small view model. Pure, shared by the page and tests.
 */

export interface ReplyChoice {
  id: string;
  title: string;
  description?: string;
}

export type MessageView =
  | { kind: "text"; text: string }
  | { kind: "buttons"; header?: string; body: string; footer?: string; buttons: ReplyChoice[] }
  | {
      kind: "list";
      header?: string;
      body: string;
      footer?: string;
      button: string;
      sections: { title?: string; rows: ReplyChoice[] }[];
    }
  | { kind: "image"; src: string; link: string; caption?: string }
  | { kind: "cta"; header?: string; body: string; footer?: string; text: string; url: string }
  | {
      kind: "template";
      name: string;
      language: string;
      params: { component: string; text: string }[];
      quickReplies: { index: number; payload: string }[];
      urlButtons: { index: number; text: string }[];
    }
  | { kind: "product"; body?: string; footer?: string; catalogId: string; retailerId: string }
  | {
      kind: "product_list";
      header?: string;
      body: string;
      footer?: string;
      sections: { title: string; items: string[] }[];
    }
  | { kind: "reply"; title: string; description?: string; id: string }
  | { kind: "unknown"; type: string; json: string };

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/**
 * Demo product images are served by the demo itself (`/demo-images/<handle>.svg`); the fake catalog gives them
 * the store's https address, as Shopify's CDN would, so they are shown from the local copy.
 */
export function displayImageSrc(link: string): string {
  try {
    const url = new URL(link);
    if (url.pathname.startsWith("/demo-images/")) return url.pathname;
  } catch {
    // not absolute: use as is
  }
  return link;
}

function textParts(interactive: Json) {
  return {
    header: str(obj(interactive.header).text),
    body: str(obj(interactive.body).text) ?? "",
    footer: str(obj(interactive.footer).text),
  };
}

/** A Graph API `POST /{phone-number-id}/messages` body → what the shopper's phone shows. */
export function viewOfGraphBody(body: Json): MessageView {
  const type = str(body.type) ?? "";
  if (type === "text") return { kind: "text", text: str(obj(body.text).body) ?? "" };
  if (type === "image") {
    const image = obj(body.image);
    const link = str(image.link) ?? (str(image.id) ? `media:${str(image.id)}` : "");
    return { kind: "image", link, src: displayImageSrc(link), caption: str(image.caption) };
  }
  if (type === "template") {
    const template = obj(body.template);
    const params: { component: string; text: string }[] = [];
    const quickReplies: { index: number; payload: string }[] = [];
    const urlButtons: { index: number; text: string }[] = [];
    for (const c of arr(template.components).map(obj)) {
      const component = str(c.type) ?? "?";
      for (const p of arr(c.parameters).map(obj)) {
        const ptype = str(p.type);
        const text =
          ptype === "text"
            ? (str(p.text) ?? "")
            : ptype === "currency"
              ? (str(obj(p.currency).fallback_value) ?? "")
              : ptype === "date_time"
                ? (str(obj(p.date_time).fallback_value) ?? "")
                : ptype === "image"
                  ? (str(obj(p.image).link) ?? "")
                  : ptype === "payload"
                    ? (str(p.payload) ?? "")
                    : JSON.stringify(p);
        if (component === "button" && str(c.sub_type) === "quick_reply")
          quickReplies.push({ index: Number(c.index ?? 0), payload: text });
        else if (component === "button") urlButtons.push({ index: Number(c.index ?? 0), text });
        else
          params.push({
            component,
            text: str(p.parameter_name) ? `${str(p.parameter_name)}: ${text}` : text,
          });
      }
    }
    return {
      kind: "template",
      name: str(template.name) ?? "?",
      language: str(obj(template.language).code) ?? "?",
      params,
      quickReplies,
      urlButtons,
    };
  }
  if (type === "interactive") {
    const interactive = obj(body.interactive);
    const itype = str(interactive.type);
    const action = obj(interactive.action);
    const parts = textParts(interactive);
    if (itype === "button") {
      return {
        kind: "buttons",
        ...parts,
        buttons: arr(action.buttons).map((b) => {
          const reply = obj(obj(b).reply);
          return { id: str(reply.id) ?? "", title: str(reply.title) ?? "" };
        }),
      };
    }
    if (itype === "list") {
      return {
        kind: "list",
        ...parts,
        button: str(action.button) ?? "Menu",
        sections: arr(action.sections).map((s) => ({
          title: str(obj(s).title),
          rows: arr(obj(s).rows).map((r) => ({
            id: str(obj(r).id) ?? "",
            title: str(obj(r).title) ?? "",
            description: str(obj(r).description),
          })),
        })),
      };
    }
    if (itype === "cta_url") {
      const p = obj(action.parameters);
      return { kind: "cta", ...parts, text: str(p.display_text) ?? "Open", url: str(p.url) ?? "" };
    }
    if (itype === "product") {
      return {
        kind: "product",
        body: parts.body || undefined,
        footer: parts.footer,
        catalogId: str(action.catalog_id) ?? "",
        retailerId: str(action.product_retailer_id) ?? "",
      };
    }
    if (itype === "product_list") {
      return {
        kind: "product_list",
        ...parts,
        sections: arr(action.sections).map((s) => ({
          title: str(obj(s).title) ?? "",
          items: arr(obj(s).product_items).map((i) => str(obj(i).product_retailer_id) ?? ""),
        })),
      };
    }
  }
  return { kind: "unknown", type: type || "?", json: JSON.stringify(body, null, 2) };
}

/** A message object the shopper sent (Meta's shape) → its bubble. */
export function viewOfShopperMessage(message: Json): MessageView {
  const type = str(message.type);
  if (type === "text") return { kind: "text", text: str(obj(message.text).body) ?? "" };
  if (type === "interactive") {
    const interactive = obj(message.interactive);
    const reply = obj(interactive.button_reply ?? interactive.list_reply);
    return {
      kind: "reply",
      id: str(reply.id) ?? "",
      title: str(reply.title) ?? "",
      description: str(reply.description),
    };
  }
  if (type === "button") {
    const button = obj(message.button);
    return { kind: "reply", id: str(button.payload) ?? "", title: str(button.text) ?? "" };
  }
  return { kind: "unknown", type: type ?? "?", json: JSON.stringify(message, null, 2) };
}

/** Plain text of a view, for search and tests. */
export function viewText(view: MessageView): string {
  switch (view.kind) {
    case "text":
      return view.text;
    case "buttons":
    case "list":
    case "cta":
      return [view.header, view.body, view.footer].filter(Boolean).join("\n");
    case "image":
      return view.caption ?? "";
    case "template":
      return `${view.name} ${view.params.map((p) => p.text).join(" ")}`;
    case "product":
      return view.body ?? view.retailerId;
    case "product_list":
      return view.body;
    case "reply":
      return view.title;
    case "unknown":
      return view.type;
  }
}

/** WhatsApp's text formatting (*bold*, _italic_, ~strike~, ```mono```) → tokens, without HTML injection. */
export type FormattedToken = {
  text: string;
  bold?: boolean;
  italic?: boolean;
  strike?: boolean;
  mono?: boolean;
  link?: string;
};

export function formatWhatsAppText(text: string): FormattedToken[] {
  const tokens: FormattedToken[] = [];
  const pattern = /```([^`]+)```|\*([^*\n]+)\*|_([^_\n]+)_|~([^~\n]+)~|(https?:\/\/[^\s]+)/g;
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    const index = m.index ?? 0;
    if (index > last) tokens.push({ text: text.slice(last, index) });
    if (m[1] !== undefined) tokens.push({ text: m[1], mono: true });
    else if (m[2] !== undefined) tokens.push({ text: m[2], bold: true });
    else if (m[3] !== undefined) tokens.push({ text: m[3], italic: true });
    else if (m[4] !== undefined) tokens.push({ text: m[4], strike: true });
    else if (m[5] !== undefined) tokens.push({ text: m[5], link: m[5] });
    last = index + m[0].length;
  }
  if (last < text.length) tokens.push({ text: text.slice(last) });
  return tokens;
}
