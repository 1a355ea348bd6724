import { Button, InlineStack, Spinner, Text } from "@shopify/polaris";
import { useEffect, useState } from "react";
import type { AdminMessageKey } from "~/i18n/admin";
import { useI18n } from "../i18n";

const KINDS: Record<string, AdminMessageKey> = {
  image: "inbox.media.kind.image",
  sticker: "inbox.media.kind.sticker",
  video: "inbox.media.kind.video",
  audio: "inbox.media.kind.audio",
  document: "inbox.media.kind.document",
};

/**
 * A message's media, fetched from `app.media.$id` (which downloads it from the Graph API on demand). Fetched
 * with `fetch` so that App Bridge's session token goes along (an <img src> request would carry none); shown
 * from a blob URL, released when the message leaves the page.
 */
async function fetchMedia(messageId: string): Promise<Blob> {
  const response = await fetch(`/app/media/${encodeURIComponent(messageId)}`);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.blob();
}

export function MediaAttachment({
  messageId,
  kind,
  caption,
}: {
  messageId: string;
  kind: string;
  caption: string | null;
}) {
  const { t } = useI18n();
  const [url, setUrl] = useState<string | null>(null);
  const [state, setState] = useState<"idle" | "loading" | "failed">(
    kind === "image" || kind === "sticker" ? "loading" : "idle",
  );

  useEffect(() => {
    if (kind !== "image" && kind !== "sticker") return;
    let objectUrl: string | null = null;
    let cancelled = false;
    fetchMedia(messageId)
      .then((blob) => {
        if (cancelled) return;
        objectUrl = URL.createObjectURL(blob);
        setUrl(objectUrl);
        setState("idle");
      })
      .catch(() => !cancelled && setState("failed"));
    return () => {
      cancelled = true;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [messageId, kind]);

  const download = async () => {
    setState("loading");
    try {
      const blob = await fetchMedia(messageId);
      const objectUrl = URL.createObjectURL(blob);
      const a = document.createElement("a");
      a.href = objectUrl;
      a.download = `${kind}-${messageId}`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(objectUrl), 10_000);
      setState("idle");
    } catch {
      setState("failed");
    }
  };

  if (state === "failed") {
    return (
      <Text as="p" tone="subdued" variant="bodySm">
        {t("inbox.media.unavailable")}
      </Text>
    );
  }
  if (kind === "image" || kind === "sticker") {
    if (!url) return <Spinner size="small" accessibilityLabel={t("inbox.media.loading")} />;
    return (
      <img
        src={url}
        alt={caption ?? t("inbox.media.imageAlt")}
        style={{ maxWidth: "100%", maxHeight: 320, borderRadius: 8, display: "block" }}
      />
    );
  }
  return (
    <InlineStack gap="200" blockAlign="center">
      <Button size="slim" onClick={download} loading={state === "loading"}>
        {t("inbox.media.download", { kind: t(KINDS[kind] ?? "inbox.media.kind.document") })}
      </Button>
    </InlineStack>
  );
}
