import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Box,
  Card,
  EmptyState,
  SkeletonBodyText,
  SkeletonDisplayText,
} from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useI18n } from "./i18n";

/** Placeholder rows while a list loads. */
export function ListSkeleton({ rows = 6 }: { rows?: number }) {
  return (
    <Box padding="400">
      <BlockStack gap="500">
        {Array.from({ length: rows }, (_, i) => (
          <BlockStack key={i} gap="200">
            <SkeletonDisplayText size="small" />
            <SkeletonBodyText lines={1} />
          </BlockStack>
        ))}
      </BlockStack>
    </Box>
  );
}

export function ThreadSkeleton() {
  return (
    <BlockStack gap="400">
      <Card>
        <BlockStack gap="300">
          <SkeletonDisplayText size="medium" />
          <SkeletonBodyText lines={1} />
        </BlockStack>
      </Card>
      <Card>
        <SkeletonBodyText lines={10} />
      </Card>
    </BlockStack>
  );
}

/**
 * The error boundary of an admin page: a not-found or a failure in words, while the responses the Shopify
 * library throws (re-authentication, bounce page) still go through its own boundary.
 */
export function AdminErrorBoundary({ notFound }: { notFound?: { heading: string; body: string } }) {
  const error = useRouteError();
  const { t } = useI18n();
  if (isRouteErrorResponse(error)) {
    if (error.status === 404) {
      return (
        <Card>
          <EmptyState heading={notFound?.heading ?? t("errors.notFoundTitle")} image="">
            <p>{notFound?.body ?? t("errors.notFoundBody")}</p>
          </EmptyState>
        </Card>
      );
    }
    if (error.status >= 500 || error.status === 400 || error.status === 422) return <ErrorBanner />;
    return boundary.error(error);
  }
  return <ErrorBanner />;
}

export function ErrorBanner({ message }: { message?: string }) {
  const { t } = useI18n();
  return (
    <Banner
      tone="critical"
      title={t("errors.loadFailedTitle")}
      action={{ content: t("errors.reload"), onAction: () => window.location.reload() }}
    >
      <p>{message ?? t("errors.loadFailedBody")}</p>
    </Banner>
  );
}
