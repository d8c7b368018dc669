# hfgen and nothing else: the static binary that scripts/release-static.sh builds and checks.
#   scripts/release-static.sh && docker build -t hfgen .
#   docker run --rm hfgen render --profile gke
#   docker run --rm -v "$PWD:/work" -w /work hfgen check --profile deploy/my.toml --golden deploy/golden
FROM scratch
COPY target/x86_64-unknown-linux-gnu/release/hfgen /hfgen
ENTRYPOINT ["/hfgen"]
