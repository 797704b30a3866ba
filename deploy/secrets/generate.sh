#!/bin/sh
# Writes the secret files that deploy/docker-compose.yml mounts (its top-level `secrets:`), each a
# random string of letters and digits, into this folder, or into the folder given as the first
# argument. A file that exists and is not empty is left as it is: Elasticsearch takes the elastic
# password, and Kafka its SCRAM users, on the first start of an empty volume only, so rewriting
# them would lock the services out (deploy/README.md, "Security", says how to change one).
#
#   deploy/secrets/generate.sh            # then: docker compose -f deploy/docker-compose.yml up -d
#
# The folder is made private to you (700). The files are readable by all (644) on purpose:
# Compose bind-mounts each file into the containers as it is (owner and mode kept), and they run
# as other users (newsflow 10001, Elasticsearch, Kibana and Kafka 1000); the folder's mode keeps
# the other users of this host out.
set -eu

dir=${1:-$(cd "$(dirname "$0")" && pwd)}
mkdir -p "$dir"
chmod 700 "$dir"

# SHA-256 of standard input, as hexadecimal.
sha256_hex() {
    if command -v sha256sum > /dev/null 2>&1; then
        sha256sum | cut -d' ' -f1
    elif command -v shasum > /dev/null 2>&1; then
        shasum -a 256 | cut -d' ' -f1
    else
        openssl dgst -sha256 -r | cut -d' ' -f1
    fi
}

# $1 bytes from the kernel's random source, as hexadecimal (2 letters or digits per byte).
random_hex() {
    od -An -v -tx1 -N "$1" /dev/urandom | tr -d ' \n'
}

# write NAME BYTES: the file NAME with BYTES random bytes, unless it already holds something.
write() {
    file="$dir/$1"
    if [ -s "$file" ]; then
        echo "kept    $file"
        return
    fi
    (umask 022 && random_hex "$2" > "$file")
    if [ "$(wc -c < "$file")" -ne $(($2 * 2)) ]; then
        rm -f "$file"
        echo "generate.sh: could not read $2 random bytes from /dev/urandom" >&2
        exit 1
    fi
    chmod 644 "$file"
    echo "created $file"
}

write elastic_password 16         # the elastic superuser: Elasticsearch, certs, setup, security-setup
write kibana_system_password 16   # the kibana_system user Kibana logs in with
write kibana_encryption_key 32    # Kibana's key for sessions, saved objects, reports (32+ characters)
write es_sink_password 16         # Elasticsearch user newsflow_sink (the sink)
write es_api_password 16          # Elasticsearch user newsflow_api (the search API)
write es_viewer_password 16       # Elasticsearch user newsflow_viewer (people, in Kibana, read-only)
write es_processor_password 16    # Elasticsearch user newsflow_processor (the processors' stories state)
write kafka_admin_password 16     # Kafka SCRAM user admin (the broker itself, the health check)
write kafka_newsflow_password 16  # Kafka SCRAM user newsflow (producer, processors, sink, setup)

# The search API's key: api_key is for its callers (header X-API-Key; mounted nowhere), and
# api_key_hashes holds its SHA-256 as `newsflow api` takes it (NEWSFLOW_API__KEYS_FILE, one
# sha256:<hex> per line; add a line to rotate keys without downtime).
if [ -s "$dir/api_key_hashes" ]; then
    echo "kept    $dir/api_key_hashes"
    if [ -s "$dir/api_key" ]; then echo "kept    $dir/api_key"; fi
else
    if [ -s "$dir/api_key" ]; then
        echo "kept    $dir/api_key"
    else
        (umask 022 && printf 'nf_%s' "$(random_hex 32)" > "$dir/api_key")
        chmod 644 "$dir/api_key"
        echo "created $dir/api_key"
    fi
    hash=$(tr -d '\n' < "$dir/api_key" | sha256_hex)
    [ "${#hash}" -eq 64 ] || { echo "generate.sh: no sha256sum, shasum or openssl to hash the API key" >&2; exit 1; }
    (umask 022 && printf 'sha256:%s' "$hash" > "$dir/api_key_hashes")
    chmod 644 "$dir/api_key_hashes"
    echo "created $dir/api_key_hashes"
fi
