import type { HeadersFunction, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Layout, Page } from "@shopify/polaris";
import polarisVizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AnalyticsDashboard, AnalyticsSkeleton } from "~/components/analytics/AnalyticsDashboard";
import { useAnalyticsFormat } from "~/components/analytics/format";
import { RangePicker } from "~/components/analytics/RangePicker";
import { Directional } from "~/components/i18n";
import { AdminErrorBoundary } from "~/components/states";
import { localeFromRequest } from "~/i18n/admin";
import { analyticsPage } from "~/services/analytics.server";
import { authenticate } from "~/shopify.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisVizStyles }];

/**
 * Analytics: authenticate → the range from the query string (zod, in the service) → every series and
 * funnel aggregated in SQL → JSON. The shop's time zone comes from the Admin API (cached a day).
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session, admin } = await authenticate.admin(request);
  const query = Object.fromEntries(new URL(request.url).searchParams.entries());
  const page = await analyticsPage(session.shop, query, { graphql: admin.graphql });
  return json({ locale: localeFromRequest(request), ...page });
};

export default function Analytics() {
  const { report, rangeError } = useLoaderData<typeof loader>();
  const f = useAnalyticsFormat();
  const navigation = useNavigation();
  const location = useLocation();
  const loading = navigation.state === "loading" && navigation.location.pathname === location.pathname;

  return (
    <Directional>
      <Page title={f.t("title")} subtitle={f.t("subtitle")}>
        <Layout>
          <Layout.Section>
            <BlockStack gap="300">
              {rangeError ? (
                <Banner tone="warning" title={f.t("range.rejectedTitle")}>
                  <p>{f.t("range.rejectedBody")}</p>
                </Banner>
              ) : null}
              <RangePicker range={report.range} />
            </BlockStack>
          </Layout.Section>
          <div aria-busy={loading} style={{ display: "contents" }}>
            {loading ? <AnalyticsSkeleton /> : <AnalyticsDashboard report={report} />}
          </div>
        </Layout>
      </Page>
    </Directional>
  );
}

export function ErrorBoundary() {
  return <AdminErrorBoundary />;
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
