#!/usr/bin/env bash
# Mints a development token (RS256 JWT) with openssl, making a key pair on first use:
#   scripts/dev-token.sh SUBJECT [GROUP ...]      e.g.  scripts/dev-token.sh alice
#                                                        scripts/dev-token.sh backend publisher
# The server checks tokens with the public key:
#   SSE_SECURITY=jwt MP_JWT_VERIFY_PUBLICKEY_LOCATION=target/dev-keys/public.pem scripts/run.sh
# Environment: SSE_DEV_KEYS (key directory, default target/dev-keys), TOKEN_TTL_SECONDS (3600),
# TOKEN_ISSUER (massive-sse-dev), TOKEN_TOPICS (comma-separated topics the subscriber may listen to,
# e.g. "orders/42,tenants/acme/*": the token's topics claim). For development only: production tokens come from your issuer.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SUBJECT="${1:?usage: scripts/dev-token.sh SUBJECT [GROUP ...]}"
shift
[[ "$SUBJECT" =~ ^[A-Za-z0-9._@-]{1,128}$ ]] || { echo "SUBJECT must be a userId: 1-128 of A-Z a-z 0-9 . _ @ -" >&2; exit 2; }
KEYS="${SSE_DEV_KEYS:-target/dev-keys}"
mkdir -p "$KEYS"
if [ ! -f "$KEYS/private.pem" ]; then
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$KEYS/private.pem" 2>/dev/null
    openssl pkey -in "$KEYS/private.pem" -pubout -out "$KEYS/public.pem"
    echo "[dev-token] made a key pair in $KEYS; the server's key: $KEYS/public.pem" >&2
fi
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
groups=""
for group in "$@"; do
    [[ "$group" =~ ^[A-Za-z0-9._-]{1,64}$ ]] || { echo "bad group name: $group" >&2; exit 2; }
    groups="$groups${groups:+,}\"$group\""
done
topics=""
IFS=',' read -r -a wanted <<< "${TOKEN_TOPICS:-}"
for topic in "${wanted[@]}"; do
    [[ "$topic" =~ ^[A-Za-z0-9._~:@+/*-]{1,256}$ ]] || { echo "bad topic: $topic" >&2; exit 2; }
    topics="$topics${topics:+,}\"$topic\""
done
now=$(date +%s)
header='{"alg":"RS256","typ":"JWT"}'
payload="{\"iss\":\"${TOKEN_ISSUER:-massive-sse-dev}\",\"sub\":\"$SUBJECT\",\"upn\":\"$SUBJECT\",\"groups\":[$groups],\"topics\":[$topics],\"iat\":$now,\"exp\":$((now + ${TOKEN_TTL_SECONDS:-3600}))}"
signing_input="$(printf '%s' "$header" | b64url).$(printf '%s' "$payload" | b64url)"
signature="$(printf '%s' "$signing_input" | openssl dgst -sha256 -sign "$KEYS/private.pem" -binary | b64url)"
echo "$signing_input.$signature"
