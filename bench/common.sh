# Shared by bench/run and bench/instructions (sourced from the repository's top, with
# $work, $pids, $BACKEND_PORT, $CONSOLE_PORT, $GATEWAY_PORT and $ADMIN_PASSWORD set).

# An nginx configuration under $work/<name>: one worker, no logs, an upstream `backend`
# (the bench backend, connections kept), the given server block, and any main-context
# directives given third (`master_process off;` to run it under valgrind).
nginx_conf() { # name, server block, [main directives]
  mkdir -p "$work/$1"
  cat >"$work/$1/nginx.conf" <<CONF
worker_processes 1;
daemon off;
${3:-}
pid $work/$1/nginx.pid;
error_log $work/$1/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/$1;
  proxy_temp_path $work/$1;
  upstream backend { server 127.0.0.1:$BACKEND_PORT; keepalive 64; }
  $2
}
CONF
}

# Starts Portico (release build) with its own PostgreSQL, run by the command prefix given
# (`taskset -c 0`, valgrind, ...), and waits until it is ready; sets $portico_pid, $api.
portico_start() { # command prefix...
  PORTICO_DATA_DIR="$work/portico" PORTICO_ADMIN_PASSWORD=$ADMIN_PASSWORD \
    PORTICO_CONSOLE_ADDR=127.0.0.1:$CONSOLE_PORT PORTICO_GATEWAY_ADDR=127.0.0.1:$GATEWAY_PORT \
    PORTICO_LOG=warn "$@" target/release/portico serve >"$work/portico.log" 2>&1 &
  portico_pid=$!; pids+=($portico_pid)
  api=http://127.0.0.1:$CONSOLE_PORT
  until curl -sf "$api/readyz" >/dev/null; do
    kill -0 "$portico_pid" 2>/dev/null || { cat "$work/portico.log"; exit 1; }
    sleep 0.1
  done
}

# Signs in as admin and publishes `GET /bench` (NONE auth, backend `GET /` on the bench
# backend) in a new gateway's group; waits until it answers. Sets $token, $base, $gateway,
# $group, $host, and defines call and json for further management calls.
portico_publish() {
  token=$(curl -si "$api/v3/auth/tokens" -H 'Content-Type: application/json' -d "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\"admin\",\"password\":\"$ADMIN_PASSWORD\",\"domain\":{\"name\":\"portico\"}}}}}}" \
    | tr -d '\r' | sed -n 's/^[Xx]-[Ss]ubject-[Tt]oken: //p')
  call() { curl -sf -H "X-Auth-Token: $token" -H 'Content-Type: application/json' "$@"; }
  json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
  local project id
  project=$(call "$api/v3/projects?name=default" | json "['projects'][0]['id']")
  base="$api/v2/$project/apigw"
  gateway=$(call -X POST "$base/instances" -d '{"instance_name":"bench","spec_id":"PLATINUM"}' | json "['instance_id']")
  group=$(call -X POST "$base/instances/$gateway/api-groups" -d '{"name":"bench"}' | json "['id']")
  id=$(call -X POST "$base/instances/$gateway/apis" -d "{\"name\":\"bench\",\"group_id\":\"$group\",\"type\":1,\"req_protocol\":\"HTTP\",\"req_method\":\"GET\",\"req_uri\":\"/bench\",\"auth_type\":\"NONE\",\"backend_type\":\"HTTP\",\"backend_api\":{\"url_domain\":\"127.0.0.1:$BACKEND_PORT\",\"req_protocol\":\"HTTP\",\"req_method\":\"GET\",\"req_uri\":\"/\",\"timeout\":5000}}" | json "['id']")
  call -X POST "$base/instances/$gateway/apis/action" -d "{\"action\":\"online\",\"env_id\":\"DEFAULT_ENVIRONMENT_RELEASE_ID\",\"api_id\":\"$id\"}" >/dev/null
  host="$group.apig.localhost"
  until [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Host: $host" "http://127.0.0.1:$GATEWAY_PORT/bench")" = 200 ]; do sleep 0.05; done
}

# The API of portico_publish again with APP authentication, called by an authorized
# credential: signed (SDK-HMAC-SHA256) at /signed, with an AppCode at /coded (AppCodes over
# plain HTTP allowed for the benchmark, as the gateway parameter app_code_http allows; both
# APIs take HTTP and HTTPS). Writes the wrk scripts $work/signed.lua and $work/coded.lua and
# defines sign_script, which signs again (a signature is valid for 15 minutes); sets
# $app_code.
portico_app_auth() {
  app_api() { # name, app_code_auth_type
    local id
    id=$(call -X POST "$base/instances/$gateway/apis" -d "{\"name\":\"$1\",\"group_id\":\"$group\",\"type\":1,\"req_protocol\":\"BOTH\",\"req_method\":\"GET\",\"req_uri\":\"/$1\",\"auth_type\":\"APP\",\"auth_opt\":{\"app_code_auth_type\":\"$2\"},\"backend_type\":\"HTTP\",\"backend_api\":{\"url_domain\":\"127.0.0.1:$BACKEND_PORT\",\"req_protocol\":\"HTTP\",\"req_method\":\"GET\",\"req_uri\":\"/\",\"timeout\":5000}}" | json "['id']")
    call -X POST "$base/instances/$gateway/apis/action" -d "{\"action\":\"online\",\"env_id\":\"DEFAULT_ENVIRONMENT_RELEASE_ID\",\"api_id\":\"$id\"}" >/dev/null
    echo "$id"
  }
  signed_id=$(app_api signed DISABLE)
  coded_id=$(app_api coded HEADER)
  read -r app_id app_key app_secret <<<"$(call -X POST "$base/instances/$gateway/apps" -d '{"name":"bench"}' \
    | python3 -c "import json,sys; c=json.load(sys.stdin); print(c['id'], c['app_key'], c['app_secret'])")"
  app_code=$(call -X PUT "$base/instances/$gateway/apps/$app_id/app-codes" | json "['app_code']")
  call -X POST "$base/instances/$gateway/app-auths" -d "{\"env_id\":\"DEFAULT_ENVIRONMENT_RELEASE_ID\",\"app_ids\":[\"$app_id\"],\"api_ids\":[\"$signed_id\",\"$coded_id\"]}" >/dev/null
  call -X POST "$base/instances/$gateway/features" -d '{"name":"app_code_http","enable":true}' >/dev/null
  # wrk scripts adding the credentials: an AppCode, and a signature made once, valid for the
  # 15 minutes the gateway allows.
  echo "wrk.headers[\"X-Apig-AppCode\"] = \"$app_code\"" >"$work/coded.lua"
  sign_script() {
    python3 - "$host" "$app_key" "$app_secret" >"$work/signed.lua" <<'EOF'
import datetime, hashlib, hmac, sys
host, key, secret = sys.argv[1:4]
sha = lambda text: hashlib.sha256(text.encode()).hexdigest()
date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
canonical = f"GET\n/signed/\n\nhost:{host}\nx-sdk-date:{date}\n\nhost;x-sdk-date\n{sha('')}"
string_to_sign = f"SDK-HMAC-SHA256\n{date}\n{sha(canonical)}"
signature = hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()
print(f'wrk.headers["X-Sdk-Date"] = "{date}"')
print(f'wrk.headers["Authorization"] = "SDK-HMAC-SHA256 Access={key}, SignedHeaders=host;x-sdk-date, Signature={signature}"')
EOF
  }
  sign_script
  until [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Host: $host" -H "X-Apig-AppCode: $app_code" "http://127.0.0.1:$GATEWAY_PORT/coded")" = 200 ]; do sleep 0.05; done
}
