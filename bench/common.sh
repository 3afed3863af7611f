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
