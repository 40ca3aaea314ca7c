# syntax=docker/dockerfile:1

# One image for every process of the stack: docker-compose.yml names each service's command
# (`node dist/worker.js`, `node dist/api/main.js`, `node dist/codec/main.js`,
# `node dist-dev/dev/sandbox/main.js`). Debian, not Alpine: the Temporal SDK's native bridge is built for
# glibc. Node 20 as `engines` asks (>= 20.19), pinned by minor version.
ARG NODE_IMAGE=node:20.20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# The postinstall would pip-install the Temporal CLI and test server; only local development and
# the tests use them.
ENV SKIP_TEMPORAL_INSTALL=1
COPY package.json package-lock.json ./
COPY scripts/install-temporal.mjs scripts/
RUN npm ci
COPY tsconfig.json tsconfig.build.json tsconfig.dev-build.json ./
COPY scripts ./scripts
COPY src ./src
# The Ingo sandbox, for compose's local stand-in for Ingo; built apart, to dist-dev/.
COPY dev ./dev
# tsc to dist/, then dist/workflow-bundle.js: the worker runs the workflow code built here and
# starts without webpack (src/worker.ts, workflowCode).
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    SKIP_TEMPORAL_INSTALL=1
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only; the postinstall script runs (and skips) as in the build stage.
COPY scripts/install-temporal.mjs scripts/
RUN npm ci --omit=dev && npm cache clean --force
# The compiled code and the prebuilt workflow bundle (dist/workflow-bundle.js); owned by root, so
# the processes cannot change their own code.
COPY --from=build /app/dist ./dist
COPY --from=build /app/dist-dev ./dist-dev
USER node
EXPOSE 3000 4010 8081
# `node` itself, not npm: each process receives SIGTERM and finishes what is in flight.
CMD ["node", "dist/api/main.js"]
