import { Card, EmptyState } from "@shopify/polaris";
import { useI18n } from "~/components/i18n";

/** The inbox with no conversation open. */
export default function InboxIndex() {
  const { t } = useI18n();
  return (
    <Card>
      <EmptyState heading={t("inbox.select.title")} image="">
        <p>{t("inbox.select.body")}</p>
      </EmptyState>
    </Card>
  );
}
