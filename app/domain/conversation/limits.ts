/**
 * WhatsApp Cloud API limits for the interactive messages the engine builds, the builders that enforce them
 * (truncating text, capping rows and buttons, dropping ids that are too long), and a checker tests use on every
 * message the engine emits.
 */
import type { ListRow, OutboundMessage, ReplyButton } from "../types";

export const WA_LIMITS = {
  textBody: 4096,
  interactiveBody: 1024,
  caption: 1024,
  header: 60,
  footer: 60,
  buttons: 3,
  buttonTitle: 20,
  listButtonText: 20,
  listRows: 10,
  rowTitle: 24,
  rowDescription: 72,
  sectionTitle: 24,
  ctaDisplayText: 20,
  /** WhatsApp allows 256 for buttons and 200 for rows; we keep every id we create within 200. */
  id: 200,
} as const;

/**
 * Shortens `text` to at most `max` UTF-16 code units (the conservative reading of WhatsApp's character counts),
 * ending with "…" when cut, never splitting a surrogate pair.
 */
export function fit(text: string, max: number): string {
  const clean = text.trim();
  if (clean.length <= max) return clean;
  let out = "";
  for (const ch of clean) {
    if (out.length + ch.length > max - 1) break;
    out += ch;
  }
  return out.trimEnd() + "…";
}

/** Like `fit`, but cuts at a word boundary when one is reasonably close. */
export function fitWords(text: string, max: number): string {
  const clean = text.trim();
  if (clean.length <= max) return clean;
  const cut = fit(clean, max).slice(0, -1);
  const space = cut.lastIndexOf(" ");
  return (space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd() + "…";
}

function nonEmpty(text: string, fallback: string): string {
  return text.trim() === "" ? fallback : text;
}

function optional(text: string | undefined, max: number): string | undefined {
  if (text === undefined) return undefined;
  const f = fit(text, max);
  return f === "" ? undefined : f;
}

function uniqueById<T extends { id: string }>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    if (item.id === "" || item.id.length > WA_LIMITS.id || seen.has(item.id)) return false;
    seen.add(item.id);
    return true;
  });
}

export function textMessage(body: string): OutboundMessage {
  return { kind: "text", body: fit(nonEmpty(body, "…"), WA_LIMITS.textBody), previewUrl: false };
}

export interface ButtonsSpec {
  body: string;
  header?: string;
  footer?: string;
  buttons: ReplyButton[];
}

export function buttonsMessage(spec: ButtonsSpec): OutboundMessage & { kind: "buttons" } {
  const titles = new Set<string>();
  const buttons = uniqueById(spec.buttons)
    .map((b) => ({ id: b.id, title: fit(nonEmpty(b.title, "…"), WA_LIMITS.buttonTitle) }))
    // WhatsApp rejects two buttons with the same title.
    .filter((b) => (titles.has(b.title) ? false : (titles.add(b.title), true)))
    .slice(0, WA_LIMITS.buttons);
  return {
    kind: "buttons",
    body: fit(nonEmpty(spec.body, "…"), WA_LIMITS.interactiveBody),
    ...(optional(spec.header, WA_LIMITS.header) ? { header: optional(spec.header, WA_LIMITS.header) } : {}),
    ...(optional(spec.footer, WA_LIMITS.footer) ? { footer: optional(spec.footer, WA_LIMITS.footer) } : {}),
    buttons,
  };
}

export interface ListSpec {
  body: string;
  header?: string;
  footer?: string;
  buttonText: string;
  rows: ListRow[];
}

export function listMessage(spec: ListSpec): OutboundMessage & { kind: "list" } {
  const rows = uniqueById(spec.rows)
    .slice(0, WA_LIMITS.listRows)
    .map((r) => {
      const description =
        r.description === undefined ? undefined : optional(r.description, WA_LIMITS.rowDescription);
      return {
        id: r.id,
        title: fit(nonEmpty(r.title, "…"), WA_LIMITS.rowTitle),
        ...(description ? { description } : {}),
      };
    });
  return {
    kind: "list",
    body: fit(nonEmpty(spec.body, "…"), WA_LIMITS.interactiveBody),
    ...(optional(spec.header, WA_LIMITS.header) ? { header: optional(spec.header, WA_LIMITS.header) } : {}),
    ...(optional(spec.footer, WA_LIMITS.footer) ? { footer: optional(spec.footer, WA_LIMITS.footer) } : {}),
    buttonText: fit(nonEmpty(spec.buttonText, "…"), WA_LIMITS.listButtonText),
    sections: [{ rows }],
  };
}

export function imageMessage(link: string, caption: string): OutboundMessage {
  const c = fit(caption, WA_LIMITS.caption);
  return { kind: "image", link, ...(c ? { caption: c } : {}) };
}

export function ctaUrlMessage(spec: {
  body: string;
  header?: string;
  footer?: string;
  displayText: string;
  url: string;
}): OutboundMessage {
  return {
    kind: "cta_url",
    body: fit(nonEmpty(spec.body, "…"), WA_LIMITS.interactiveBody),
    ...(optional(spec.header, WA_LIMITS.header) ? { header: optional(spec.header, WA_LIMITS.header) } : {}),
    ...(optional(spec.footer, WA_LIMITS.footer) ? { footer: optional(spec.footer, WA_LIMITS.footer) } : {}),
    displayText: fit(nonEmpty(spec.displayText, "…"), WA_LIMITS.ctaDisplayText),
    url: spec.url,
  };
}

/** Every WhatsApp limit `message` breaks, as human-readable strings; empty when the message is valid. */
export function checkOutboundMessage(message: OutboundMessage): string[] {
  const errors: string[] = [];
  const max = (what: string, value: string | undefined, limit: number) => {
    if (value !== undefined && value.length > limit)
      errors.push(`${what} is ${value.length} chars (max ${limit})`);
  };
  const required = (what: string, value: string | undefined) => {
    if (value === undefined || value.trim() === "") errors.push(`${what} is empty`);
  };
  const ids = (what: string, values: string[]) => {
    if (new Set(values).size !== values.length) errors.push(`${what} ids are not unique`);
    for (const id of values) {
      required(`${what} id`, id);
      max(`${what} id`, id, WA_LIMITS.id);
    }
  };
  switch (message.kind) {
    case "text":
      required("text body", message.body);
      max("text body", message.body, WA_LIMITS.textBody);
      break;
    case "image":
      if (!message.link && !message.mediaId) errors.push("image has neither link nor mediaId");
      max("caption", message.caption, WA_LIMITS.caption);
      break;
    case "buttons": {
      required("body", message.body);
      max("body", message.body, WA_LIMITS.interactiveBody);
      max("header", message.header, WA_LIMITS.header);
      max("footer", message.footer, WA_LIMITS.footer);
      if (message.buttons.length < 1 || message.buttons.length > WA_LIMITS.buttons)
        errors.push(`${message.buttons.length} buttons (1–${WA_LIMITS.buttons} allowed)`);
      for (const b of message.buttons) {
        required("button title", b.title);
        max(`button title "${b.title}"`, b.title, WA_LIMITS.buttonTitle);
      }
      if (new Set(message.buttons.map((b) => b.title)).size !== message.buttons.length)
        errors.push("button titles are not unique");
      ids(
        "button",
        message.buttons.map((b) => b.id),
      );
      break;
    }
    case "list": {
      required("body", message.body);
      max("body", message.body, WA_LIMITS.interactiveBody);
      max("header", message.header, WA_LIMITS.header);
      max("footer", message.footer, WA_LIMITS.footer);
      required("list button text", message.buttonText);
      max("list button text", message.buttonText, WA_LIMITS.listButtonText);
      const rows = message.sections.flatMap((s) => s.rows);
      if (rows.length < 1 || rows.length > WA_LIMITS.listRows)
        errors.push(`${rows.length} rows (1–${WA_LIMITS.listRows} allowed)`);
      if (message.sections.length > 1)
        for (const s of message.sections) required("section title (several sections)", s.title);
      for (const s of message.sections) max("section title", s.title, WA_LIMITS.sectionTitle);
      for (const r of rows) {
        required("row title", r.title);
        max(`row title "${r.title}"`, r.title, WA_LIMITS.rowTitle);
        max(`row description "${r.description}"`, r.description, WA_LIMITS.rowDescription);
      }
      ids(
        "row",
        rows.map((r) => r.id),
      );
      break;
    }
    case "cta_url":
      required("body", message.body);
      max("body", message.body, WA_LIMITS.interactiveBody);
      max("header", message.header, WA_LIMITS.header);
      max("footer", message.footer, WA_LIMITS.footer);
      required("display text", message.displayText);
      max("display text", message.displayText, WA_LIMITS.ctaDisplayText);
      if (!/^https?:\/\//i.test(message.url)) errors.push(`url "${message.url}" is not http(s)`);
      break;
    default:
      break;
  }
  return errors;
}
