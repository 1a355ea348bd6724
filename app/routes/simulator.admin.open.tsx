import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { demoAdminLinks, requireSimulator, DEMO_ADMIN_COOKIE } from "~/services/simulator.server";

/**
 * Demo only: opens an embedded admin page outside Shopify with a fresh session token (`id_token`, valid one
 * minute, as Shopify's), the way the Shopify admin opens the app. `?path=/app/inbox`.
 */
export const loader = ({ request }: LoaderFunctionArgs) => {
  requireSimulator();
  const path = new URL(request.url).searchParams.get("path") ?? "/app";
  if (!/^\/app(\/[\w\-/]*)?$/.test(path)) throw new Response("path must be an /app page", { status: 400 });
  const [link] = demoAdminLinks([path]);
  throw redirect(link.href, {
    headers: { "Set-Cookie": `${DEMO_ADMIN_COOKIE}=1; Path=/; HttpOnly; SameSite=Lax` },
  });
};
