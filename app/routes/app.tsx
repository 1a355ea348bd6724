import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { AdminI18nProvider, useI18n } from "~/components/i18n";
import { localeFromRequest } from "~/i18n/admin";
import { polarisTranslations } from "~/i18n/admin/polaris";
import { env } from "~/env.server";
import { authenticate } from "~/shopify.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  return {
    apiKey: env().SHOPIFY_API_KEY,
    locale: localeFromRequest(request),
    // The demo (never production) serves a stand-in for App Bridge outside Shopify's iframe.
    appBridgeUrl: env().HALA_DEMO && env().NODE_ENV !== "production" ? "/simulator/app-bridge.js" : undefined,
  };
};

function Nav() {
  const { t } = useI18n();
  return (
    <NavMenu>
      <Link to="/app" rel="home">
        {t("nav.overview")}
      </Link>
      <Link to="/app/inbox">{t("nav.inbox")}</Link>
      <Link to="/app/feedback">{t("nav.feedback")}</Link>
      <Link to="/app/assistant">{t("nav.assistant")}</Link>
      <Link to="/app/test-bot">{t("nav.testBot")}</Link>
      <Link to="/app/settings">{t("nav.settings")}</Link>
    </NavMenu>
  );
}

export default function App() {
  const { apiKey, locale, appBridgeUrl } = useLoaderData<typeof loader>();
  return (
    <AppProvider
      isEmbeddedApp
      apiKey={apiKey}
      i18n={polarisTranslations(locale)}
      {...(appBridgeUrl ? { __APP_BRIDGE_URL: appBridgeUrl } : {})}
    >
      <AdminI18nProvider locale={locale}>
        <Nav />
        <Outlet />
      </AdminI18nProvider>
    </AppProvider>
  );
}

// Shopify needs Remix to catch some thrown responses, so that their headers are included in the response.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
