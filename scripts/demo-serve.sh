#!/usr/bin/env bash
# Runs the demo: the web app on http://127.0.0.1:5000, the scheduler (plans the demo's
# nudge campaigns on time) and the mail drainer, which prints every e-mail (sign-in links,
# nudges) to this console instead of sending it. Ctrl-C stops all three.
set -euo pipefail
BIN=.venv/bin
pids=()

stop_all() {
    trap - EXIT INT TERM
    if ((${#pids[@]})); then
        kill "${pids[@]}" 2>/dev/null || true
        wait "${pids[@]}" 2>/dev/null || true
    fi
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$BIN/flask" scheduler run &
pids+=($!)
"$BIN/flask" outbox drain --loop --interval 2 &
pids+=($!)
cat <<'MSG'

  Leercultuur demo: http://127.0.0.1:5000

  Sign in as a demo person:
    - admin of Metaalbedrijf Van Dijk:  e-mail  anna.admin@vandijk.example
    - team manager:                     e-mail  mark.manager@vandijk.example
    - head of production (a unit):      e-mail  hanneke.jonker@vandijk.example
    - shop-floor worker (no e-mail):    username  piet.w  with PIN  482913
    - union learning rep (3 orgs):      e-mail  sanne.rep@fnv.example
  Ask for a sign-in link; the e-mail with the link appears below in this console.

  Manager KPIs: a year of demo history at Van Dijk. Mark sees his warehouse team;
  Hanneke sees Productie, where the maintenance team (3 people) is too small to show.

  Nudges: the scheduler plans Van Dijk's demo campaigns at once and then on their
  schedule. In-app nudges show under the bell; nudge e-mails appear below, outside the
  company's quiet hours (20:00-8:00 and weekends).

MSG
"$BIN/flask" run --host 127.0.0.1 --port 5000 &
pids+=($!)
# When any of the three stops, stop the others too.
wait -n
