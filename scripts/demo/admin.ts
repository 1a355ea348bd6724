/**
 * The merchant admin outside the Shopify admin, in the demo only. Inside Shopify, App Bridge (loaded from
 * Shopify's CDN) gives the embedded pages their session tokens; loaded in a top-level tab it sends the browser
 * to admin.shopify.com instead. So for admin documents the demo swaps the script for its stand-in
 * (/simulator/app-bridge.js) and, for the browser that opened the admin through /simulator/admin, adds a fresh
 * session token to the pages' own requests (see `demoAdminAuthorization`).
 */
export const APP_BRIDGE_CDN = "https://cdn.shopify.com/shopifycloud/app-bridge.js";
export const APP_BRIDGE_DEMO = "/simulator/app-bridge.js";

export function isAdminDocumentRequest(request: Request): boolean {
  if (request.method !== "GET") return false;
  const url = new URL(request.url);
  if (url.pathname !== "/app" && !url.pathname.startsWith("/app/")) return false;
  // Remix data requests carry `_data`; anything else may be a page (only HTML responses are changed).
  return !url.searchParams.has("_data");
}

/** The admin page's HTML with App Bridge replaced by the demo's stand-in. Other responses pass unchanged. */
export async function withDemoAppBridge(response: Response): Promise<Response> {
  if (!(response.headers.get("content-type") ?? "").includes("text/html")) return response;
  const html = await response.text();
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  const link = headers.get("link");
  if (link) headers.set("link", link.split(APP_BRIDGE_CDN).join(APP_BRIDGE_DEMO));
  return new Response(html.split(APP_BRIDGE_CDN).join(APP_BRIDGE_DEMO), {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}
