/**
 * Builds the JSON body of `POST /{phone-number-id}/messages` (WhatsApp Cloud API) from a domain
 * `OutboundMessage`. Pure.
 *
 * WhatsApp's limits are enforced here, where the message is built (see `limits.ts`): text that is too long
 * is truncated with "…"; anything that cannot be shortened without changing the meaning (too many buttons or
 * rows, ids too long or repeated, missing required text) throws a `WhatsAppLimitError`.
 */
import type {
  ListSection,
  OutboundMessage,
  ReplyButton,
  TemplateComponent,
  TemplateParameter,
} from "~/domain/types";
import { LIMITS, WhatsAppLimitError, charLength, truncate } from "./limits";

export { LIMITS, WhatsAppLimitError, chunkText, splitList, truncate } from "./limits";

// ---------------------------------------------------------------------------------------------
// Graph API request shapes
// ---------------------------------------------------------------------------------------------

export interface GraphTextHeader {
  type: "text";
  text: string;
}
interface GraphBodyText {
  text: string;
}

export type GraphInteractive =
  | {
      type: "button";
      header?: GraphTextHeader;
      body: GraphBodyText;
      footer?: GraphBodyText;
      action: { buttons: { type: "reply"; reply: { id: string; title: string } }[] };
    }
  | {
      type: "list";
      header?: GraphTextHeader;
      body: GraphBodyText;
      footer?: GraphBodyText;
      action: {
        button: string;
        sections: { title?: string; rows: { id: string; title: string; description?: string }[] }[];
      };
    }
  | {
      type: "cta_url";
      header?: GraphTextHeader;
      body: GraphBodyText;
      footer?: GraphBodyText;
      action: { name: "cta_url"; parameters: { display_text: string; url: string } };
    }
  | {
      type: "product";
      body?: GraphBodyText;
      footer?: GraphBodyText;
      action: { catalog_id: string; product_retailer_id: string };
    }
  | {
      type: "product_list";
      header: GraphTextHeader;
      body: GraphBodyText;
      footer?: GraphBodyText;
      action: {
        catalog_id: string;
        sections: { title: string; product_items: { product_retailer_id: string }[] }[];
      };
    };

export type GraphTemplateParameter =
  | { type: "text"; text: string; parameter_name?: string }
  | { type: "currency"; currency: { fallback_value: string; code: string; amount_1000: number } }
  | { type: "date_time"; date_time: { fallback_value: string } }
  | { type: "image"; image: { link: string } }
  | { type: "payload"; payload: string };

export interface GraphTemplateComponent {
  type: "header" | "body" | "button";
  sub_type?: "quick_reply" | "url";
  index?: string;
  parameters: GraphTemplateParameter[];
}

export interface GraphTemplate {
  name: string;
  language: { code: string };
  components?: GraphTemplateComponent[];
}

interface GraphEnvelope {
  messaging_product: "whatsapp";
  recipient_type: "individual";
  to: string;
  /** Quote a message (shown as a reply in the chat). */
  context?: { message_id: string };
  /** Echoed back in the status webhooks of this message. */
  biz_opaque_callback_data?: string;
}

export type GraphMessageRequest = GraphEnvelope &
  (
    | { type: "text"; text: { body: string; preview_url: boolean } }
    | { type: "image"; image: { id: string; caption?: string } | { link: string; caption?: string } }
    | { type: "interactive"; interactive: GraphInteractive }
    | { type: "template"; template: GraphTemplate }
  );

export interface GraphMarkAsReadRequest {
  messaging_product: "whatsapp";
  status: "read";
  message_id: string;
  typing_indicator?: { type: "text" };
}

export interface BuildOptions {
  /** wamid of an inbound message to quote. */
  replyToWamid?: string;
  /** Our own correlation id, returned in status webhooks (≤ 512 characters). */
  bizOpaqueCallbackData?: string;
}

// ---------------------------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------------------------

/** The request body that sends `message` to `to` (the shopper's wa_id). */
export function toGraphRequest(
  message: OutboundMessage,
  to: string,
  options: BuildOptions = {},
): GraphMessageRequest {
  const envelope: GraphEnvelope = {
    messaging_product: "whatsapp",
    recipient_type: "individual",
    to: required("to", to),
  };
  if (options.replyToWamid !== undefined) {
    envelope.context = { message_id: required("replyToWamid", options.replyToWamid) };
  }
  if (options.bizOpaqueCallbackData !== undefined) {
    envelope.biz_opaque_callback_data = notTooLong(
      "bizOpaqueCallbackData",
      options.bizOpaqueCallbackData,
      LIMITS.bizOpaqueCallbackData,
    );
  }

  switch (message.kind) {
    case "text":
      return {
        ...envelope,
        type: "text",
        text: {
          body: truncate(required("body", message.body), LIMITS.textBody),
          preview_url: message.previewUrl ?? false,
        },
      };

    case "image": {
      const caption = optionalText(message.caption, LIMITS.caption);
      const withCaption = caption !== undefined ? { caption } : {};
      // An uploaded media id wins over a link: it is already on Meta's servers.
      if (message.mediaId !== undefined && message.mediaId.trim() !== "") {
        return { ...envelope, type: "image", image: { id: message.mediaId, ...withCaption } };
      }
      if (message.link !== undefined && message.link.trim() !== "") {
        return { ...envelope, type: "image", image: { link: httpUrl("link", message.link), ...withCaption } };
      }
      throw new WhatsAppLimitError("image", "empty", "needs a link or a mediaId");
    }

    case "buttons":
      return {
        ...envelope,
        type: "interactive",
        interactive: {
          type: "button",
          ...headerAndBody(message),
          action: { buttons: replyButtons(message.buttons) },
        },
      };

    case "list":
      return {
        ...envelope,
        type: "interactive",
        interactive: {
          type: "list",
          ...headerAndBody(message),
          action: {
            button: truncate(required("buttonText", message.buttonText), LIMITS.listButtonText),
            sections: listSections(message.sections),
          },
        },
      };

    case "cta_url":
      return {
        ...envelope,
        type: "interactive",
        interactive: {
          type: "cta_url",
          ...headerAndBody(message),
          action: {
            name: "cta_url",
            parameters: {
              display_text: truncate(required("displayText", message.displayText), LIMITS.ctaDisplayText),
              url: httpUrl("url", message.url),
            },
          },
        },
      };

    case "template":
      return { ...envelope, type: "template", template: template(message) };

    case "product": {
      const body = optionalText(message.body, LIMITS.interactiveBody);
      const footer = optionalText(message.footer, LIMITS.footer);
      return {
        ...envelope,
        type: "interactive",
        interactive: {
          type: "product",
          ...(body !== undefined ? { body: { text: body } } : {}),
          ...(footer !== undefined ? { footer: { text: footer } } : {}),
          action: {
            catalog_id: required("catalogId", message.catalogId),
            product_retailer_id: required("productRetailerId", message.productRetailerId),
          },
        },
      };
    }

    case "product_list": {
      const footer = optionalText(message.footer, LIMITS.footer);
      return {
        ...envelope,
        type: "interactive",
        interactive: {
          type: "product_list",
          header: { type: "text", text: truncate(required("header", message.header), LIMITS.header) },
          body: { text: truncate(required("body", message.body), LIMITS.interactiveBody) },
          ...(footer !== undefined ? { footer: { text: footer } } : {}),
          action: {
            catalog_id: required("catalogId", message.catalogId),
            sections: productSections(message.sections),
          },
        },
      };
    }

    default: {
      const unknown: never = message;
      throw new WhatsAppLimitError("kind", "invalid", `unknown message kind ${JSON.stringify(unknown)}`);
    }
  }
}

/** Marks an inbound message as read (blue ticks), optionally showing "typing…" to the shopper. */
export function markAsReadRequest(wamid: string, options: { typing?: boolean } = {}): GraphMarkAsReadRequest {
  return {
    messaging_product: "whatsapp",
    status: "read",
    message_id: required("wamid", wamid),
    ...(options.typing ? { typing_indicator: { type: "text" as const } } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Parts
// ---------------------------------------------------------------------------------------------

function headerAndBody(message: { body: string; header?: string; footer?: string }): {
  header?: GraphTextHeader;
  body: GraphBodyText;
  footer?: GraphBodyText;
} {
  const header = optionalText(message.header, LIMITS.header);
  const footer = optionalText(message.footer, LIMITS.footer);
  return {
    ...(header !== undefined ? { header: { type: "text", text: header } } : {}),
    body: { text: truncate(required("body", message.body), LIMITS.interactiveBody) },
    ...(footer !== undefined ? { footer: { text: footer } } : {}),
  };
}

function replyButtons(buttons: readonly ReplyButton[]) {
  if (buttons.length === 0)
    throw new WhatsAppLimitError("buttons", "too_few", "at least 1 button is needed", 1, 0);
  if (buttons.length > LIMITS.replyButtons) {
    throw new WhatsAppLimitError(
      "buttons",
      "too_many",
      `at most ${LIMITS.replyButtons} reply buttons (got ${buttons.length}); use a list message instead`,
      LIMITS.replyButtons,
      buttons.length,
    );
  }
  const ids = new Set<string>();
  const titles = new Set<string>();
  return buttons.map((button, i) => {
    const id = replyId(`buttons[${i}].id`, button.id, LIMITS.buttonId);
    unique(ids, id, `buttons[${i}].id`);
    // Meta requires distinct titles; two long titles can also collide once truncated.
    const title = truncate(required(`buttons[${i}].title`, button.title), LIMITS.buttonTitle);
    unique(titles, title, `buttons[${i}].title`);
    return { type: "reply" as const, reply: { id, title } };
  });
}

function listSections(sections: readonly ListSection[]) {
  if (sections.length === 0)
    throw new WhatsAppLimitError("sections", "too_few", "at least 1 section is needed", 1, 0);
  if (sections.length > LIMITS.listSections) {
    throw new WhatsAppLimitError(
      "sections",
      "too_many",
      `at most ${LIMITS.listSections} sections (got ${sections.length})`,
      LIMITS.listSections,
      sections.length,
    );
  }
  const total = sections.reduce((n, s) => n + s.rows.length, 0);
  if (total > LIMITS.listRows) {
    throw new WhatsAppLimitError(
      "sections",
      "too_many",
      `at most ${LIMITS.listRows} rows in all sections together (got ${total}); page them with splitList()`,
      LIMITS.listRows,
      total,
    );
  }
  const ids = new Set<string>();
  return sections.map((section, s) => {
    if (section.rows.length === 0) {
      throw new WhatsAppLimitError(`sections[${s}].rows`, "too_few", "a section needs at least 1 row", 1, 0);
    }
    const title = optionalText(section.title, LIMITS.listSectionTitle);
    if (title === undefined && sections.length > 1) {
      throw new WhatsAppLimitError(
        `sections[${s}].title`,
        "empty",
        "required when a list has several sections",
      );
    }
    return {
      ...(title !== undefined ? { title } : {}),
      rows: section.rows.map((row, r) => {
        const field = `sections[${s}].rows[${r}]`;
        const id = replyId(`${field}.id`, row.id, LIMITS.listRowId);
        unique(ids, id, `${field}.id`);
        const description = optionalText(row.description, LIMITS.listRowDescription);
        return {
          id,
          title: truncate(required(`${field}.title`, row.title), LIMITS.listRowTitle),
          ...(description !== undefined ? { description } : {}),
        };
      }),
    };
  });
}

function productSections(sections: readonly { title: string; productRetailerIds: string[] }[]) {
  if (sections.length === 0)
    throw new WhatsAppLimitError("sections", "too_few", "at least 1 section is needed", 1, 0);
  if (sections.length > LIMITS.productListSections) {
    throw new WhatsAppLimitError(
      "sections",
      "too_many",
      `at most ${LIMITS.productListSections} sections (got ${sections.length})`,
      LIMITS.productListSections,
      sections.length,
    );
  }
  const total = sections.reduce((n, s) => n + s.productRetailerIds.length, 0);
  if (total > LIMITS.productListItems) {
    throw new WhatsAppLimitError(
      "sections",
      "too_many",
      `at most ${LIMITS.productListItems} products in all sections together (got ${total})`,
      LIMITS.productListItems,
      total,
    );
  }
  return sections.map((section, s) => {
    if (section.productRetailerIds.length === 0) {
      throw new WhatsAppLimitError(
        `sections[${s}].productRetailerIds`,
        "too_few",
        "needs at least 1 product",
        1,
        0,
      );
    }
    return {
      title: truncate(required(`sections[${s}].title`, section.title), LIMITS.listSectionTitle),
      product_items: section.productRetailerIds.map((id, p) => ({
        product_retailer_id: required(`sections[${s}].productRetailerIds[${p}]`, id),
      })),
    };
  });
}

function template(message: Extract<OutboundMessage, { kind: "template" }>): GraphTemplate {
  const components = message.components.map((component, i) => templateComponent(component, i));
  return {
    name: required("name", message.name),
    language: { code: required("language", message.language) },
    ...(components.length > 0 ? { components } : {}),
  };
}

function templateComponent(component: TemplateComponent, i: number): GraphTemplateComponent {
  const out: GraphTemplateComponent = {
    type: component.type,
    parameters: component.parameters.map(templateParameter),
  };
  if (component.type === "button") {
    if (component.subType === undefined) {
      throw new WhatsAppLimitError(`components[${i}].subType`, "empty", "a button component needs a subType");
    }
    if (component.index === undefined || !Number.isInteger(component.index) || component.index < 0) {
      throw new WhatsAppLimitError(
        `components[${i}].index`,
        "invalid",
        "a button component needs an index ≥ 0",
      );
    }
    out.sub_type = component.subType;
    out.index = String(component.index);
  }
  return out;
}

function templateParameter(parameter: TemplateParameter): GraphTemplateParameter {
  switch (parameter.type) {
    case "text":
      return {
        type: "text",
        ...(parameter.parameterName !== undefined ? { parameter_name: parameter.parameterName } : {}),
        text: parameter.text,
      };
    case "currency":
      return {
        type: "currency",
        currency: {
          fallback_value: parameter.fallbackValue,
          code: parameter.code,
          amount_1000: parameter.amount1000,
        },
      };
    case "date_time":
      return { type: "date_time", date_time: { fallback_value: parameter.fallbackValue } };
    case "image":
      return { type: "image", image: { link: parameter.link } };
    case "payload":
      return { type: "payload", payload: parameter.payload };
  }
}

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

/** A value WhatsApp requires: blank is an error (it cannot be made up). */
function required(field: string, value: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new WhatsAppLimitError(field, "empty", "must not be empty");
  }
  return value;
}

/** Optional text, truncated; blank counts as absent. */
function optionalText(value: string | undefined, max: number): string | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  return truncate(value, max);
}

/** Ids and tokens cannot be truncated: cutting them would break the round trip. */
function notTooLong(field: string, value: string, max: number): string {
  const length = charLength(value);
  if (length > max) {
    throw new WhatsAppLimitError(field, "too_long", `at most ${max} characters (got ${length})`, max, length);
  }
  return value;
}

/**
 * The id of a button or row, returned as is in the reply webhook: it must not be blank, too long, or padded
 * with spaces (Meta rejects those, and trimming would break the round trip).
 */
function replyId(field: string, id: string, max: number): string {
  notTooLong(field, required(field, id), max);
  if (id.trim() !== id) throw new WhatsAppLimitError(field, "invalid", "must not start or end with spaces");
  return id;
}

function unique(seen: Set<string>, value: string, field: string): void {
  if (seen.has(value)) throw new WhatsAppLimitError(field, "duplicate", `duplicate ${JSON.stringify(value)}`);
  seen.add(value);
}

function httpUrl(field: string, value: string): string {
  let url: URL;
  try {
    url = new URL(required(field, value));
  } catch (error) {
    if (error instanceof WhatsAppLimitError) throw error;
    throw new WhatsAppLimitError(field, "invalid", `not a URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new WhatsAppLimitError(field, "invalid", `must be an http(s) URL (got ${url.protocol})`);
  }
  return value;
}
