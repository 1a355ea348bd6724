/**
 * Zod schemas for the WhatsApp Cloud API webhook body, plus helpers to route and flatten it.
 *
 * Pure: no I/O. The route reads and verifies the raw body, `JSON.parse`s it and hands it to
 * `parseWebhookBody`; the service then works on `flattenWebhook(body)`.
 *
 * Principles
 * - Every object is loose (`z.looseObject`): fields Meta adds tomorrow are kept, so what we store is what
 *   Meta sent.
 * - We require only what we cannot work without (a message id, its sender, a timestamp…). Everything else is
 *   optional, so a harmless change on Meta's side does not turn into a rejected webhook.
 * - Message types we know are validated against their payload; any other `type` (new ones appear every year)
 *   parses through a generic shape so it can be stored and answered as `unsupported`.
 * - Other webhook fields (template status, account updates, group events…) parse with their value kept as is.
 */
import { z } from "zod";

export const WHATSAPP_WEBHOOK_OBJECT = "whatsapp_business_account";

// ---------------------------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------------------------

/** Unix seconds. Meta sends them as strings ("1750091045"); numbers are accepted too. */
const UnixSecondsSchema = z.union([
  z.string().regex(/^\d{1,12}$/, "expected a unix timestamp in seconds"),
  z.number().int().nonnegative(),
]);
export type UnixSeconds = z.infer<typeof UnixSecondsSchema>;

/** A number that may also arrive as a numeric string (quantities, prices). */
const NumberLikeSchema = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/, "expected a number")]);

/** An error object as it appears in webhooks (value.errors, message.errors, status.errors). */
export const WebhookErrorSchema = z.looseObject({
  code: z.number(),
  title: z.string().optional(),
  message: z.string().optional(),
  error_data: z.looseObject({ details: z.string().optional() }).optional(),
  href: z.string().optional(),
});
export type WebhookError = z.infer<typeof WebhookErrorSchema>;

export const MetadataSchema = z.looseObject({
  display_phone_number: z.string(),
  phone_number_id: z.string().min(1),
});

/** `value.contacts[]`. `wa_id` can be absent for users who adopted a username (2026, business-scoped ids). */
export const ContactSchema = z.looseObject({
  profile: z.looseObject({ name: z.string().optional(), username: z.string().optional() }).optional(),
  wa_id: z.string().optional(),
  /** Business-scoped user id (BSUID), e.g. "US.13491208655302741918". */
  user_id: z.string().optional(),
  /** Parent BSUID shared across a managed business's portfolios, e.g. "US.ENT.11815799212886844830". */
  parent_user_id: z.string().optional(),
  country_code: z.string().optional(),
});
export type WebhookContact = z.infer<typeof ContactSchema>;

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

export const MessageContextSchema = z.looseObject({
  /** The business number the quoted message came from. */
  from: z.string().optional(),
  /** wamid of the message being replied to. Absent on plain forwards. */
  id: z.string().optional(),
  forwarded: z.boolean().optional(),
  frequently_forwarded: z.boolean().optional(),
  /** Set when the shopper asks about a product from a catalog message ("Message business"). */
  referred_product: z.looseObject({ catalog_id: z.string(), product_retailer_id: z.string() }).optional(),
});

/** Click-to-WhatsApp ad (or post) the conversation started from. */
export const ReferralSchema = z.looseObject({
  source_url: z.string().optional(),
  source_id: z.string().optional(),
  source_type: z.string().optional(),
  body: z.string().optional(),
  headline: z.string().optional(),
  media_type: z.string().optional(),
  image_url: z.string().optional(),
  video_url: z.string().optional(),
  thumbnail_url: z.string().optional(),
  ctwa_clid: z.string().optional(),
  welcome_message: z.looseObject({ text: z.string().optional() }).optional(),
});

/** Fields every inbound message has, whatever its type. */
const messageBaseShape = {
  /** Sender's phone number (wa_id). Omitted for username users whose number Meta does not share. */
  from: z.string().min(1).optional(),
  /** Sender's business-scoped user id (2026). */
  from_user_id: z.string().min(1).optional(),
  from_parent_user_id: z.string().optional(),
  id: z.string().min(1),
  timestamp: UnixSecondsSchema,
  context: MessageContextSchema.optional(),
  referral: ReferralSchema.optional(),
  errors: z.array(WebhookErrorSchema).optional(),
  /** Present on messages sent in a group (Groups API). */
  group_id: z.string().optional(),
};

export const MediaSchema = z.looseObject({
  id: z.string().min(1),
  mime_type: z.string().optional(),
  sha256: z.string().optional(),
  caption: z.string().optional(),
  filename: z.string().optional(),
  url: z.string().optional(),
  /** audio: true for voice notes. */
  voice: z.boolean().optional(),
  /** sticker: true for animated stickers. */
  animated: z.boolean().optional(),
});
export type WebhookMedia = z.infer<typeof MediaSchema>;

export const InteractiveButtonReplySchema = z.looseObject({ id: z.string(), title: z.string() });
export const InteractiveListReplySchema = z.looseObject({
  id: z.string(),
  title: z.string(),
  description: z.string().optional(),
});
/** WhatsApp Flows response. */
export const InteractiveNfmReplySchema = z.looseObject({
  response_json: z.string(),
  body: z.string().optional(),
  name: z.string().optional(),
});

const KNOWN_INTERACTIVE_TYPES = new Set(["button_reply", "list_reply", "nfm_reply"]);

const KnownInteractiveSchema = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("button_reply"), button_reply: InteractiveButtonReplySchema }),
  z.looseObject({ type: z.literal("list_reply"), list_reply: InteractiveListReplySchema }),
  z.looseObject({ type: z.literal("nfm_reply"), nfm_reply: InteractiveNfmReplySchema }),
]);

/** Interactive replies we do not know yet (call permission replies, payments…). */
const OtherInteractiveSchema = z.looseObject({
  type: z.string().refine((t) => !KNOWN_INTERACTIVE_TYPES.has(t), {
    message: "known interactive type with an invalid payload",
    params: { fallbackMismatch: true },
    // Abort so that a union reports the known branch's problem instead of settling for this one.
    abort: true,
  }),
});

export const InteractiveSchema = z.union([KnownInteractiveSchema, OtherInteractiveSchema]);
export type WebhookInteractive = z.infer<typeof InteractiveSchema>;
export type KnownWebhookInteractive = z.infer<typeof KnownInteractiveSchema>;

export const OrderItemSchema = z.looseObject({
  product_retailer_id: z.string().min(1),
  quantity: NumberLikeSchema,
  item_price: NumberLikeSchema.optional(),
  currency: z.string().optional(),
});

export const OrderSchema = z.looseObject({
  catalog_id: z.string().optional(),
  text: z.string().optional(),
  product_items: z.array(OrderItemSchema),
});

export const LocationSchema = z.looseObject({
  latitude: z.number(),
  longitude: z.number(),
  name: z.string().optional(),
  address: z.string().optional(),
  url: z.string().optional(),
});

/** A shared contact card. Only loosely typed: we never act on its content. */
export const SharedContactSchema = z.looseObject({
  name: z.looseObject({ formatted_name: z.string().optional() }).optional(),
  phones: z.array(z.looseObject({ phone: z.string().optional(), wa_id: z.string().optional() })).optional(),
});

export const ReactionSchema = z.looseObject({
  /** The message reacted to. */
  message_id: z.string().optional(),
  /** Absent (or empty) when the reaction is removed. */
  emoji: z.string().optional(),
});

export const TemplateButtonSchema = z.looseObject({
  payload: z.string().optional(),
  text: z.string(),
});

export const SystemSchema = z.looseObject({
  body: z.string().optional(),
  type: z.string().optional(),
  wa_id: z.string().optional(),
  customer: z.string().optional(),
});

export const TextMessageSchema = z.looseObject({
  ...messageBaseShape,
  type: z.literal("text"),
  text: z.looseObject({ body: z.string() }),
});
export const ImageMessageSchema = z.looseObject({
  ...messageBaseShape,
  type: z.literal("image"),
  image: MediaSchema,
});
export const VideoMessageSchema = z.looseObject({
  ...messageBaseShape,
  type: z.literal("video"),
  video: MediaSchema,
});
export const AudioMessageSchema = z.looseObject({
  ...messageBaseShape,
  type: z.literal("audio"),
  audio: MediaSchema,
});
export const DocumentMessageSchema = z.looseObject({
  ...messageBaseShape,
  type: z.literal("document"),
  document: MediaSchema,
});
export const StickerMessageSchema = z.looseObject({
  ...messageBaseShape,
  type: z.literal("sticker"),
  sticker: MediaSchema,
});
export const LocationMessageSchema = z.looseObject({
  ...messageBaseShape,
  type: z.literal("location"),
  location: LocationSchema,
});
export const ContactsMessageSchema = z.looseObject({
  ...messageBaseShape,
  type: z.literal("contacts"),
  contacts: z.array(SharedContactSchema),
});
export const ReactionMessageSchema = z.looseObject({
  ...messageBaseShape,
  type: z.literal("reaction"),
  reaction: ReactionSchema,
});
export const ButtonMessageSchema = z.looseObject({
  ...messageBaseShape,
  type: z.literal("button"),
  button: TemplateButtonSchema,
});
export const InteractiveMessageSchema = z.looseObject({
  ...messageBaseShape,
  type: z.literal("interactive"),
  interactive: InteractiveSchema,
});
export const OrderMessageSchema = z.looseObject({
  ...messageBaseShape,
  type: z.literal("order"),
  order: OrderSchema,
});
export const SystemMessageSchema = z.looseObject({
  ...messageBaseShape,
  type: z.literal("system"),
  system: SystemSchema,
});
export const UnsupportedMessageSchema = z.looseObject({
  ...messageBaseShape,
  type: z.literal("unsupported"),
});

const KnownMessageSchema = z.discriminatedUnion("type", [
  TextMessageSchema,
  ImageMessageSchema,
  VideoMessageSchema,
  AudioMessageSchema,
  DocumentMessageSchema,
  StickerMessageSchema,
  LocationMessageSchema,
  ContactsMessageSchema,
  ReactionMessageSchema,
  ButtonMessageSchema,
  InteractiveMessageSchema,
  OrderMessageSchema,
  SystemMessageSchema,
  UnsupportedMessageSchema,
]);

export const KNOWN_MESSAGE_TYPES: ReadonlySet<string> = new Set([
  "text",
  "image",
  "video",
  "audio",
  "document",
  "sticker",
  "location",
  "contacts",
  "reaction",
  "button",
  "interactive",
  "order",
  "system",
  "unsupported",
]);

/** Any message type we do not model (request_welcome, edit, revoke, whatever comes next). */
export const OtherMessageSchema = z.looseObject({
  ...messageBaseShape,
  type: z.string().refine((t) => !KNOWN_MESSAGE_TYPES.has(t), {
    message: "known message type with an invalid payload",
    params: { fallbackMismatch: true },
    // Abort so that a union reports the known branch's problem instead of settling for this one.
    abort: true,
  }),
});

export const WebhookMessageSchema = z
  .union([KnownMessageSchema, OtherMessageSchema])
  .refine((m) => m.from !== undefined || m.from_user_id !== undefined, {
    message: "message has neither `from` nor `from_user_id`",
    path: ["from"],
  });

export type WebhookMessage = z.infer<typeof WebhookMessageSchema>;
export type KnownWebhookMessage = z.infer<typeof KnownMessageSchema>;
export type OtherWebhookMessage = z.infer<typeof OtherMessageSchema>;

/** Narrows a parsed message to the types we model, so that `switch (m.type)` narrows the payload too. */
export function isKnownMessage(message: WebhookMessage): message is KnownWebhookMessage {
  return KNOWN_MESSAGE_TYPES.has(message.type);
}

/** Narrows a parsed interactive payload to the reply types we model. */
export function isKnownInteractive(interactive: WebhookInteractive): interactive is KnownWebhookInteractive {
  return KNOWN_INTERACTIVE_TYPES.has(interactive.type);
}

// ---------------------------------------------------------------------------------------------
// Statuses
// ---------------------------------------------------------------------------------------------

export type KnownStatus = "sent" | "delivered" | "read" | "failed" | "deleted";
/** A status string: one of the known ones, or anything Meta adds later (kept as is). */
export type StatusValue = KnownStatus | (string & {});

export const StatusSchema = z.looseObject({
  /** wamid of the message this status is about. */
  id: z.string().min(1),
  /** sent | delivered | read | failed | deleted, or a value Meta adds later (kept as is). */
  status: z.string().min(1),
  timestamp: UnixSecondsSchema,
  /** The shopper's wa_id (or a group id). May be omitted for username users (2026). */
  recipient_id: z.string().optional(),
  recipient_user_id: z.string().optional(),
  recipient_parent_user_id: z.string().optional(),
  recipient_type: z.string().optional(),
  biz_opaque_callback_data: z.string().optional(),
  conversation: z
    .looseObject({
      id: z.string().optional(),
      expiration_timestamp: UnixSecondsSchema.optional(),
      origin: z.looseObject({ type: z.string().optional() }).optional(),
    })
    .optional(),
  pricing: z
    .looseObject({
      billable: z.boolean().optional(),
      pricing_model: z.string().optional(),
      category: z.string().optional(),
      type: z.string().optional(),
    })
    .optional(),
  errors: z.array(WebhookErrorSchema).optional(),
});
export type WebhookStatus = z.infer<typeof StatusSchema>;

// ---------------------------------------------------------------------------------------------
// Changes, entries, body
// ---------------------------------------------------------------------------------------------

/** Group lifecycle / participants / settings events: kept, never acted on here. */
export const GroupEventSchema = z.looseObject({
  type: z.string().optional(),
  group_id: z.string().optional(),
});

export const ChangeValueSchema = z.looseObject({
  messaging_product: z.string().optional(),
  metadata: MetadataSchema.optional(),
  contacts: z.array(ContactSchema).optional(),
  messages: z.array(WebhookMessageSchema).optional(),
  statuses: z.array(StatusSchema).optional(),
  errors: z.array(WebhookErrorSchema).optional(),
  groups: z.array(GroupEventSchema).optional(),
});
export type WebhookChangeValue = z.infer<typeof ChangeValueSchema>;

export const ChangeSchema = z
  .looseObject({ field: z.string(), value: ChangeValueSchema })
  .refine(
    (c) =>
      c.value.metadata !== undefined ||
      (c.field !== "messages" &&
        c.value.messages === undefined &&
        c.value.statuses === undefined &&
        c.value.errors === undefined),
    {
      message: "messages, statuses and errors need value.metadata to be routed",
      path: ["value", "metadata"],
    },
  );
export type WebhookChange = z.infer<typeof ChangeSchema>;

export const EntrySchema = z.looseObject({
  /** WhatsApp Business Account id. */
  id: z.string(),
  changes: z.array(ChangeSchema),
});

export const WebhookBodySchema = z.looseObject({
  object: z.literal(WHATSAPP_WEBHOOK_OBJECT),
  entry: z.array(EntrySchema),
});
export type WebhookBody = z.infer<typeof WebhookBodySchema>;

export type ParseWebhookResult = { ok: true; body: WebhookBody } | { ok: false; error: string };

/**
 * Validates a JSON-parsed webhook body. Never throws.
 * `ok: false` when it is not a WhatsApp Business Account webhook or is structurally malformed.
 */
export function parseWebhookBody(json: unknown): ParseWebhookResult {
  try {
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      return { ok: false, error: `body is not a JSON object (got ${describeType(json)})` };
    }
    const object: unknown = (json as { object?: unknown }).object;
    if (object !== WHATSAPP_WEBHOOK_OBJECT) {
      const got = typeof object === "string" ? JSON.stringify(object.slice(0, 60)) : describeType(object);
      return { ok: false, error: `not a WhatsApp Business Account webhook (object: ${got})` };
    }
    const result = WebhookBodySchema.safeParse(json);
    if (result.success) return { ok: true, body: result.data };
    return { ok: false, error: formatIssues(result.error.issues) };
  } catch (error) {
    // safeParse does not throw on bad data; this guards against exotic inputs (throwing getters, proxies).
    return { ok: false, error: `unreadable body: ${error instanceof Error ? error.message : String(error)}` };
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers over a parsed body
// ---------------------------------------------------------------------------------------------

/** Distinct `metadata.phone_number_id` values, in order of appearance (one per business number addressed). */
export function phoneNumberIdsOf(body: WebhookBody): string[] {
  const ids = new Set<string>();
  for (const entry of body.entry) {
    for (const change of entry.changes) {
      const id = change.value.metadata?.phone_number_id;
      if (id !== undefined) ids.add(id);
    }
  }
  return [...ids];
}

interface ItemBase {
  /** WhatsApp Business Account id (`entry[].id`). */
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
}

export interface WebhookMessageItem extends ItemBase {
  kind: "message";
  /**
   * Who to answer: the sender's phone wa_id, or, when Meta withholds the number (username users, 2026), their
   * business-scoped user id. `senderIdType` says which.
   */
  waId: string;
  senderIdType: "wa_id" | "user_id";
  /** Business-scoped user id (BSUID), when Meta sends one. */
  userId?: string;
  parentUserId?: string;
  username?: string;
  contactName?: string;
  wamid: string;
  timestamp: Date;
  /** The message type as Meta sent it (may be one we do not model). */
  type: string;
  /** Set when the message was sent in a group. */
  groupId?: string;
  raw: WebhookMessage;
}

export interface WebhookStatusItem extends ItemBase {
  kind: "status";
  /** wamid of our outbound message. */
  wamid: string;
  status: StatusValue;
  timestamp: Date;
  /** The shopper's wa_id; Meta may omit it for username users (2026), see `recipientUserId`. */
  recipientId?: string;
  recipientUserId?: string;
  errors?: WebhookError[];
  bizOpaqueCallbackData?: string;
  raw: WebhookStatus;
}

/** A value-level error: Meta could not deliver an inbound event to us (e.g. 131000 or 130501). */
export interface WebhookErrorItem extends ItemBase {
  kind: "error";
  code: number;
  title?: string;
  message?: string;
  details?: string;
  raw: WebhookError;
}

export type WebhookItem = WebhookMessageItem | WebhookStatusItem | WebhookErrorItem;

/**
 * Flattens a parsed body into the things the service acts on, in payload order: inbound messages,
 * statuses of our outbound messages, and value-level errors. Changes without metadata (template, account,
 * group events…) yield nothing.
 */
export function flattenWebhook(body: WebhookBody): WebhookItem[] {
  const items: WebhookItem[] = [];
  for (const entry of body.entry) {
    for (const change of entry.changes) {
      const { value } = change;
      const metadata = value.metadata;
      if (!metadata) continue;
      const base: ItemBase = {
        wabaId: entry.id,
        phoneNumberId: metadata.phone_number_id,
        displayPhoneNumber: metadata.display_phone_number,
      };
      const contacts = value.contacts ?? [];

      for (const message of value.messages ?? []) {
        const contact = findContact(contacts, message);
        const waId = message.from ?? contact?.wa_id;
        const userId = message.from_user_id ?? contact?.user_id;
        // The schema guarantees `from` or `from_user_id`, so one of the two is set.
        const senderId = waId ?? userId ?? "";
        items.push(
          omitUndefined({
            ...base,
            kind: "message" as const,
            waId: senderId,
            senderIdType: waId !== undefined ? ("wa_id" as const) : ("user_id" as const),
            userId,
            parentUserId: message.from_parent_user_id ?? contact?.parent_user_id,
            username: contact?.profile?.username,
            contactName: contact?.profile?.name,
            wamid: message.id,
            timestamp: unixSecondsToDate(message.timestamp),
            type: message.type,
            groupId: message.group_id,
            raw: message,
          }),
        );
      }

      for (const status of value.statuses ?? []) {
        items.push(
          omitUndefined({
            ...base,
            kind: "status" as const,
            wamid: status.id,
            status: status.status,
            timestamp: unixSecondsToDate(status.timestamp),
            recipientId: status.recipient_id,
            recipientUserId: status.recipient_user_id,
            errors: status.errors,
            bizOpaqueCallbackData: status.biz_opaque_callback_data,
            raw: status,
          }),
        );
      }

      for (const error of value.errors ?? []) {
        items.push(
          omitUndefined({
            ...base,
            kind: "error" as const,
            code: error.code,
            title: error.title,
            message: error.message,
            details: error.error_data?.details,
            raw: error,
          }),
        );
      }
    }
  }
  return items;
}

export function unixSecondsToDate(value: UnixSeconds): Date {
  return new Date(Number(value) * 1000);
}

function findContact(contacts: WebhookContact[], message: WebhookMessage): WebhookContact | undefined {
  const byId = contacts.find(
    (c) =>
      (message.from !== undefined && c.wa_id === message.from) ||
      (message.from_user_id !== undefined && c.user_id === message.from_user_id),
  );
  if (byId) return byId;
  // Meta sends one contact per message webhook; when ids cannot be matched, a lone contact is the sender.
  return contacts.length === 1 && message.from === undefined ? contacts[0] : undefined;
}

/** Drops keys whose value is undefined, so items compare and serialise cleanly. */
function omitUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

// ---------------------------------------------------------------------------------------------
// Error formatting
// ---------------------------------------------------------------------------------------------

const MAX_REPORTED_ISSUES = 3;

/** A short, readable account of what is wrong, naming the path of each problem. */
function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  const lines = collectIssues(issues, []);
  const shown = lines.slice(0, MAX_REPORTED_ISSUES).join("; ");
  return lines.length > MAX_REPORTED_ISSUES
    ? `${shown}; and ${lines.length - MAX_REPORTED_ISSUES} more`
    : shown;
}

function collectIssues(issues: readonly z.core.$ZodIssue[], base: readonly PropertyKey[]): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    const path = [...base, ...issue.path];
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      lines.push(...collectIssues(mostRelevantBranch(issue.errors), path));
    } else {
      lines.push(`${formatPath(path)}: ${issue.message}`);
    }
  }
  return lines;
}

/**
 * When no branch of a union matched, report the branch that came closest: not the one that merely says
 * "wrong discriminator" or "this type is known, so I am not the fallback".
 */
function mostRelevantBranch(branches: readonly (readonly z.core.$ZodIssue[])[]): readonly z.core.$ZodIssue[] {
  const score = (branch: readonly z.core.$ZodIssue[]) =>
    branch.length +
    (branch.some(
      (i) =>
        (i.code === "invalid_union" && i.errors.length === 0) ||
        (i.code === "custom" && i.params?.["fallbackMismatch"] === true),
    )
      ? 1000
      : 0);
  let best = branches[0] ?? [];
  for (const branch of branches) if (score(branch) < score(best)) best = branch;
  return best;
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "body";
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}
