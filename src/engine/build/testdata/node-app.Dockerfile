# syntax=docker/dockerfile:1
ARG BASE=busybox
FROM ${BASE}:latest AS deps
LABEL org.opencontainers.image.title="demo app" \
      maintainer=teacher@example.com
ENV APP_HOME=/app PATH=/app/bin:$PATH
WORKDIR $APP_HOME
COPY --chown=1000:1000 package.json lock.json ./
RUN set -e; \
    mkdir -p bin; \
    echo '#!/bin/sh' > bin/start   # comment inside the line
EXPOSE 8080/tcp 9000-9002
VOLUME ["/data"]
USER 1000:1000
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=3s --retries=2 CMD wget -qO- localhost:8080 || exit 1
ENTRYPOINT ["/app/bin/start"]
CMD ["--port", "8080"]
