import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";

// Shopify opens the app with ?shop=…; everything else is a plain landing page.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  if (url.searchParams.get("shop")) throw redirect(`/app?${url.searchParams.toString()}`);
  return null;
};

export default function Landing() {
  return (
    <main
      style={{
        fontFamily: "Inter, system-ui, sans-serif",
        maxWidth: 640,
        margin: "4rem auto",
        padding: "0 1rem",
      }}
    >
      <h1>Hala</h1>
      <p>
        A WhatsApp shopping assistant for your Shopify store: browse, cart and checkout in chat, in Arabic and
        English.
      </p>
      <p>Install Hala from your Shopify admin to get started.</p>
    </main>
  );
}
