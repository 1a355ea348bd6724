import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Layout, Page } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { FeedbackList } from "~/components/feedback/FeedbackList";
import { Directional, useI18n } from "~/components/i18n";
import { AdminErrorBoundary } from "~/components/states";
import { localeFromRequest } from "~/i18n/admin";
import { FeedbackSearchSchema, listFeedbackPage, searchParamsObject } from "~/services/inbox.admin.server";
import { authenticate } from "~/shopify.server";

/** Feedback after delivery: ratings, comments, sentiment and outcome, filterable, linked to the inbox. */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const search = FeedbackSearchSchema.parse(searchParamsObject(new URL(request.url)));
  return json({ locale: localeFromRequest(request), ...(await listFeedbackPage(session.shop, search)) });
};

export default function Feedback() {
  const data = useLoaderData<typeof loader>();
  const { t } = useI18n();
  return (
    <Directional>
      <Page title={t("feedback.title")} subtitle={t("feedback.subtitle")}>
        <Layout>
          <Layout.Section>
            <FeedbackList data={data} />
          </Layout.Section>
        </Layout>
      </Page>
    </Directional>
  );
}

export function ErrorBoundary() {
  return <AdminErrorBoundary />;
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
