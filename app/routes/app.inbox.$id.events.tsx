import type { LoaderFunctionArgs } from "@remix-run/node";
import { conversationExists, conversationUpdates, SSE_HEADERS } from "~/services/inbox.admin.server";
import { authenticate } from "~/shopify.server";

/**
 * Server-sent events of the inbox (a resource route): `update` whenever a conversation of the shop changes.
 * `$id` is a conversation id (only its updates; 404 when it is not this shop's) or `all` (the whole shop).
 */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const id = params.id === "all" ? null : (params.id ?? "");
  if (id !== null && !(await conversationExists(session.shop, id))) {
    return new Response("Not found", { status: 404 });
  }
  return new Response(conversationUpdates(session.shop, id, { signal: request.signal }), {
    headers: SSE_HEADERS,
  });
};
