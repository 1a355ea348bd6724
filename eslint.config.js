import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "build/**",
      "node_modules/**",
      "data/**",
      "public/build/**",
      "bench/results/**",
      "coverage/**",
      "extensions/**/assets/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx,js,mjs}"],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "warn",
    },
  },
  {
    // The domain is pure: no I/O, no framework, no environment.
    files: ["app/domain/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: [
                "@prisma/*",
                "ioredis",
                "@remix-run/*",
                "@shopify/*",
                "pg",
                "node:fs*",
                "node:net",
                "node:http*",
                "graphql-request",
                "~/adapters/*",
                "~/services/*",
                "*.server",
              ],
              message: "app/domain is pure: no I/O imports.",
            },
          ],
        },
      ],
      "no-restricted-globals": [
        "error",
        { name: "fetch", message: "app/domain is pure" },
        { name: "process", message: "app/domain is pure" },
      ],
    },
  },
  {
    // Routes are thin: authenticate → parse → service → Response.
    files: ["app/routes/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@prisma/*", "~/db.server", "graphql-request", "~/adapters/db/*"],
              message: "Routes call services; no Prisma or GraphQL in routes.",
            },
          ],
        },
      ],
    },
  },
);
