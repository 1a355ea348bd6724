import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import styles from "~/components/simulator/simulator.css?url";
import { requireSimulator, simulatorInfo } from "~/services/simulator.server";

export const meta: MetaFunction = () => [{ title: "Hala demo — merchant admin" }];
export const links = () => [{ rel: "stylesheet", href: styles }];

const PAGES = [
  { path: "/app", title: "Analytics" },
  { path: "/app/inbox", title: "Inbox" },
  { path: "/app/feedback", title: "Feedback" },
  { path: "/app/settings", title: "Settings" },
];

export const loader = async (_: LoaderFunctionArgs) => {
  requireSimulator();
  return simulatorInfo();
};

/** Demo only: how the merchant pages are opened outside the Shopify admin. */
export default function DemoAdmin() {
  const { shop, apiKey } = useLoaderData<typeof loader>();
  return (
    <main className="sim-doc">
      <h1>Merchant admin (demo)</h1>
      <p>
        In production Hala&apos;s admin pages run <em>inside</em> the Shopify admin: Shopify opens{" "}
        <code>/app</code> in an iframe with <code>?shop=…&amp;host=…&amp;embedded=1&amp;id_token=…</code>,
        where <code>id_token</code> is a session token (a one-minute JWT signed with the app&apos;s secret),
        and App Bridge adds a fresh token to every request the page makes.
      </p>
      <p>
        The demo has no Shopify admin, so it plays that part: each link below signs a fresh session token for{" "}
        <code>{shop}</code> with the demo&apos;s <code>SHOPIFY_API_SECRET</code> (claims as Shopify documents
        them: <code>iss</code> https://{shop}/admin, <code>dest</code> https://{shop}, <code>aud</code>{" "}
        {apiKey}, <code>sub</code>, <code>exp</code>, <code>nbf</code>, <code>iat</code>, <code>jti</code>,{" "}
        <code>sid</code>) and opens the page with it. Later requests from that browser get a fresh token from
        the demo server, as App Bridge would add one.
      </p>
      <ul className="sim-admin-links">
        {PAGES.map((p) => (
          <li key={p.path}>
            <a
              href={`/simulator/admin/open?path=${encodeURIComponent(p.path)}`}
              data-testid={`admin-link-${p.title.toLowerCase()}`}
            >
              {p.title}
            </a>{" "}
            <code>{p.path}</code>
          </li>
        ))}
      </ul>
      <p className="sim-note">
        What differs from the real admin: App Bridge comes from Shopify&apos;s CDN and, loaded outside a
        Shopify iframe, sends the browser to admin.shopify.com — so the demo serves the pages with a small
        stand-in (<code>/simulator/app-bridge.js</code>): the navigation menu becomes a bar at the top, toasts
        and the contextual save bar are shown, and the features that need the Shopify admin (title bar,
        modals, resource pickers) do nothing. The Shopify library refuses bot user agents (headless browsers
        get 410). Everything the server renders — data, forms, actions — is the real thing. This page, the
        tokens and the stand-in exist only in demo mode (<code>HALA_DEMO=true</code>), never in production.
      </p>
      <p>
        <a href="/simulator">← Back to the WhatsApp simulator</a>
      </p>
    </main>
  );
}
