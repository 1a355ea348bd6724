import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, InlineGrid, Layout, Page, Text } from "@shopify/polaris";
import { shopCounts } from "~/adapters/db/stats.server";
import { authenticate } from "~/shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const since = new Date(Date.now() - 30 * 24 * 3600 * 1000);
  return { counts: await shopCounts(session.shop, since) };
};

const LABELS: Record<string, string> = {
  conversations: "Conversations",
  messagesIn: "Messages received",
  messagesOut: "Messages sent",
  checkouts: "Checkouts created",
  orders: "Orders attributed",
  needsAttention: "Needs attention",
};

export default function Overview() {
  const { counts } = useLoaderData<typeof loader>();
  return (
    <Page title="Overview" subtitle="Last 30 days">
      <Layout>
        <Layout.Section>
          <InlineGrid columns={{ xs: 2, md: 3 }} gap="400">
            {Object.entries(counts).map(([key, value]) => (
              <Card key={key}>
                <BlockStack gap="200">
                  <Text as="h3" variant="headingSm" tone="subdued">
                    {LABELS[key] ?? key}
                  </Text>
                  <Text as="p" variant="heading2xl">
                    {value}
                  </Text>
                </BlockStack>
              </Card>
            ))}
          </InlineGrid>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
