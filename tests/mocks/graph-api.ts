import { http, HttpResponse, delay } from "msw";

/**
 * A stateful fake of the WhatsApp Cloud API (Graph API) for msw: it records every message request body,
 * answers with wamids, serves phone-number info, templates and media, and injects faults on demand.
 * Used by the integration tests and by `npm run demo`.
 */
export interface SentRequest {
  phoneNumberId: string;
  body: Record<string, unknown> & { to?: string; type?: string; status?: string };
  at: number;
}

export type GraphFault = "500" | "429" | "130429" | "131056" | "131026" | "131047" | "network" | "190";

export interface GraphFakeOptions {
  baseUrl?: string;
  phoneNumbers?: Record<
    string,
    { displayPhoneNumber: string; verifiedName: string; qualityRating?: string; accessToken?: string }
  >;
  templates?: { name: string; language: string; status: string; category?: string; components: unknown[] }[];
}

function faultResponse(fault: GraphFault) {
  switch (fault) {
    case "500":
      return HttpResponse.json(
        {
          error: {
            message: "An unknown error occurred",
            type: "OAuthException",
            code: 1,
            is_transient: true,
          },
        },
        { status: 500 },
      );
    case "429":
      return HttpResponse.json(
        { error: { message: "Too many calls", code: 4 } },
        { status: 429, headers: { "Retry-After": "1" } },
      );
    case "130429":
      return HttpResponse.json(
        { error: { message: "(#130429) Rate limit hit", code: 130429, type: "OAuthException" } },
        { status: 400 },
      );
    case "131056":
      return HttpResponse.json(
        {
          error: {
            message: "(#131056) (Business Account, Consumer Account) pair rate limit hit",
            code: 131056,
          },
        },
        { status: 400 },
      );
    case "131026":
      return HttpResponse.json(
        {
          error: {
            message: "Message undeliverable",
            code: 131026,
            error_data: { details: "Receiver is incapable of receiving this message" },
          },
        },
        { status: 400 },
      );
    case "131047":
      return HttpResponse.json(
        {
          error: {
            message: "Re-engagement message",
            code: 131047,
            error_data: { details: "More than 24 hours have passed since the recipient last replied" },
          },
        },
        { status: 400 },
      );
    case "190":
      return HttpResponse.json(
        { error: { message: "Error validating access token", type: "OAuthException", code: 190 } },
        { status: 401 },
      );
    case "network":
      return HttpResponse.error();
  }
}

export function createGraphApiFake(options: GraphFakeOptions = {}) {
  const base = (options.baseUrl ?? "https://graph.facebook.com").replace(/\/$/, "");
  const sent: SentRequest[] = [];
  const reads: SentRequest[] = [];
  const queuedFaults: GraphFault[] = [];
  let failureRate = 0;
  let failureKinds: GraphFault[] = ["500"];
  let latencyMs = 0;
  let random = Math.random;
  let counter = 0;
  let attempts = 0;
  const phoneNumbers = { ...(options.phoneNumbers ?? {}) };

  const handlers = [
    http.post(`${base}/:version/:phoneNumberId/messages`, async ({ request, params }) => {
      attempts++;
      const body = (await request.json()) as SentRequest["body"];
      if (latencyMs) await delay(latencyMs);
      if (!request.headers.get("authorization")?.startsWith("Bearer ")) return faultResponse("190");
      if (body.status === "read") {
        reads.push({ phoneNumberId: String(params.phoneNumberId), body, at: Date.now() });
        return HttpResponse.json({ success: true });
      }
      const fault =
        queuedFaults.shift() ??
        (failureRate > 0 && random() < failureRate
          ? failureKinds[Math.floor(random() * failureKinds.length)]
          : undefined);
      if (fault) return faultResponse(fault);
      sent.push({ phoneNumberId: String(params.phoneNumberId), body, at: Date.now() });
      counter++;
      return HttpResponse.json({
        messaging_product: "whatsapp",
        contacts: [{ input: body.to, wa_id: body.to }],
        messages: [{ id: `wamid.FAKE${String(counter).padStart(8, "0")}` }],
      });
    }),
    http.get(`${base}/:version/:wabaId/message_templates`, () =>
      HttpResponse.json({ data: options.templates ?? [], paging: { cursors: { before: "a", after: "b" } } }),
    ),
    http.get(
      `${base}/media-download/:mediaId`,
      ({ params }) =>
        new HttpResponse(`fake-bytes-of-${String(params.mediaId)}`, {
          headers: { "Content-Type": "image/jpeg" },
        }),
    ),
    http.get(`${base}/:version/:id`, ({ params, request }) => {
      const id = String(params.id);
      const phone = phoneNumbers[id];
      if (phone) {
        const expected = phone.accessToken;
        if (expected && request.headers.get("authorization") !== `Bearer ${expected}`)
          return faultResponse("190");
        return HttpResponse.json({
          id,
          display_phone_number: phone.displayPhoneNumber,
          verified_name: phone.verifiedName,
          quality_rating: phone.qualityRating ?? "GREEN",
        });
      }
      return HttpResponse.json({
        messaging_product: "whatsapp",
        url: `${base}/media-download/${encodeURIComponent(id)}`,
        mime_type: "image/jpeg",
        id,
      });
    }),
  ];

  return {
    handlers,
    sent,
    reads,
    /** The message bodies sent to one shopper, in order. */
    sentTo: (waId: string) => sent.filter((s) => s.body.to === waId).map((s) => s.body),
    /** The next sends fail with these faults, in order. */
    failNext: (...faults: GraphFault[]) => queuedFaults.push(...faults),
    /** A share of sends fail with one of `kinds` (seeded `random` for reproducible runs). */
    setFailureRate(rate: number, kinds: GraphFault[] = ["500"], seededRandom?: () => number) {
      failureRate = rate;
      failureKinds = kinds;
      if (seededRandom) random = seededRandom;
    },
    setLatency(ms: number) {
      latencyMs = ms;
    },
    addPhoneNumber(
      id: string,
      info: {
        displayPhoneNumber: string;
        verifiedName: string;
        qualityRating?: string;
        accessToken?: string;
      },
    ) {
      phoneNumbers[id] = info;
    },
    get attempts() {
      return attempts;
    },
    reset() {
      sent.length = 0;
      reads.length = 0;
      queuedFaults.length = 0;
      failureRate = 0;
      latencyMs = 0;
      attempts = 0;
    },
  };
}

export type GraphApiFake = ReturnType<typeof createGraphApiFake>;
