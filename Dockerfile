# syntax=docker/dockerfile:1
# metax: build with dev dependencies, run with production dependencies only, as a non-root user.
#   docker build -t metax .
#   docker run -p 3000:3000 -e DATABASE_URL=postgres://... -e SECRET_KEY=... -e JWT_SECRET_KEY=... -e MAIL_SERVER=... metax

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json ./
COPY src ./src
COPY admin ./admin
COPY migrations ./migrations
COPY seeders ./seeders
COPY scripts ./scripts
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/app/data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
# dist holds the compiled server and the back-office bundle built at build time (dist/adminjs-bundle).
COPY --from=build /app/dist ./dist
# The back-office's component sources (AdminJS checks they exist) and its stylesheet and logo.
COPY --from=build /app/admin ./admin
# DATA_DIR: the embedded PostgreSQL would live here if DATABASE_URL were unset (in a container, set it).
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Exec form: node runs as PID 1 and gets SIGTERM itself, so the graceful shutdown runs.
CMD ["node", "dist/src/main.js"]
