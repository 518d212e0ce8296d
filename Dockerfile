# The production image. It installs exactly the tarballs `npm run pack:all` writes to dist/packages/,
# the same files test/packaging.test.ts installs into an empty folder and starts, so the image runs
# what the tests ran. Build from a checkout:
#   npm ci && npm run pack:all && docker build -t crewkit .
# Configuration is the environment (docs/deploy.md): DATABASE_URL, CREWKIT_SECRET, …
ARG NODE_VERSION=20
FROM node:${NODE_VERSION}-slim

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    CREWKIT_DATA_DIR=/var/lib/crewkit \
    NODE_OPTIONS=--max-semi-space-size=64 \
    PATH=/app/node_modules/.bin:$PATH

WORKDIR /app
COPY dist/packages/*.tgz /tmp/crewkit/
RUN npm install --omit=dev --no-audit --no-fund /tmp/crewkit/*.tgz \
    && rm -rf /tmp/crewkit \
    && npm cache clean --force \
    && mkdir -p /var/lib/crewkit \
    && chown node:node /var/lib/crewkit

USER node
EXPOSE 3000
# Liveness only; load balancers should route by /readyz, which turns 503 while a stopping instance drains.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node runs as PID 1 (no npx, no shell in between), so `docker stop`'s SIGTERM reaches the server's
# own shutdown: it stops taking requests, drains the ones in flight, then closes the database.
CMD ["crewkit", "start"]
