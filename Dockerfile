# syntax=docker/dockerfile:1
#
# Hala production image.
#   docker build -t hala .
#   docker run --env-file .env -p 3000:3000 hala
# Production sets DATABASE_URL and REDIS_URL (docs/decisions/004-embedded-default.md). Without them the container
# falls back to the embedded default (PGlite in /app/data + an in-process cache): one container only, and mount a
# volume at /app/data or the database goes with the container.
# Migrations run at start (`npm run start` = `npm run db:migrate && tsx scripts/start.ts`); concurrent starts of
# several replicas serialise on a PostgreSQL advisory lock. scripts/start.ts serves the build through
# scripts/serve.ts: the WhatsApp webhook answered before Remix (docs/decisions/010-hot-path-sql.md).

ARG NODE_IMAGE=node:22-bookworm-slim

# ---------------------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS base
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

# ---------------------------------------------------------------------------------------------------------------
# deps: every dependency, dev ones included (the build needs @remix-run/dev, vite, typescript).
# package.json's postinstall runs `prisma generate`, which reads prisma/schema.prisma through prisma.config.ts,
# so both are copied before `npm ci`.
FROM base AS deps
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
RUN npm ci

# ---------------------------------------------------------------------------------------------------------------
# build: the Prisma client (engine-less, engineType "client") and the Remix/Vite build in build/.
# Anything in public/ is copied into build/client by Vite, so the runtime stage needs no public/ of its own.
FROM deps AS build
COPY . .
RUN npx prisma generate && npm run build

# ---------------------------------------------------------------------------------------------------------------
# runtime: production dependencies, the build, the migrations and the migration script.
FROM base AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    PGLITE_DATA_DIR=/app/data/pglite

# tini as PID 1 with -g: SIGTERM reaches the whole process group (npm → sh → tsx → scripts/start.ts), so the
# server can close cleanly instead of being killed when the stop timeout runs out.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*

COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
# `npm run db:migrate` and `npm start` run scripts/migrate.ts and scripts/start.ts with tsx, a devDependency: install
# the locked version globally
# (keep it out of the app's node_modules so `npm ci --omit=dev` stays exactly the lockfile's production tree).
RUN npm ci --omit=dev \
 && npm install -g "tsx@$(node -p "require('./package-lock.json').packages['node_modules/tsx'].version")" \
 && npm cache clean --force

# The generated Prisma client from the build stage (the same schema, so identical to what postinstall wrote).
COPY --from=build /app/node_modules/.prisma ./node_modules/.prisma
COPY --from=build /app/build ./build
# scripts/migrate.ts imports app/db.server.ts and app/adapters/db/migrate.server.ts; tsconfig.json maps "~/".
COPY tsconfig.json ./
COPY scripts ./scripts
COPY app ./app

# Everything above stays owned by root (read-only for the app); only the PGlite data folder is writable.
RUN mkdir -p /app/data && chown node:node /app/data
USER node

EXPOSE 3000

# /healthz answers 200 while the database is reachable and 503 when it is not (the cache only degrades).
# No curl in slim images: Node's own fetch does the request.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

ENTRYPOINT ["/usr/bin/tini", "-g", "--"]
CMD ["npm", "run", "start"]
