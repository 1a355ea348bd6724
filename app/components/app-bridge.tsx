import { SaveBar, type SaveBarProps } from "@shopify/app-bridge-react";
import { useCallback, useEffect, useState } from "react";

/**
 * App Bridge from the page, used defensively: outside the Shopify admin (the demo opened directly, a test
 * renderer) `window.shopify` is missing and these calls do nothing rather than throw.
 */
interface ShopifyGlobalLike {
  toast?: { show(message: string, options?: { isError?: boolean; duration?: number }): void };
  config?: { locale?: string };
}

function shopifyGlobal(): ShopifyGlobalLike | undefined {
  if (typeof window === "undefined") return undefined;
  return (window as unknown as { shopify?: ShopifyGlobalLike }).shopify;
}

/** `shopify.toast.show` (App Bridge 4). */
export function useToast() {
  return useCallback((message: string, options: { isError?: boolean } = {}) => {
    try {
      shopifyGlobal()?.toast?.show(message, { duration: 4000, ...options });
    } catch {
      // not inside the admin
    }
  }, []);
}

/** A random key for one submission (the server drops a repeated key: a double click sends once). */
export function newSubmissionKey(): string {
  if (typeof crypto !== "undefined" && "randomUUID" in crypto) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

/**
 * App Bridge's contextual save bar, rendered only once App Bridge has defined `<ui-save-bar>`: outside the
 * admin the bare element has no show()/hide() and SaveBar would throw. (The page keeps its own Save button.)
 */
export function AdminSaveBar(props: SaveBarProps) {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    setReady(typeof customElements !== "undefined" && !!customElements.get("ui-save-bar"));
  }, []);
  return ready ? <SaveBar {...props} /> : null;
}
