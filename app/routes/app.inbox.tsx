import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Outlet, useLoaderData, useLocation, useNavigation, useParams } from "@remix-run/react";
import { Badge, InlineStack, Layout, Page } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { Directional, useI18n } from "~/components/i18n";
import { ConversationList } from "~/components/inbox/ConversationList";
import { useLiveUpdates } from "~/components/inbox/useLiveUpdates";
import { AdminErrorBoundary, ThreadSkeleton } from "~/components/states";
import { localeFromRequest } from "~/i18n/admin";
import { InboxSearchSchema, listInbox, searchParamsObject } from "~/services/inbox.admin.server";
import { authenticate } from "~/shopify.server";

/** The inbox: the conversation list (filters, search, pages) beside the open thread (the child route). */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const search = InboxSearchSchema.parse(searchParamsObject(new URL(request.url)));
  return json({
    locale: localeFromRequest(request),
    ...(await listInbox(session.shop, search, { openId: params.id })),
  });
};

export default function Inbox() {
  const data = useLoaderData<typeof loader>();
  const { t, formatNumber } = useI18n();
  const params = useParams();
  const location = useLocation();
  const navigation = useNavigation();
  const live = useLiveUpdates("/app/inbox/all/events");
  const openingThread =
    navigation.state === "loading" &&
    navigation.location.pathname.startsWith("/app/inbox/") &&
    navigation.location.pathname !== location.pathname;

  return (
    <Directional>
      <Page
        fullWidth
        title={t("inbox.title")}
        titleMetadata={
          <InlineStack gap="100">
            {data.counts.unreadMessages > 0 && (
              <Badge tone="info">
                {t("inbox.unreadTotal", { count: formatNumber(data.counts.unreadMessages) })}
              </Badge>
            )}
            {live === "offline" && <Badge tone="warning">{t("inbox.offline")}</Badge>}
          </InlineStack>
        }
      >
        <Layout>
          <Layout.Section variant="oneThird">
            <ConversationList data={data} selectedId={params.id} />
          </Layout.Section>
          <Layout.Section>{openingThread ? <ThreadSkeleton /> : <Outlet />}</Layout.Section>
        </Layout>
      </Page>
    </Directional>
  );
}

export function ErrorBoundary() {
  return <AdminErrorBoundary />;
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
