# syntax=docker/dockerfile:1

# --- build -------------------------------------------------------------------
FROM rust:1.95-bookworm AS build
WORKDIR /src

# Build the dependencies first, from the manifests alone, so that changing our
# code does not rebuild them.
COPY Cargo.toml Cargo.lock ./
COPY migration/Cargo.toml migration/Cargo.toml
COPY embedding/Cargo.toml embedding/Cargo.toml
# The manifest names the benchmark target, so its file must exist to build at all.
COPY benches benches
RUN mkdir -p src migration/src embedding/src \
    && echo 'fn main() {}' > src/main.rs \
    && touch src/lib.rs migration/src/lib.rs embedding/src/lib.rs \
    && cargo build --release --locked \
    && rm -rf src migration/src embedding/src

COPY src src
COPY migration/src migration/src
COPY embedding/src embedding/src
# Make sure cargo sees the real sources as newer than the placeholder build.
RUN touch src/main.rs src/lib.rs migration/src/lib.rs embedding/src/lib.rs \
    && cargo build --release --locked \
    && strip target/release/claimdesk

# --- run ---------------------------------------------------------------------
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /var/lib/claimdesk claimdesk \
    && mkdir -p /var/lib/claimdesk \
    && chown claimdesk:claimdesk /var/lib/claimdesk
COPY --from=build /src/target/release/claimdesk /usr/local/bin/claimdesk

USER claimdesk
WORKDIR /var/lib/claimdesk
# The SQLite file lives on the volume; set DATABASE_URL to a postgres:// URL
# to use PostgreSQL instead. To match fact-checks by meaning, mount the
# model (`bash tools/fetch-model.sh` on the host) and point at it:
#   -v "$PWD/models:/models:ro" -e CLAIMDESK_EMBEDDING_MODEL=/models/all-MiniLM-L6-v2
ENV CLAIMDESK_BIND=0.0.0.0:8080 \
    DATABASE_URL=sqlite:///var/lib/claimdesk/claimdesk.db \
    RUST_LOG=info,sqlx=warn
VOLUME ["/var/lib/claimdesk"]
EXPOSE 8080
# claimdesk handles SIGTERM itself: it stops accepting and drains in-flight requests.
STOPSIGNAL SIGTERM
ENTRYPOINT ["claimdesk"]
CMD ["serve"]
