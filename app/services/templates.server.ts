import type { MessageTemplate, Prisma } from "@prisma/client";
import { credentialsOf } from "~/adapters/db/accounts.server";
import {
  findShopAccount,
  findTemplate,
  listTemplates as listStoredTemplates,
  replaceTemplates,
} from "~/adapters/db/settings.server";
import { listTemplates as fetchTemplates } from "~/adapters/whatsapp/client.server";
import type { AdminMessageKey } from "~/i18n/admin";
import type { OutboundMessage, TemplateComponent } from "~/domain/types";
import { graphErrorView, type GraphErrorView } from "./settings.server";

/**
 * WhatsApp message templates: synced from Meta (GET /{waba-id}/message_templates) into MessageTemplate, and
 * offered in the inbox when the 24-hour window is closed. Only text parameters (header and body) are filled
 * in by the merchant; templates that need media or dynamic buttons are listed but cannot be sent from here.
 */

export type SyncResult =
  | { ok: true; count: number }
  | { ok: false; reason: "not_connected" }
  | { ok: false; reason: "graph"; error: GraphErrorView };

export async function syncTemplates(shop: string): Promise<SyncResult> {
  const account = await findShopAccount(shop);
  if (!account) return { ok: false, reason: "not_connected" };
  const result = await fetchTemplates({ ...credentialsOf(account), wabaId: account.wabaId });
  if (!result.ok) return { ok: false, reason: "graph", error: graphErrorView(result.error) };
  const seen = new Set<string>();
  const rows = result.templates
    .filter((t) => typeof t.name === "string" && typeof t.language === "string")
    .filter((t) => {
      const key = `${t.name}\u0000${t.language}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map((t) => ({
      name: t.name,
      language: t.language,
      status: String(t.status ?? "UNKNOWN"),
      category: t.category ?? null,
      components: (Array.isArray(t.components) ? t.components : []) as Prisma.InputJsonValue,
    }));
  const count = await replaceTemplates(shop, account.id, rows);
  return { ok: true, count };
}

// --- the picker ------------------------------------------------------------------------------------

interface GraphComponent {
  type?: string;
  format?: string;
  text?: string;
  buttons?: { type?: string; url?: string; text?: string }[];
}

export interface TemplateParam {
  component: "header" | "body";
  /** "1", "2"… for positional parameters, the name for named ones. */
  name: string;
  example?: string;
}

export interface TemplateOption {
  name: string;
  language: string;
  category: string | null;
  header: string | null;
  body: string;
  footer: string | null;
  params: TemplateParam[];
  /** Why it cannot be sent from the inbox (null = it can). */
  unsupported: AdminMessageKey | null;
}

const placeholders = (text: string | undefined) => [
  ...new Set([...(text ?? "").matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1])),
];

export function toTemplateOption(
  template: Pick<MessageTemplate, "name" | "language" | "category" | "components">,
): TemplateOption {
  const components = (Array.isArray(template.components) ? template.components : []) as GraphComponent[];
  const find = (type: string) => components.find((c) => c.type?.toUpperCase() === type);
  const header = find("HEADER");
  const body = find("BODY");
  const footer = find("FOOTER");
  const buttons = find("BUTTONS")?.buttons ?? [];
  let unsupported: AdminMessageKey | null = null;
  if (header && header.format && header.format.toUpperCase() !== "TEXT")
    unsupported = "inbox.templates.unsupportedMedia";
  else if (
    buttons.some(
      (b) =>
        (b.type?.toUpperCase() === "URL" && /\{\{/.test(b.url ?? "")) ||
        ["COPY_CODE", "FLOW", "OTP", "CATALOG", "MPM"].includes(b.type?.toUpperCase() ?? ""),
    )
  )
    unsupported = "inbox.templates.unsupportedButtons";
  const params: TemplateParam[] = [
    ...placeholders(header?.format?.toUpperCase() === "TEXT" ? header.text : undefined).map((name) => ({
      component: "header" as const,
      name,
    })),
    ...placeholders(body?.text).map((name) => ({ component: "body" as const, name })),
  ];
  return {
    name: template.name,
    language: template.language,
    category: template.category,
    header: header?.format?.toUpperCase() === "TEXT" ? (header.text ?? null) : (header?.format ?? null),
    body: body?.text ?? "",
    footer: footer?.text ?? null,
    params,
    unsupported,
  };
}

export async function templateOptions(shop: string, accountId: string | null): Promise<TemplateOption[]> {
  if (!accountId) return [];
  return (await listStoredTemplates(shop, accountId, { approvedOnly: true })).map(toTemplateOption);
}

export type TemplateMessageResult =
  | { ok: true; message: Extract<OutboundMessage, { kind: "template" }>; preview: string }
  | { ok: false; reason: "template_unknown" | "template_unsupported" | "template_params" };

/**
 * The template message for `values` (one per parameter, keyed "header:1", "body:1", "body:first_name"…),
 * from the stored, approved template. The preview (the body with the values filled in) is the message's
 * text in the inbox.
 */
export async function buildTemplateMessage(
  shop: string,
  accountId: string,
  ref: { name: string; language: string; values: Record<string, string> },
): Promise<TemplateMessageResult> {
  const stored = await findTemplate(shop, accountId, ref.name, ref.language);
  if (!stored || stored.status !== "APPROVED") return { ok: false, reason: "template_unknown" };
  const option = toTemplateOption(stored);
  if (option.unsupported) return { ok: false, reason: "template_unsupported" };
  const value = (p: TemplateParam) => (ref.values[`${p.component}:${p.name}`] ?? "").trim();
  if (option.params.some((p) => !value(p) || value(p).length > 1024))
    return { ok: false, reason: "template_params" };
  const components: TemplateComponent[] = (["header", "body"] as const).flatMap((type) => {
    const params = option.params.filter((p) => p.component === type);
    if (params.length === 0) return [];
    return [
      {
        type,
        parameters: params.map((p) => ({
          type: "text" as const,
          text: value(p),
          ...(/^\d+$/.test(p.name) ? {} : { parameterName: p.name }),
        })),
      },
    ];
  });
  const fill = (text: string) =>
    text.replace(
      /\{\{\s*([\w.]+)\s*\}\}/g,
      (_m, name: string) => ref.values[`body:${name}`]?.trim() || `{{${name}}}`,
    );
  return {
    ok: true,
    message: { kind: "template", name: stored.name, language: stored.language, components },
    preview: fill(option.body) || `[template ${stored.name}]`,
  };
}
