# The Vigil engine (`vigil serve`) and the compose stack's traffic generator (same image, other command).
# Build: docker build -t vigil-engine .   Run: docker run -e VIGIL_API_TOKEN=... -p 8080:8080 vigil-engine
# The store (better-sqlite3) is compiled from source at install, so dependencies are installed in a build stage
# with a C++ toolchain; the runtime image only gets node_modules.
FROM node:20-bookworm-slim AS deps
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json .prebuild-installrc ./
RUN npm ci --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim

WORKDIR /app
ENV VIGIL_HOST=0.0.0.0 \
    VIGIL_PORT=8080 \
    VIGIL_DATA_DIR=/data

COPY package.json package-lock.json ./
COPY --from=deps /app/node_modules ./node_modules
ENV NODE_ENV=production

COPY bin ./bin
COPY pkg ./pkg
COPY tools ./tools
COPY tsconfig.json ./

RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080

HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=5 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.VIGIL_PORT||8080)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"

CMD ["node", "bin/vigil.js", "serve"]
