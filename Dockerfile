# syntax=docker/dockerfile:1
# Multi-stage build: cargo-chef caches the dependency layer; the runtime image holds only the
# binary, runs as a non-root user, and keeps its SQLite file in /data.

FROM rust:1-bookworm AS chef
RUN cargo install cargo-chef --locked
WORKDIR /build

FROM chef AS planner
COPY . .
RUN cargo chef prepare --recipe-path recipe.json

FROM chef AS builder
COPY --from=planner /build/recipe.json recipe.json
RUN cargo chef cook --release --recipe-path recipe.json
COPY . .
RUN cargo build --release --bin accord

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /data accord \
    && mkdir -p /data && chown accord /data
COPY --from=builder /build/target/release/accord /usr/local/bin/accord
USER accord
WORKDIR /data
ENV ACCORD_LISTEN=0.0.0.0:8081 \
    ACCORD_DATABASE_URL=sqlite:///data/accord.db \
    ACCORD_LOG_FORMAT=json
EXPOSE 8081
VOLUME ["/data"]
HEALTHCHECK --interval=10s --timeout=3s CMD ["accord", "healthcheck", "--url", "http://127.0.0.1:8081"]
ENTRYPOINT ["accord"]
CMD ["serve"]
