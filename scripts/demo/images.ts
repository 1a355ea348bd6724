/**
 * Simple SVG product pictures for the demo catalog (`public/demo-images/<handle>.svg`): a colour per
 * collection, a drawing per product type, the product's title. `npx tsx scripts/demo/images.ts` rewrites them
 * all; `npm run demo` writes only missing ones.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export interface ImageProduct {
  handle: string;
  title: string;
  productType: string;
  collections: string[];
}

const PALETTES: Record<string, [string, string, string]> = {
  abayas: ["#2b2d42", "#4a4e69", "#f2e9e4"],
  "scarves-hijabs": ["#b56576", "#e56b6f", "#fff1e6"],
  "perfumes-oud": ["#5f0f40", "#9a031e", "#fbe7c6"],
  "dates-coffee": ["#6f4518", "#a47148", "#fdf0d5"],
  "home-decor": ["#1d3557", "#457b9d", "#f1faee"],
  kids: ["#2a9d8f", "#e9c46a", "#ffffff"],
};

const escape = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A drawing for the product type, in a 200×200 box centred at (200, 170). */
function drawing(type: string, fg: string, accent: string): string {
  const t = type.toLowerCase();
  const g = (inner: string) =>
    `<g transform="translate(100 70)" fill="${fg}" stroke="${accent}" stroke-width="4" stroke-linejoin="round">${inner}</g>`;
  if (/abaya|dress|thobe/.test(t))
    return g(
      `<path d="M70 10 h60 l18 30 l38 150 h-172 l38 -150 z"/><path d="M82 10 q18 22 36 0" fill="none"/><path d="M100 32 v150" fill="none" opacity="0.5"/>`,
    );
  if (/hijab|shayla|scarf|niqab/.test(t))
    return g(
      `<path d="M100 12 c-50 0 -72 40 -72 82 c0 46 30 86 72 100 c42 -14 72 -54 72 -100 c0 -42 -22 -82 -72 -82 z"/><ellipse cx="100" cy="92" rx="34" ry="42" fill="${accent}" stroke="none" opacity="0.85"/>`,
    );
  if (/oud|musk|perfume/.test(t))
    return g(
      `<rect x="80" y="12" width="40" height="26" rx="4"/><path d="M62 50 h76 l14 20 v110 a10 10 0 0 1 -10 10 h-84 a10 10 0 0 1 -10 -10 v-110 z"/><rect x="74" y="96" width="52" height="44" rx="4" fill="${accent}" stroke="none"/>`,
    );
  if (/bakhoor|mabkhara|tray/.test(t))
    return g(
      `<path d="M40 140 h120 l-20 40 h-80 z"/><rect x="58" y="100" width="84" height="40" rx="6"/><path d="M90 90 c-10 -20 10 -30 0 -50 M110 90 c-10 -20 10 -30 0 -50" fill="none"/>`,
    );
  if (/dates/.test(t))
    return g(
      `<ellipse cx="70" cy="120" rx="26" ry="40" transform="rotate(-20 70 120)"/><ellipse cx="130" cy="120" rx="26" ry="40" transform="rotate(20 130 120)"/><ellipse cx="100" cy="90" rx="26" ry="40"/>`,
    );
  if (/coffee|cups/.test(t))
    return g(
      `<path d="M48 70 h104 v60 a52 52 0 0 1 -104 0 z"/><path d="M152 86 h16 a18 18 0 0 1 0 36 h-18" fill="none"/><path d="M80 50 c-8 -14 8 -22 0 -36 M110 50 c-8 -14 8 -22 0 -36" fill="none"/>`,
    );
  if (/dallah/.test(t))
    return g(
      `<path d="M74 40 h52 l-6 20 h-40 z"/><path d="M66 60 h68 l16 110 h-100 z"/><path d="M66 80 l-50 -40 l10 -6 l46 30" /><path d="M134 70 c40 0 40 80 6 90" fill="none"/>`,
    );
  if (/lantern/.test(t))
    return g(
      `<path d="M100 6 v20"/><path d="M70 26 h60 l10 20 h-80 z"/><rect x="62" y="46" width="76" height="110" rx="6"/><path d="M80 66 h40 M80 96 h40 M80 126 h40 M100 56 v90" fill="none"/><path d="M60 156 h80 l-12 24 h-56 z"/>`,
    );
  if (/cushion|prayer mat|wall art/.test(t))
    return g(
      `<rect x="24" y="40" width="152" height="130" rx="14"/><path d="M40 80 l20 -20 l20 20 l20 -20 l20 20 l20 -20 l20 20 M40 130 l20 -20 l20 20 l20 -20 l20 20 l20 -20 l20 20" fill="none"/>`,
    );
  if (/toy|prayer set/.test(t))
    return g(
      `<rect x="30" y="50" width="64" height="64" rx="8"/><rect x="106" y="50" width="64" height="64" rx="8"/><rect x="68" y="120" width="64" height="64" rx="8"/><text x="62" y="95" font-size="36" text-anchor="middle" fill="${accent}" stroke="none">ا</text><text x="138" y="95" font-size="36" text-anchor="middle" fill="${accent}" stroke="none">ب</text><text x="100" y="165" font-size="36" text-anchor="middle" fill="${accent}" stroke="none">ت</text>`,
    );
  return g(`<rect x="30" y="40" width="140" height="140" rx="16"/><path d="M30 80 h140" fill="none"/>`);
}

/** Wraps a title into at most two lines of about `width` characters. */
function lines(title: string, width = 22): string[] {
  const words = title.split(/\s+/);
  const out: string[] = [""];
  for (const word of words) {
    const current = out[out.length - 1];
    if (current && (current + " " + word).length > width) {
      if (out.length === 2) {
        out[1] = `${out[1]}…`;
        break;
      }
      out.push(word);
    } else out[out.length - 1] = current ? `${current} ${word}` : word;
  }
  return out;
}

export function productSvg(product: ImageProduct): string {
  const [bg, fg, accent] = PALETTES[product.collections[0]] ?? ["#3a506b", "#5bc0be", "#ffffff"];
  const text = lines(product.title)
    .map((line, i) => `<text x="200" y="${318 + i * 30}" text-anchor="middle">${escape(line)}</text>`)
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400" role="img" aria-label="${escape(product.title)}">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${bg}"/><stop offset="1" stop-color="${fg}"/></linearGradient></defs>
<rect width="400" height="400" fill="url(#g)"/>
<circle cx="200" cy="170" r="120" fill="${accent}" opacity="0.12"/>
${drawing(product.productType, fg, accent)}
<g font-family="Helvetica, Arial, sans-serif" font-size="24" font-weight="700" fill="${accent}">${text}</g>
<text x="390" y="392" text-anchor="end" font-family="Helvetica, Arial, sans-serif" font-size="11" fill="${accent}" opacity="0.6">Hala demo</text>
</svg>
`;
}

/** Writes the picture of every product (only missing ones unless `overwrite`). Returns how many were written. */
export function writeDemoImages(
  products: readonly ImageProduct[],
  dir: string,
  options: { overwrite?: boolean } = {},
): number {
  mkdirSync(dir, { recursive: true });
  let written = 0;
  for (const product of products) {
    const file = path.join(dir, `${product.handle}.svg`);
    if (!options.overwrite && existsSync(file)) continue;
    writeFileSync(file, productSvg(product));
    written++;
  }
  return written;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { demoProducts } = await import("../../tests/mocks/demo-catalog");
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
  const n = writeDemoImages(demoProducts, path.join(root, "public/demo-images"), { overwrite: true });
  console.log(`wrote ${n} images to public/demo-images/`);
}
