import type { LoaderFunctionArgs } from "@remix-run/node";
import { loadMedia } from "~/services/media.server";
import { authenticate } from "~/shopify.server";

/** A message's media, downloaded from the Graph API when the inbox shows it (a resource route). */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const media = await loadMedia(session.shop, params.id ?? "");
  if (!media.ok) return new Response(null, { status: media.status });
  if ("redirect" in media) return new Response(null, { status: 302, headers: { Location: media.redirect } });
  return new Response(media.bytes, {
    headers: {
      "Content-Type": media.contentType,
      "Content-Disposition": media.disposition,
      "Content-Length": String(media.bytes.byteLength),
      "Cache-Control": "private, max-age=300",
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "default-src 'none'; sandbox",
    },
  });
};
