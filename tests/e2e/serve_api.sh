#!/bin/sh
# serve_api.sh - end-to-end over loopback with curl: `evident user` (add,
# list, duplicate refused, short password refused, passwd, remove), then
# `evident serve` on a free port: the page and its assets, sign-in, a
# decision, the CSRF refusal, blinding between two reviewers, a conflict for
# the adjudicator and settling it, /../../etc/passwd is 404, malformed and
# oversized bodies get JSON errors, and a non-loopback --listen warns.
# usage: sh serve_api.sh EVIDENT_BIN WORKDIR   (cwd = source dir)
set -u
EV=$1
W=$2
SRC=$(pwd)
rm -rf "$W"
mkdir -p "$W"
cd "$W" || exit 1

fails=0
ok() { printf 'ok   %s\n' "$1"; }
bad() { printf 'FAIL %s\n' "$1"; fails=$((fails + 1)); }
expect() {
    want=$1; name=$2; shift 2
    "$@" >out 2>err
    got=$?
    if [ "$got" = "$want" ]; then ok "$name (exit $got)"; else
        bad "$name: exit $got, wanted $want"; sed 's/^/    /' err | head -5; fi
}
has() { if grep -qF -- "$2" "$1"; then ok "$3"; else bad "$3: '$2' not in $1"; sed 's/^/    /' "$1" | head -5; fi; }
lacks() { if grep -qF -- "$2" "$1"; then bad "$3: '$2' in $1"; else ok "$3"; fi; }

expect 0 "init" "$EV" init r.evident -q
expect 0 "import" "$EV" import r.evident "$SRC/examples/sample-exports/revtools__restoration_pubmed.nbib" -q
for u in alice:reviewer bob:reviewer carol:adjudicator; do
    echo 'password1' >pw
    expect 0 "user add ${u%%:*}" sh -c "\"$EV\" user add r.evident ${u%%:*} --role ${u##*:} --password-stdin <pw"
done
echo 'password1' >pw
expect 3 "user add refuses an existing name" sh -c "\"$EV\" user add r.evident alice --role reviewer --password-stdin <pw"
echo 'short' >pw
expect 1 "user add refuses a short password" sh -c "\"$EV\" user add r.evident dan --role reviewer --password-stdin <pw"
expect 1 "user add refuses an unknown role" sh -c "\"$EV\" user add r.evident dan --role king --password-stdin <pw"
expect 0 "user list --json" "$EV" user list r.evident --json
has out '"name":"carol","role":"adjudicator"' "list shows roles"
lacks out 'argon2' "list never shows hashes"
echo 'password1' >pw
expect 0 "user add temp" sh -c "\"$EV\" user add r.evident temp --role reviewer --password-stdin <pw"
expect 0 "user remove" "$EV" user remove r.evident temp
expect 2 "user remove unknown" "$EV" user remove r.evident temp
expect 0 "serve --help" "$EV" serve --help
has out "reverse proxy" "serve --help mentions the proxy"

# fontconfig (under cairo, drawing the PRISMA diagram) keeps process-lifetime
# caches that LeakSanitizer would report when the server exits
printf 'leak:libfontconfig\nleak:libcairo\n' >lsan.supp
LSAN_OPTIONS="suppressions=$(pwd)/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}" \
    "$EV" serve r.evident --listen 127.0.0.1:0 >serve.out 2>serve.err &
PID=$!
port=""
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
    port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' serve.out 2>/dev/null)
    [ -n "$port" ] && break
    sleep 0.5
done
[ -n "$port" ] || { bad "serve did not start"; cat serve.err; kill "$PID"; exit 1; }
U=http://127.0.0.1:$port
C() { curl -s --noproxy '*' -o body -w '%{http_code}' "$@"; }
# status NAME WANT CURL-ARGS...
status() { name=$1 want=$2; shift 2; got=$(C "$@"); if [ "$got" = "$want" ]; then ok "$name ($got)"; else bad "$name: HTTP $got, wanted $want"; head -c 300 body; echo; fi; }
login() { # login USER JAR -> prints the csrf token
    curl -s --noproxy '*' -c "$2" -H 'Content-Type: application/json' \
        -d "{\"user\":\"$1\",\"password\":\"password1\"}" "$U/api/login" |
        sed -n 's/.*"csrf":"\([0-9a-f]*\)".*/\1/p'
}
J='Content-Type: application/json'

status "index page" 200 "$U/"
has body '<script src="/app.js"' "index loads the app"
status "app.js" 200 "$U/app.js"
status "path traversal is 404" 404 --path-as-is "$U/../../etc/passwd"
lacks body "root:" "no system file leaks"
status "encoded traversal is 404" 404 --path-as-is "$U/%2e%2e/%2e%2e/etc/passwd"
status "unknown API route" 404 "$U/api/nope"
has body '"code":"not_found"' "unknown route: JSON error"
status "dashboard needs sign-in" 401 "$U/api/dashboard"
status "wrong password" 401 -H "$J" -d '{"user":"alice","password":"nope-nope"}' "$U/api/login"

TA=$(login alice a.jar); TB=$(login bob b.jar); TC=$(login carol c.jar)
[ ${#TA} = 64 ] && ok "alice signs in" || bad "alice signs in"
grep -q HttpOnly a.jar 2>/dev/null || grep -q '#HttpOnly_' a.jar && ok "cookie is HttpOnly" || bad "cookie is HttpOnly"
status "next record" 200 -b a.jar "$U/api/screen/next"
REC=$(sed -n 's/^{"record":{"id":\([0-9]*\).*/\1/p' body)
[ -n "$REC" ] && ok "next has a record ($REC)" || bad "next has a record"
status "decision without CSRF token refused" 403 -b a.jar -H "$J" -d "{\"record\":$REC,\"decision\":\"include\"}" "$U/api/screen/decisions"
has body '"code":"csrf"' "CSRF refusal says so"
status "malformed JSON" 400 -b a.jar -H "X-CSRF-Token: $TA" -H "$J" -d '{"record":' "$U/api/screen/decisions"
head -c 2000000 /dev/zero | tr '\0' ' ' >big
status "oversized body" 413 -b a.jar -H "X-CSRF-Token: $TA" -H "$J" --data-binary @big "$U/api/screen/decisions"
status "alice includes" 200 -b a.jar -H "X-CSRF-Token: $TA" -H "$J" -d "{\"record\":$REC,\"decision\":\"include\"}" "$U/api/screen/decisions"
status "bob reads the record" 200 -b b.jar "$U/api/records/$REC"
lacks body '"reviewer":"alice"' "bob cannot see alice's decision (blinding)"
status "bob excludes" 200 -b b.jar -H "X-CSRF-Token: $TB" -H "$J" -d "{\"record\":$REC,\"decision\":\"exclude\"}" "$U/api/screen/decisions"
status "bob reads it again" 200 -b b.jar "$U/api/records/$REC"
lacks body '"reviewer":"alice"' "still blind while in conflict"
status "reviewers cannot list conflicts" 403 -b b.jar "$U/api/conflicts"
status "adjudicator lists conflicts" 200 -b c.jar "$U/api/conflicts"
has body "\"record\":$REC" "the conflict is listed"
status "adjudicator settles" 200 -b c.jar -H "X-CSRF-Token: $TC" -H "$J" -d '{"decision":"include","reason":"meets criteria"}' "$U/api/conflicts/$REC/settle"
status "settling twice refused" 409 -b c.jar -H "X-CSRF-Token: $TC" -H "$J" -d '{"decision":"exclude"}' "$U/api/conflicts/$REC/settle"
status "deciding a settled record refused" 409 -b a.jar -H "X-CSRF-Token: $TA" -H "$J" -d "{\"record\":$REC,\"decision\":\"exclude\"}" "$U/api/screen/decisions"
status "after settling bob sees alice" 200 -b b.jar "$U/api/records/$REC"
has body '"reviewer":"alice"' "visible after settlement"
status "PRISMA diagram" 200 -b c.jar "$U/api/prisma.svg"
has body '<svg' "PRISMA is SVG"
status "logout" 200 -b a.jar -H "X-CSRF-Token: $TA" -H "$J" -X POST "$U/api/logout"
status "session gone after logout" 401 -b a.jar "$U/api/session"
kill "$PID"
wait "$PID"
rc=$?
[ "$rc" = 0 ] && ok "serve stops cleanly on SIGTERM (exit 0)" || { bad "serve exit $rc after SIGTERM"; tail -5 serve.err; }

"$EV" serve r.evident --listen 0.0.0.0:0 >serve2.out 2>serve2.err &
PID=$!
sleep 1
kill "$PID"; wait "$PID" 2>/dev/null
has serve2.err "TLS reverse proxy" "listening beyond loopback warns"

[ "$fails" = 0 ] && echo "all passed" || echo "$fails failed"
[ "$fails" = 0 ]
