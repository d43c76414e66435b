#!/usr/bin/env bash
# Runs the demo: the web app on http://127.0.0.1:5000 and the mail drainer, which prints
# every e-mail (such as sign-in links) to this console instead of sending it.
set -euo pipefail
BIN=.venv/bin
"$BIN/flask" outbox drain --loop --interval 2 &
drainer=$!
trap 'kill $drainer 2>/dev/null || true' EXIT INT TERM
cat <<'MSG'

  Leercultuur demo: http://127.0.0.1:5000

  Sign in as a demo person:
    - admin of Metaalbedrijf Van Dijk:  e-mail  anna.admin@vandijk.example
    - team manager:                     e-mail  mark.manager@vandijk.example
    - shop-floor worker (no e-mail):    username  piet.w  with PIN  482913
    - union learning rep (3 orgs):      e-mail  sanne.rep@fnv.example
  Ask for a sign-in link; the e-mail with the link appears below in this console.

MSG
exec "$BIN/flask" run --host 127.0.0.1 --port 5000
