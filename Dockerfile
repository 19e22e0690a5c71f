# knooppunt — production image. Build: docker build -t knooppunt .
# Run:   docker run -p 8080:8080 -e KNOOPPUNT_ENCRYPTION_KEY=... -v knooppunt-data:/data knooppunt

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=8080 \
    KNOOPPUNT_DATA_DIR=/data \
    KNOOPPUNT_CONFIG=/app/config/knooppunt.yaml \
    KNOOPPUNT_MAPPINGS_DIR=/app/mappings \
    KNOOPPUNT_SCHEMAS_DIR=/app/schemas
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY src/console/static ./src/console/static
COPY package.json ./
COPY schemas ./schemas
COPY mappings ./mappings
COPY config ./config
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8080
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "dist/src/cli.js"]
CMD ["serve"]
