import { requestJson, type JsonResponse } from "~/adapters/http-json.server";
import { env } from "~/env.server";
import { classifyGraphError, type GraphErrorClass } from "./graph-errors";
import type { GraphMarkAsReadRequest, GraphMessageRequest } from "./to-graph-request";

/**
 * The WhatsApp Cloud API over HTTP. Every call takes the account's credentials; nothing is cached here
 * (media URLs expire in minutes). Base URL and version come from GRAPH_API_URL / GRAPH_API_VERSION.
 */
export interface GraphCredentials {
  phoneNumberId: string;
  wabaId?: string;
  accessToken: string;
}

export type SendResult = { ok: true; wamid: string } | { ok: false; error: GraphErrorClass };

const TIMEOUT_MS = 10_000;

function graphUrl(path: string): string {
  const { GRAPH_API_URL, GRAPH_API_VERSION } = env();
  return `${GRAPH_API_URL.replace(/\/$/, "")}/${GRAPH_API_VERSION}/${path.replace(/^\//, "")}`;
}

async function graphFetch(
  credentials: GraphCredentials,
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<{ ok: true; json: unknown } | { ok: false; error: GraphErrorClass }> {
  // node:http with keep-alive, not fetch: a send is the hot path's only outbound call (app/adapters/http-json.server.ts).
  let response: JsonResponse;
  try {
    response = await requestJson(graphUrl(path), {
      method: init.method ?? "GET",
      headers: { Authorization: `Bearer ${credentials.accessToken}` },
      body: init.body,
      timeoutMs: TIMEOUT_MS,
    });
  } catch {
    return { ok: false, error: classifyGraphError({ status: null }) };
  }
  if (response.status < 200 || response.status >= 300) {
    const retryAfter = response.headers["retry-after"];
    return {
      ok: false,
      error: classifyGraphError({
        status: response.status,
        body: response.json,
        retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : (retryAfter ?? null),
      }),
    };
  }
  return { ok: true, json: response.json };
}

/** POST /{phone-number-id}/messages */
export async function sendGraphMessage(
  credentials: GraphCredentials,
  body: GraphMessageRequest,
): Promise<SendResult> {
  const result = await graphFetch(credentials, `${credentials.phoneNumberId}/messages`, {
    method: "POST",
    body,
  });
  if (!result.ok) return result;
  const wamid = (result.json as { messages?: { id?: string }[] })?.messages?.[0]?.id;
  if (!wamid) {
    return { ok: false, error: { kind: "retry", title: "Graph API answered without a message id" } };
  }
  return { ok: true, wamid };
}

/** Marks an inbound message read (and shows the typing indicator). */
export async function markRead(
  credentials: GraphCredentials,
  body: GraphMarkAsReadRequest,
): Promise<boolean> {
  const result = await graphFetch(credentials, `${credentials.phoneNumberId}/messages`, {
    method: "POST",
    body,
  });
  return result.ok;
}

export interface PhoneNumberInfo {
  id: string;
  displayPhoneNumber?: string;
  verifiedName?: string;
  qualityRating?: string;
}

/** GET /{phone-number-id}: the admin's "Test connection". */
export async function getPhoneNumber(
  credentials: GraphCredentials,
): Promise<{ ok: true; info: PhoneNumberInfo } | { ok: false; error: GraphErrorClass }> {
  const result = await graphFetch(
    credentials,
    `${credentials.phoneNumberId}?fields=display_phone_number,verified_name,quality_rating`,
  );
  if (!result.ok) return result;
  const json = result.json as {
    id: string;
    display_phone_number?: string;
    verified_name?: string;
    quality_rating?: string;
  };
  return {
    ok: true,
    info: {
      id: json.id,
      displayPhoneNumber: json.display_phone_number,
      verifiedName: json.verified_name,
      qualityRating: json.quality_rating,
    },
  };
}

/** Media download: first the short-lived URL (never cached), then the bytes with the same token. */
export async function downloadMedia(
  credentials: GraphCredentials,
  mediaId: string,
): Promise<{ ok: true; bytes: ArrayBuffer; mimeType: string } | { ok: false; error: GraphErrorClass }> {
  const meta = await graphFetch(credentials, encodeURIComponent(mediaId));
  if (!meta.ok) return meta;
  const { url, mime_type } = meta.json as { url?: string; mime_type?: string };
  if (!url)
    return {
      ok: false,
      error: { kind: "permanent", code: 404, title: "media has no URL", scope: "message" } as GraphErrorClass,
    };
  try {
    const response = await fetch(url, {
      headers: { Authorization: `Bearer ${credentials.accessToken}` },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!response.ok) {
      return { ok: false, error: classifyGraphError({ status: response.status }) };
    }
    return {
      ok: true,
      bytes: await response.arrayBuffer(),
      mimeType: mime_type ?? response.headers.get("content-type") ?? "application/octet-stream",
    };
  } catch {
    return { ok: false, error: classifyGraphError({ status: null }) };
  }
}

export interface GraphTemplate {
  name: string;
  language: string;
  status: string;
  category?: string;
  components: unknown[];
}

/** GET /{waba-id}/message_templates, following the paging cursors. */
export async function listTemplates(
  credentials: GraphCredentials & { wabaId: string },
  maxPages = 20,
): Promise<{ ok: true; templates: GraphTemplate[] } | { ok: false; error: GraphErrorClass }> {
  const templates: GraphTemplate[] = [];
  let after: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const query = `fields=name,language,status,category,components&limit=100${after ? `&after=${encodeURIComponent(after)}` : ""}`;
    const result = await graphFetch(credentials, `${credentials.wabaId}/message_templates?${query}`);
    if (!result.ok) return result;
    const json = result.json as {
      data?: GraphTemplate[];
      paging?: { cursors?: { after?: string }; next?: string };
    };
    templates.push(...(json.data ?? []));
    after = json.paging?.next ? json.paging.cursors?.after : undefined;
    if (!after) break;
  }
  return { ok: true, templates };
}
