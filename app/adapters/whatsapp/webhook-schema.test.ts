import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadFixture, loadFixtures } from "./test-support";
import {
  flattenWebhook,
  isKnownMessage,
  parseWebhookBody,
  phoneNumberIdsOf,
  type WebhookBody,
  type WebhookItem,
} from "./webhook-schema";

const PHONE_NUMBER_ID = "106540352242922";

function parseOk(json: unknown): WebhookBody {
  const result = parseWebhookBody(json);
  if (!result.ok) throw new Error(`expected ok, got: ${result.error}`);
  return result.body;
}

function fixtureBody(name: string): WebhookBody {
  return parseOk(loadFixture(name).json);
}

/** A minimal valid body around one change value. */
function bodyWith(value: Record<string, unknown>, field = "messages") {
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: "WABA-1",
        changes: [
          {
            field,
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "15550783881", phone_number_id: PHONE_NUMBER_ID },
              ...value,
            },
          },
        ],
      },
    ],
  };
}

const textMessage = (overrides: Record<string, unknown> = {}) => ({
  from: "16505551234",
  id: "wamid.TEXT",
  timestamp: "1749416383",
  type: "text",
  text: { body: "hi" },
  ...overrides,
});

describe("parseWebhookBody on Meta's published examples", () => {
  const fixtures = loadFixtures();

  it("finds the fixtures", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(20);
  });

  it.each(fixtures.map((f) => [f.name, f.json] as const))("parses %s", (_name, json) => {
    const result = parseWebhookBody(json);
    expect(result.ok ? "ok" : result.error).toBe("ok");
  });

  it("keeps every fixture exactly as sent (nothing stripped, nothing added)", () => {
    for (const fixture of fixtures) {
      expect(fixtureBody(fixture.name), fixture.name).toEqual(fixture.json);
    }
  });
});

describe("flattenWebhook on the fixtures", () => {
  const expected: Record<string, Partial<Record<keyof WebhookItem | "type" | "status", unknown>>[]> = {
    "button-message.json": [{ kind: "message", type: "button" }],
    "contact-sharing-message.json": [{ kind: "message", type: "contacts" }],
    "group-create-message.json": [],
    "group-remove-participants.json": [],
    "group-settings-update.json": [],
    "image-message.json": [{ kind: "message", type: "image" }],
    "interactive-button-reply-message.json": [{ kind: "message", type: "interactive" }],
    "interactive-list-reply-message.json": [{ kind: "message", type: "interactive" }],
    "location-message.json": [{ kind: "message", type: "location" }],
    "order-message.json": [{ kind: "message", type: "order" }],
    "reaction-message.json": [{ kind: "message", type: "reaction" }],
    "status-delivered-with-username-and-parent-bsuid.json": [{ kind: "status", status: "delivered" }],
    "status-failed-131049.json": [{ kind: "status", status: "failed" }],
    "status-sent-marketing.json": [{ kind: "status", status: "sent" }],
    "status-v24-minimal-labelled-read-but-status-sent.json": [{ kind: "status", status: "sent" }],
    "system-message.json": [{ kind: "message", type: "system" }],
    "text-message-from-click-to-whatsapp-ad.json": [{ kind: "message", type: "text" }],
    "text-message-with-context-product-inquiry.json": [{ kind: "message", type: "text" }],
    "text-message.json": [{ kind: "message", type: "text" }],
    "unsupported-message.json": [{ kind: "message", type: "unsupported" }],
  };

  it("has an expectation for every fixture", () => {
    expect(loadFixtures().map((f) => f.name)).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))("%s", (name, items) => {
    const flat = flattenWebhook(fixtureBody(name));
    expect(flat).toHaveLength(items.length);
    flat.forEach((item, i) => {
      expect(item).toMatchObject(items[i]);
      expect(item.phoneNumberId).toBe(PHONE_NUMBER_ID);
    });
  });

  it("flattens a text message completely", () => {
    const body = fixtureBody("text-message.json");
    const [item] = flattenWebhook(body);
    expect(item).toEqual({
      kind: "message",
      wabaId: "419561257915477",
      phoneNumberId: PHONE_NUMBER_ID,
      displayPhoneNumber: "15550783881",
      waId: "16505551234",
      senderIdType: "wa_id",
      contactName: "Sheena Nelson",
      wamid: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
      timestamp: new Date(1749416383 * 1000),
      type: "text",
      raw: body.entry[0].changes[0].value.messages?.[0],
    });
  });

  it("flattens a message without a contact (system message) with no name", () => {
    const [item] = flattenWebhook(fixtureBody("system-message.json"));
    expect(item).toMatchObject({ kind: "message", waId: "16505551234", type: "system" });
    expect(item).not.toHaveProperty("contactName");
  });

  it("flattens a failed status with its errors", () => {
    const [item] = flattenWebhook(fixtureBody("status-failed-131049.json"));
    expect(item).toEqual({
      kind: "status",
      wabaId: "102290129340398",
      phoneNumberId: PHONE_NUMBER_ID,
      displayPhoneNumber: "15550783881",
      wamid: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0QUQ2MjA4NEYyRkExNjMyREUA",
      status: "failed",
      timestamp: new Date(1751142888 * 1000),
      recipientId: "16505551234",
      errors: [expect.objectContaining({ code: 131049, error_data: expect.any(Object) })],
      raw: expect.objectContaining({ id: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0QUQ2MjA4NEYyRkExNjMyREUA" }),
    });
  });

  it("keeps the 2026 business-scoped user id fields of a status", () => {
    const body = fixtureBody("status-delivered-with-username-and-parent-bsuid.json");
    const [item] = flattenWebhook(body);
    expect(item).toMatchObject({
      kind: "status",
      recipientId: "16505551234",
      recipientUserId: "US.13491208655302741918",
      raw: { recipient_parent_user_id: "US.ENT.11815799212886844830", pricing: { category: "marketing" } },
    });
    expect(body.entry[0].changes[0].value.contacts?.[0]).toMatchObject({
      user_id: "US.13491208655302741918",
      parent_user_id: "US.ENT.11815799212886844830",
      profile: { username: "@pablomorales" },
    });
  });

  it("narrows known message types for the converter", () => {
    const [item] = flattenWebhook(fixtureBody("order-message.json"));
    if (item.kind !== "message" || !isKnownMessage(item.raw) || item.raw.type !== "order") {
      throw new Error("expected an order message");
    }
    expect(item.raw.order.product_items).toHaveLength(2);
  });
});

describe("flattenWebhook on composed bodies", () => {
  it("keeps payload order across entries, changes, messages, statuses and errors", () => {
    const body = parseOk({
      object: "whatsapp_business_account",
      entry: [
        {
          id: "W1",
          changes: [
            {
              field: "messages",
              value: {
                metadata: { display_phone_number: "1", phone_number_id: "P1" },
                contacts: [
                  { profile: { name: "Amal" }, wa_id: "971500000001" },
                  { profile: { name: "Omar" }, wa_id: "971500000002" },
                ],
                messages: [
                  textMessage({ id: "m1", from: "971500000002" }),
                  textMessage({ id: "m2", from: "971500000001" }),
                ],
                statuses: [
                  { id: "s1", status: "read", timestamp: "1750000000", recipient_id: "971500000003" },
                ],
                errors: [
                  { code: 131000, title: "Something went wrong", error_data: { details: "try later" } },
                ],
              },
            },
          ],
        },
        {
          id: "W2",
          changes: [
            {
              field: "messages",
              value: {
                metadata: { display_phone_number: "2", phone_number_id: "P2" },
                statuses: [{ id: "s2", status: "delivered", timestamp: 1750000001, recipient_id: "1" }],
              },
            },
          ],
        },
      ],
    });
    const items = flattenWebhook(body);
    expect(items.map((i) => [i.kind, i.phoneNumberId, i.wabaId])).toEqual([
      ["message", "P1", "W1"],
      ["message", "P1", "W1"],
      ["status", "P1", "W1"],
      ["error", "P1", "W1"],
      ["status", "P2", "W2"],
    ]);
    expect(items[0]).toMatchObject({ wamid: "m1", contactName: "Omar" });
    expect(items[1]).toMatchObject({ wamid: "m2", contactName: "Amal" });
    expect(items[3]).toEqual({
      kind: "error",
      wabaId: "W1",
      phoneNumberId: "P1",
      displayPhoneNumber: "1",
      code: 131000,
      title: "Something went wrong",
      details: "try later",
      raw: { code: 131000, title: "Something went wrong", error_data: { details: "try later" } },
    });
    expect(items[4]).toMatchObject({ timestamp: new Date(1750000001000) });
    expect(phoneNumberIdsOf(body)).toEqual(["P1", "P2"]);
  });

  it("phoneNumberIdsOf lists each number once", () => {
    const one = bodyWith({ messages: [textMessage()] });
    const body = parseOk({ ...one, entry: [...one.entry, ...one.entry] });
    expect(phoneNumberIdsOf(body)).toEqual([PHONE_NUMBER_ID]);
  });

  it("answers a username user (no phone number) by their business-scoped user id", () => {
    const body = parseOk(
      bodyWith({
        contacts: [{ profile: { name: "Pablo", username: "@pablo" }, user_id: "US.1349" }],
        messages: [textMessage({ from: undefined, from_user_id: "US.1349" })],
      }),
    );
    const [item] = flattenWebhook(body);
    expect(item).toMatchObject({
      kind: "message",
      waId: "US.1349",
      senderIdType: "user_id",
      userId: "US.1349",
      username: "@pablo",
      contactName: "Pablo",
    });
  });

  it("reports both ids when Meta sends both", () => {
    const body = parseOk(
      bodyWith({
        contacts: [
          { profile: { name: "Krish" }, wa_id: "919810218674", user_id: "IN.1410", country_code: "IN" },
        ],
        messages: [textMessage({ from: "919810218674", from_user_id: "IN.1410", from_logical_id: "95000" })],
      }),
    );
    expect(flattenWebhook(body)[0]).toMatchObject({
      waId: "919810218674",
      senderIdType: "wa_id",
      userId: "IN.1410",
      contactName: "Krish",
      raw: { from_logical_id: "95000" },
    });
  });

  it("yields nothing for other webhook fields, which still parse", () => {
    const body = parseOk({
      object: "whatsapp_business_account",
      entry: [
        {
          id: "W1",
          time: 1750000000,
          changes: [
            {
              field: "message_template_status_update",
              value: { event: "APPROVED", message_template_id: 1234, message_template_name: "order_update" },
            },
            { field: "account_update", value: { event: "VERIFIED_ACCOUNT" } },
          ],
        },
      ],
    });
    expect(flattenWebhook(body)).toEqual([]);
    expect(phoneNumberIdsOf(body)).toEqual([]);
    expect(body.entry[0].changes[0].value).toMatchObject({ message_template_name: "order_update" });
  });
});

describe("forward compatibility", () => {
  it("keeps unknown fields at every level", () => {
    const json = {
      object: "whatsapp_business_account",
      future_top: 1,
      entry: [
        {
          id: "W1",
          time: 1750000000,
          changes: [
            {
              field: "messages",
              future_change: true,
              value: {
                messaging_product: "whatsapp",
                future_value: { a: 1 },
                metadata: { display_phone_number: "1", phone_number_id: "P1", future_metadata: "x" },
                contacts: [{ profile: { name: "A", future_profile: 2 }, wa_id: "1", identity_key_hash: "h" }],
                messages: [
                  textMessage({
                    future_message: [1, 2],
                    text: { body: "hi", future_text: "y" },
                    context: { from: "1", id: "wamid.CTX", future_context: 3 },
                  }),
                ],
                statuses: [
                  {
                    id: "s1",
                    status: "sent",
                    timestamp: "1",
                    recipient_id: "1",
                    future_status: "z",
                    pricing: { billable: false, category: "service", future_pricing: 4 },
                  },
                ],
              },
            },
          ],
        },
      ],
    };
    const body = parseOk(json);
    expect(body).toEqual(json);
    const [message, status] = flattenWebhook(body);
    expect(message.raw).toMatchObject({ future_message: [1, 2], text: { future_text: "y" } });
    expect(status.raw).toMatchObject({ future_status: "z", pricing: { future_pricing: 4 } });
  });

  it("parses message types it does not model, keeping their payload", () => {
    const body = parseOk(
      bodyWith({
        messages: [
          { from: "1", id: "wamid.W", timestamp: "1", type: "request_welcome" },
          {
            from: "1",
            id: "wamid.E",
            timestamp: "1",
            type: "edit",
            edit: { original_message_id: "wamid.X" },
          },
        ],
      }),
    );
    const items = flattenWebhook(body);
    expect(items.map((i) => i.kind === "message" && i.type)).toEqual(["request_welcome", "edit"]);
    const edit = items[1];
    if (edit.kind !== "message") throw new Error("expected a message");
    expect(isKnownMessage(edit.raw)).toBe(false);
    expect(edit.raw).toMatchObject({ edit: { original_message_id: "wamid.X" } });
  });

  it("parses interactive replies it does not model", () => {
    const body = parseOk(
      bodyWith({
        messages: [
          {
            from: "1",
            id: "wamid.I",
            timestamp: "1",
            type: "interactive",
            interactive: { type: "call_permission_reply", call_permission_reply: { response: "accept" } },
          },
        ],
      }),
    );
    expect(flattenWebhook(body)[0]).toMatchObject({ type: "interactive" });
  });

  it("parses every media type with its fields", () => {
    const media = (type: string, payload: Record<string, unknown>) => ({
      from: "1",
      id: `wamid.${type}`,
      timestamp: "1",
      type,
      [type]: { id: `media-${type}`, mime_type: "x/y", sha256: "abc=", ...payload },
    });
    const body = parseOk(
      bodyWith({
        messages: [
          media("image", { caption: "c" }),
          media("video", { caption: "v" }),
          media("audio", { voice: true }),
          media("document", { caption: "d", filename: "invoice.pdf" }),
          media("sticker", { animated: false }),
        ],
      }),
    );
    expect(flattenWebhook(body).map((i) => i.kind === "message" && i.type)).toEqual([
      "image",
      "video",
      "audio",
      "document",
      "sticker",
    ]);
  });

  it("parses unknown status values and nfm replies", () => {
    const body = parseOk(
      bodyWith({
        statuses: [{ id: "s", status: "played", timestamp: "1", recipient_id: "1" }],
        messages: [
          {
            from: "1",
            id: "wamid.F",
            timestamp: "1",
            type: "interactive",
            interactive: { type: "nfm_reply", nfm_reply: { response_json: "{}", name: "flow" } },
          },
        ],
      }),
    );
    expect(flattenWebhook(body).map((i) => i.kind)).toEqual(["message", "status"]);
    expect(flattenWebhook(body)[1]).toMatchObject({ status: "played" });
  });

  it("does not crash on group events", () => {
    for (const name of [
      "group-create-message.json",
      "group-remove-participants.json",
      "group-settings-update.json",
    ]) {
      const body = fixtureBody(name);
      expect(flattenWebhook(body)).toEqual([]);
      expect(phoneNumberIdsOf(body)).toEqual([PHONE_NUMBER_ID]);
    }
  });
});

describe("malformed bodies", () => {
  const cases: [string, unknown, RegExp][] = [
    ["null", null, /not a JSON object/],
    ["a string", "hello", /not a JSON object/],
    ["an array", [], /not a JSON object/],
    ["a number", 42, /not a JSON object/],
    ["undefined", undefined, /not a JSON object/],
    ["another object kind", { object: "page", entry: [] }, /not a WhatsApp Business Account webhook.*"page"/],
    ["no object field", { entry: [] }, /not a WhatsApp Business Account webhook/],
    ["no entry", { object: "whatsapp_business_account" }, /^entry:/],
    ["entry not an array", { object: "whatsapp_business_account", entry: {} }, /^entry:/],
    [
      "changes missing",
      { object: "whatsapp_business_account", entry: [{ id: "1" }] },
      /^entry\[0\]\.changes:/,
    ],
    [
      "field not a string",
      { object: "whatsapp_business_account", entry: [{ id: "1", changes: [{ field: 1, value: {} }] }] },
      /^entry\[0\]\.changes\[0\]\.field:/,
    ],
    [
      "messages without metadata",
      {
        object: "whatsapp_business_account",
        entry: [{ id: "1", changes: [{ field: "messages", value: { messages: [textMessage()] } }] }],
      },
      /value\.metadata: messages, statuses and errors need value\.metadata/,
    ],
    ["messages not an array", bodyWith({ messages: "x" }), /value\.messages:/],
    ["a message that is not an object", bodyWith({ messages: [5] }), /messages\[0\]:/],
    ["a message id that is a number", bodyWith({ messages: [textMessage({ id: 7 })] }), /messages\[0\]\.id:/],
    [
      "a timestamp that is not unix seconds",
      bodyWith({ messages: [textMessage({ timestamp: "yesterday" })] }),
      /messages\[0\]\.timestamp:/,
    ],
    ["a text message without a body", bodyWith({ messages: [textMessage({ text: {} })] }), /text\.body:/],
    [
      "an image without an id",
      bodyWith({
        messages: [{ from: "1", id: "w", timestamp: "1", type: "image", image: { mime_type: "x" } }],
      }),
      /image\.id:/,
    ],
    [
      "a button reply with a number id",
      bodyWith({
        messages: [
          {
            from: "1",
            id: "w",
            timestamp: "1",
            type: "interactive",
            interactive: { type: "button_reply", button_reply: { id: 3, title: "x" } },
          },
        ],
      }),
      /interactive\.button_reply\.id:/,
    ],
    [
      "an unknown type without an id",
      bodyWith({ messages: [{ from: "1", timestamp: "1", type: "brand_new" }] }),
      /messages\[0\]\.id:/,
    ],
    [
      "a message with no sender",
      bodyWith({ messages: [textMessage({ from: undefined })] }),
      /messages\[0\]\.from: message has neither/,
    ],
    [
      "a status without an id",
      bodyWith({ statuses: [{ status: "sent", timestamp: "1", recipient_id: "1" }] }),
      /statuses\[0\]\.id:/,
    ],
    [
      "metadata without phone_number_id",
      bodyWith({ metadata: { display_phone_number: "1" } }),
      /phone_number_id/,
    ],
  ];

  it.each(cases)("rejects %s", (_name, json, message) => {
    const result = parseWebhookBody(json);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });

  it("never throws, whatever the input", () => {
    fc.assert(
      fc.property(
        fc.anything({
          withObjectString: true,
          withNullPrototype: true,
          withBigInt: true,
          withDate: true,
          withMap: true,
          withSet: true,
          withTypedArray: true,
          withSparseArray: true,
        }),
        (value) => {
          const result = parseWebhookBody(value);
          return typeof result.ok === "boolean";
        },
      ),
    );
  });

  it("never throws on fixtures with a random part replaced", () => {
    const fixtures = loadFixtures().map((f) => f.json);
    fc.assert(
      fc.property(
        fc.constantFrom(...fixtures),
        fc.array(fc.string({ maxLength: 12 }), { maxLength: 8 }),
        fc.anything(),
        (fixture, path, replacement) => {
          const copy = structuredClone(fixture) as Record<string, unknown>;
          let node: unknown = copy;
          for (const key of path.slice(0, -1)) {
            if (typeof node !== "object" || node === null) break;
            const keys = Object.keys(node);
            if (keys.length === 0) break;
            node = (node as Record<string, unknown>)[keys[key.length % keys.length]];
          }
          if (typeof node === "object" && node !== null) {
            const keys = Object.keys(node);
            if (keys.length > 0)
              (node as Record<string, unknown>)[keys[path.length % keys.length]] = replacement;
          }
          const result = parseWebhookBody(copy);
          if (result.ok) flattenWebhook(result.body);
          return true;
        },
      ),
    );
  });

  it("names what it got instead of a WhatsApp webhook, briefly", () => {
    expect(parseWebhookBody({ object: 10n })).toEqual({
      ok: false,
      error: "not a WhatsApp Business Account webhook (object: bigint)",
    });
    const result = parseWebhookBody({ object: "x".repeat(10_000) });
    expect(result.ok === false && result.error.length).toBeLessThan(200);
  });

  it("survives throwing getters", () => {
    const throwing = {};
    Object.defineProperty(throwing, "object", {
      get() {
        throw new Error("bang");
      },
    });
    expect(parseWebhookBody(throwing)).toEqual({ ok: false, error: expect.stringMatching(/bang/) });
  });

  it("survives a throwing getter deeper in", () => {
    const json = { object: "whatsapp_business_account" };
    Object.defineProperty(json, "entry", {
      enumerable: true,
      get() {
        throw new Error("boom");
      },
    });
    expect(parseWebhookBody(json)).toEqual({ ok: false, error: expect.stringMatching(/boom/) });
  });
});
