# knooppunt — production image. Build: docker build -t knooppunt .
# Run:   docker run -p 8080:8080 -e KNOOPPUNT_ENCRYPTION_KEY_FILE=/run/secrets/key -v knooppunt-data:/data knooppunt
# Every secret can come from a file: NAME_FILE instead of NAME (KNOOPPUNT_ENCRYPTION_KEY_FILE,
# KNOOPPUNT_PREVIOUS_ENCRYPTION_KEYS_FILE, DATABASE_URL_FILE, REDIS_URL_FILE, a webhook's signing secret).

# Node.js LTS line; change here (one place) when the next LTS line is adopted.
ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The README's install command; no lifecycle scripts of dependencies run, nothing is downloaded but packages.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    KNOOPPUNT_DATA_DIR=/data \
    KNOOPPUNT_CONFIG=/app/config/knooppunt.yaml \
    KNOOPPUNT_MAPPINGS_DIR=/app/mappings \
    KNOOPPUNT_SCHEMAS_DIR=/app/schemas
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY src/console/static ./src/console/static
COPY package.json LICENSE ./
COPY schemas ./schemas
COPY mappings ./mappings
COPY config ./config
COPY codelijsten ./codelijsten
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8080
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "dist/src/cli.js"]
CMD ["serve"]
