import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, InlineGrid } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useI18n } from "~/components/i18n";
import { Composer } from "~/components/inbox/Composer";
import { MessageList } from "~/components/inbox/MessageList";
import { CartCard, OrdersCard, ThreadHeader } from "~/components/inbox/ThreadPanels";
import { AdminErrorBoundary } from "~/components/states";
import { localeFromRequest } from "~/i18n/admin";
import {
  loadThread,
  recentOrders,
  refusalStatus,
  REFUSAL_MESSAGES,
  runThreadAction,
  searchParamsObject,
  ThreadActionSchema,
  ThreadSearchSchema,
} from "~/services/inbox.admin.server";
import { fieldErrors, formFields } from "~/services/settings.server";
import { authenticate } from "~/shopify.server";

/** One conversation: messages, the contact's cart and recent orders. Opening it marks it read. */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session, admin } = await authenticate.admin(request);
  const { limit } = ThreadSearchSchema.parse(searchParamsObject(new URL(request.url)));
  const thread = await loadThread(session.shop, params.id ?? "", { limit });
  if (!thread) throw new Response("Not found", { status: 404 });
  const orders = await recentOrders(session.shop, thread.contact.waId, admin.graphql);
  return json({ locale: localeFromRequest(request), thread, orders, limit });
};

/** The merchant's actions: take over, give back, reply, template, block/unblock, bot on/off, mark read. */
export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const fields = formFields(await request.formData());
  const parsed = ThreadActionSchema.safeParse(fields);
  if (!parsed.success) {
    const errors = fieldErrors(parsed.error);
    const message = Object.values(errors).find((m) => m.startsWith("inbox.")) ?? "errors.badRequest";
    return json(
      { ok: false, intent: fields.intent ?? null, reason: "invalid", message, errors },
      { status: 422 },
    );
  }
  const result = await runThreadAction(session.shop, params.id ?? "", parsed.data);
  if (!result.ok) {
    return json(
      {
        ok: false,
        intent: parsed.data.intent,
        reason: result.reason,
        message: REFUSAL_MESSAGES[result.reason],
      },
      { status: refusalStatus(result.reason) },
    );
  }
  return json({ ok: true, intent: parsed.data.intent, queued: result.queued ?? 0 });
};

export default function Thread() {
  const { thread, orders, limit } = useLoaderData<typeof loader>();
  const contactName = thread.contact.name || `+${thread.contact.waId}`;
  return (
    <InlineGrid columns={{ xs: 1, lg: "2fr 1fr" }} gap="400">
      <BlockStack gap="400">
        <ThreadHeader thread={thread} />
        <Card padding="0">
          <MessageList
            messages={thread.messages}
            contactName={contactName}
            moreMessages={thread.moreMessages}
            limit={limit}
          />
        </Card>
        <Composer thread={thread} />
      </BlockStack>
      <BlockStack gap="400">
        <CartCard thread={thread} />
        <OrdersCard orders={orders} />
      </BlockStack>
    </InlineGrid>
  );
}

export function ErrorBoundary() {
  return <ThreadError />;
}

function ThreadError() {
  const { t } = useI18n();
  return (
    <AdminErrorBoundary notFound={{ heading: t("inbox.notFound.title"), body: t("inbox.notFound.body") }} />
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
