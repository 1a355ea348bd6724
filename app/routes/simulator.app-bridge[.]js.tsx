import { requireSimulator } from "~/services/simulator.server";

/**
 * Demo only: a stand-in for App Bridge (cdn.shopify.com/shopifycloud/app-bridge.js) for the admin pages opened
 * outside the Shopify admin. The real script, loaded outside a Shopify iframe, sends the browser to
 * admin.shopify.com; this one provides the little the pages use (`shopify.toast`, `shopify.loading`, config)
 * and shows the navigation menu as a bar (styles only: it never adds elements, which would break React's
 * hydration of the document), and a contextual save bar (`<ui-save-bar>` shown over the top of the page).
 * Authentication is the demo server's (see simulator.server.ts).
 */
const SCRIPT = `(() => {
  const script = document.currentScript;
  const params = new URLSearchParams(location.search);
  // Styles without touching the DOM tree: React hydrates the whole document, and an element added before it
  // does would make hydration fail.
  const sheet = new CSSStyleSheet();
  sheet.replaceSync([
    "ui-nav-menu{display:flex;gap:18px;align-items:center;padding:10px 20px;background:#1a1a1a;font:14px system-ui,sans-serif}",
    "ui-nav-menu a{color:#e3e3e3;text-decoration:none}ui-nav-menu a:hover{color:#fff;text-decoration:underline}",
    "ui-nav-menu::before{content:'Hala admin · demo outside Shopify';color:#8be9a8;font-weight:600;margin-inline-end:12px}",
    ".hala-demo-toast{position:fixed;left:50%;bottom:24px;transform:translateX(-50%);background:#303030;color:#fff;padding:10px 16px;border-radius:8px;font:14px system-ui,sans-serif;z-index:99999}",
    ".hala-demo-toast.error{background:#8e1f0b}",
    "ui-title-bar,ui-modal,ui-save-bar{display:none}",
    // The contextual save bar over the top of the page, as the Shopify admin shows it, with the page's buttons.
    "ui-save-bar[data-showing]{display:flex;position:fixed;inset:0 0 auto 0;z-index:99998;gap:8px;align-items:center;padding:8px 20px;background:#1a1a1a;font:14px system-ui,sans-serif}",
    "ui-save-bar[data-showing]::before{content:'Unsaved changes';color:#fff;font-weight:600;margin-inline-end:auto}",
    "ui-save-bar button{font:inherit;padding:6px 12px;border-radius:8px;border:1px solid #616161;background:#303030;color:#fff;cursor:pointer}",
    "ui-save-bar button[variant=primary]{background:#fff;color:#1a1a1a;border-color:#fff}ui-save-bar button:disabled{opacity:.6;cursor:default}",
  ].join(""));
  // <ui-save-bar>: show()/hide()/toggle() and its show/hide events, as App Bridge's element has (SaveBar of
  // @shopify/app-bridge-react calls them). Defining an element adds nothing to the document.
  if (!customElements.get("ui-save-bar")) {
    customElements.define("ui-save-bar", class extends HTMLElement {
      get showing() { return this.hasAttribute("data-showing"); }
      show() {
        if (!this.showing) { this.setAttribute("data-showing", ""); this.dispatchEvent(new Event("show")); }
        return Promise.resolve();
      }
      hide() {
        if (this.showing) { this.removeAttribute("data-showing"); this.dispatchEvent(new Event("hide")); }
        return Promise.resolve();
      }
      toggle() { return this.showing ? this.hide() : this.show(); }
    });
  }
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  window.shopify = window.shopify || {
    config: {
      apiKey: script && script.dataset.apiKey,
      shop: params.get("shop") || "",
      host: params.get("host") || "",
      locale: navigator.language || "en",
    },
    environment: { embedded: false, mobile: false, pos: false },
    toast: {
      show(message, options) {
        const el = document.createElement("div");
        el.className = "hala-demo-toast" + (options && options.isError ? " error" : "");
        el.textContent = message;
        document.body.appendChild(el);
        setTimeout(() => el.remove(), (options && options.duration) || 4000);
        return "toast";
      },
      hide() {},
    },
    loading() {},
    idToken: () => Promise.reject(new Error("No session tokens outside the Shopify admin (demo)")),
    saveBar: { show() {}, hide() {}, toggle() {} },
    modal: { show() {}, hide() {}, toggle() {} },
  };
})();
`;

export const loader = () => {
  requireSimulator();
  return new Response(SCRIPT, {
    headers: { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-store" },
  });
};
