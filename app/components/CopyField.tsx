import { Button, TextField } from "@shopify/polaris";
import { useId } from "react";
import { useToast } from "./app-bridge";
import { useI18n } from "./i18n";

/** A read-only value with a copy button (the webhook URL and verify token Meta asks for). */
export function CopyField({ label, value, helpText }: { label: string; value: string; helpText?: string }) {
  const { t } = useI18n();
  const toast = useToast();
  const id = useId();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      toast(t("common.copied"));
    } catch {
      toast(t("common.copyFailed"), { isError: true });
    }
  };
  return (
    <TextField
      id={id}
      label={label}
      value={value}
      readOnly
      autoComplete="off"
      helpText={helpText}
      monospaced
      connectedRight={
        <Button onClick={copy} accessibilityLabel={t("common.copyLabel", { label })}>
          {t("common.copy")}
        </Button>
      }
    />
  );
}
