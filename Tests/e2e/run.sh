#!/usr/bin/env bash
# End-to-end tests of tconv's terminal front end, driving the real binary inside tmux (which gives
# it a pty; CI has no terminal of its own). See shared notes/terminal.md, "Testing a terminal
# program here".
#
#   bash Tests/e2e/run.sh [path/to/tconv] [test-name-filter]
#
# Prints one PASS/FAIL/SKIP line per check, a summary line 'N passed, N failed', and exits non-zero
# when anything failed. Tests that need the language (TConvScript) are skipped while it cannot yet
# evaluate `1 + 2`.
set -u

BIN=${1:-.build/debug/tconv}
FILTER=${2:-}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LESSON="$REPO/Sessions/01-textbook-stride2.tconv"
case "$BIN" in /*) ;; *) BIN="$PWD/$BIN" ;; esac
if [ ! -x "$BIN" ]; then echo "e2e: no tconv binary at $BIN" >&2; exit 2; fi
if ! command -v tmux >/dev/null; then echo "e2e: tmux is not installed" >&2; exit 2; fi

export LC_ALL=C.UTF-8
export SWIFT_BACKTRACE=interactive=no
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tconv-e2e.XXXXXX")
SOCK="$WORK/tmux.sock"
CONF="$WORK/tmux.conf"
# exit-empty off: one server for the whole run. Otherwise killing a test's only session stops the
# server, and the next test's new-session can reach it while it exits ("server exited
# unexpectedly"; seen once in CI, failing the six tests that followed).
cat >"$CONF" <<'EOF'
set -g exit-empty off
set -g default-terminal tmux-256color
set -g remain-on-exit on
set -g status off
set -g escape-time 10
set -g history-limit 2000
EOF
export XDG_STATE_HOME="$WORK/state"
PASSED=0
FAILED=0
SKIPPED=0
FAILURES=()
STARTED=$(date +%s)

tm() { tmux -S "$SOCK" -f "$CONF" "$@"; }
cleanup() {
    tm kill-server >/dev/null 2>&1
    rm -rf "$WORK"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }

# start NAME WIDTH HEIGHT TERM [ENV=VALUE...] [-- ARGS...]: runs tconv in a wrapper that records
# `stty -g` before and after, and the exit status, then keeps the pane open.
start() {
    local name=$1 width=$2 height=$3 term=$4
    shift 4
    local envs=() args=()
    while [ $# -gt 0 ]; do
        if [ "$1" = "--" ]; then shift; args=("$@"); break; fi
        envs+=("$1")
        shift
    done
    rm -f "$WORK/$name".*
    {
        echo '#!/usr/bin/env bash'
        echo "stty -g > '$WORK/$name.before'"
        printf 'env TERM=%q' "$term"
        for e in "${envs[@]+"${envs[@]}"}"; do printf ' %q' "$e"; done
        printf ' %q' "$BIN"
        for a in "${args[@]+"${args[@]}"}"; do printf ' %q' "$a"; done
        printf '\n'
        echo "echo \$? > '$WORK/$name.rc.tmp'"
        echo "stty -g > '$WORK/$name.after'"
        echo "mv '$WORK/$name.rc.tmp' '$WORK/$name.rc'"
        echo "printf 'E2E-EXITED\\n'"
        echo 'exec sleep 600'
    } >"$WORK/$name.sh"
    tm new-session -d -s "$name" -x "$width" -y "$height" "bash '$WORK/$name.sh'"
}

screen() { tm capture-pane -p -t "$1"; }
screen_colors() { tm capture-pane -p -e -N -t "$1"; }
input_line() { screen "$1" | tail -n 1; }
# The tconv process: the child of the pane's wrapper shell (read from /proc: no pgrep needed).
tconv_pid() {
    local parent stat rest
    parent=$(tm display -p -t "$1" '#{pane_pid}')
    for stat in /proc/[0-9]*/stat; do
        rest=$(cat "$stat" 2>/dev/null) || continue
        rest=${rest##*) }                # fields after the command name
        set -- $rest
        if [ "$2" = "$parent" ]; then
            stat=${stat#/proc/}
            echo "${stat%/stat}"
            return 0
        fi
    done
}

# wait_for NAME REGEX [SECONDS]: polls the screen every 50 ms.
wait_for() {
    local name=$1 pattern=$2 seconds=${3:-10}
    local deadline=$(( $(now_ms) + seconds * 1000 ))
    while :; do
        if screen "$name" | grep -qE -- "$pattern"; then return 0; fi
        [ "$(now_ms)" -gt "$deadline" ] && return 1
        sleep 0.05
    done
}

# wait_input NAME REGEX [SECONDS]: the bottom line (readline's input line) matches.
wait_input() {
    local name=$1 pattern=$2 seconds=${3:-10}
    local deadline=$(( $(now_ms) + seconds * 1000 ))
    while :; do
        if input_line "$name" | grep -qE -- "$pattern"; then return 0; fi
        [ "$(now_ms)" -gt "$deadline" ] && return 1
        sleep 0.05
    done
}

wait_colors() {
    local name=$1 pattern=$2 seconds=${3:-10}
    local deadline=$(( $(now_ms) + seconds * 1000 ))
    while :; do
        if screen_colors "$name" | grep -qE -- "$pattern"; then return 0; fi
        [ "$(now_ms)" -gt "$deadline" ] && return 1
        sleep 0.05
    done
}

wait_exit() {
    local name=$1 seconds=${2:-10}
    local deadline=$(( $(now_ms) + seconds * 1000 ))
    while [ ! -f "$WORK/$name.rc" ]; do
        [ "$(now_ms)" -gt "$deadline" ] && return 1
        sleep 0.05
    done
}

type_line() { tm send-keys -t "$1" -l "$2"; tm send-keys -t "$1" Enter; }
keys() { local name=$1; shift; tm send-keys -t "$name" "$@"; }

pass() { PASSED=$((PASSED + 1)); echo "PASS $1"; }
skip() { SKIPPED=$((SKIPPED + 1)); echo "SKIP $1 ($2)"; }
fail() {
    FAILED=$((FAILED + 1))
    FAILURES+=("$1")
    echo "FAIL $1: $2"
    if [ -n "${3:-}" ]; then
        echo "---- screen of $3 ----"
        screen "$3" | sed 's/^/| /'
        echo "----"
    fi
}

# check NAME DESCRIPTION COMMAND...: PASS when the command succeeds.
check() {
    local name=$1 what=$2
    shift 2
    if "$@"; then pass "$what"; else fail "$what" "expected screen not seen" "$name"; fi
}

# restored NAME: the terminal settings and the main screen are back after tconv exited.
restored() {
    local name=$1
    wait_for "$name" 'E2E-EXITED' 30 || return 1
    [ -f "$WORK/$name.before" ] && [ -f "$WORK/$name.after" ] || return 1
    if ! cmp -s "$WORK/$name.before" "$WORK/$name.after"; then
        echo "  stty before: $(cat "$WORK/$name.before")"
        echo "  stty after:  $(cat "$WORK/$name.after")"
        return 1
    fi
    local state
    state=$(tm display -p -t "$name" '#{alternate_on} #{cursor_flag}')
    if [ "$state" != "0 1" ]; then echo "  alternate_on cursor_flag = $state"; return 1; fi
    return 0
}

finish() { tm kill-session -t "$1" >/dev/null 2>&1; }

selected() { [ -z "$FILTER" ] || [[ "$1" == *"$FILTER"* ]]; }

# ---------------------------------------------------------------------------------------------

LANGUAGE=0
if [ "$("$BIN" -c '1 + 2' 2>/dev/null | tr -d '[:space:]')" = "3" ]; then LANGUAGE=1; fi
needs_language() {
    if [ "$LANGUAGE" = 1 ]; then return 0; fi
    skip "$1" "the language cannot evaluate 1 + 2 yet"
    return 1
}

test_prompt_and_statement() {
    local s=basic
    start $s 100 30 tmux-256color
    check $s "prompt appears" wait_input $s '^tconv>( )?$' 30
    check $s "status line shows the colour depth" wait_for $s '256 colours'
    if needs_language "a statement evaluates"; then
        type_line $s "1 + 2"
        check $s "a statement evaluates" wait_for $s '^3$'
        type_line $s "x = [1,"
        check $s "continuation prompt for an open bracket" wait_input $s '^\.\.\.>( )?$'
        type_line $s "2]"
        check $s "the continued statement completes" wait_input $s '^tconv>( )?$'
        # A multi-line paste arrives in one burst: every line runs, in order.
        tm send-keys -t $s -l $'pasted = [10,\n20,\n30]\npasted\n'
        check $s "a multi-line paste runs every line" wait_for $s '^\[10, 20, 30\]$'
        type_line $s '>>> 7 * 6'
        check $s "a pasted '>>> ' prefix is stripped" wait_for $s '^42$'
    fi
    keys $s C-d
    check $s "Ctrl-D exits and restores the terminal" restored $s
    [ "$(cat "$WORK/$s.rc" 2>/dev/null)" = "0" ] && pass "Ctrl-D exit status 0" || fail "Ctrl-D exit status 0" "status $(cat "$WORK/$s.rc" 2>/dev/null)"
    finish $s
}

test_completion() {
    needs_language "Tab completion" || return 0
    local s=complete
    start $s 100 30 tmux-256color
    wait_input $s '^tconv>( )?$' 30
    keys $s -l 'tf.nn.conv2d_t'
    keys $s Tab
    check $s "Tab completes tf.nn.conv2d_transpose" wait_input $s 'tconv> tf\.nn\.conv2d_transpose'
    keys $s C-c
    wait_input $s '^tconv>( )?$'
    keys $s -l 'tf.nn.conv2d_transpose(x, w, stri'
    keys $s Tab
    check $s "Tab completes strides=" wait_input $s 'strides='
    keys $s C-c
    : >"$WORK/zfile_for_completion.tconv"
    keys $s -l "%load $WORK/zfile_for"
    keys $s Tab
    check $s "Tab completes a file name after %load" wait_input $s 'zfile_for_completion\.tconv'

    keys $s C-c C-d
    restored $s >/dev/null
    finish $s
}

test_history() {
    local s=history1
    start $s 100 30 tmux-256color
    wait_input $s '^tconv>( )?$' 30
    type_line $s "a_history_line = 42"
    wait_input $s '^tconv>( )?$'
    keys $s Up
    check $s "Up recalls the previous line" wait_input $s '^tconv> a_history_line = 42$'
    keys $s C-c
    keys $s C-r
    keys $s -l 'history_l'
    check $s "Ctrl-R searches the history" wait_input $s 'reverse-i-search.*a_history_line'
    keys $s C-g C-c
    # Readline 8.2 crashes in callback mode when C-x ends a search and the next key is unbound
    # after C-x; tconv ends the search first.
    keys $s C-r
    keys $s -l 'a'
    keys $s C-x
    keys $s -l ' '
    keys $s -l 'c'
    keys $s C-c
    type_line $s 'still_alive = 1'
    check $s "Ctrl-R then C-x SPC does not crash readline" wait_for $s 'tconv> still_alive = 1'
    keys $s C-d
    restored $s >/dev/null
    finish $s
    if grep -qx 'a_history_line = 42' "$XDG_STATE_HOME/tconv/history" 2>/dev/null; then
        pass "history written to \$XDG_STATE_HOME/tconv/history"
    else
        fail "history written to \$XDG_STATE_HOME/tconv/history" "file: $(cat "$XDG_STATE_HOME/tconv/history" 2>&1)"
    fi
    s=history2
    start $s 100 30 tmux-256color
    wait_input $s '^tconv>( )?$' 30
    keys $s Up
    check $s "history persists across runs" wait_input $s '^tconv> still_alive = 1$'
    keys $s Up
    check $s "older history persists too" wait_input $s '^tconv> a_history_line = 42$'
    keys $s C-c C-d
    restored $s >/dev/null
    finish $s
}

test_ctrl_c() {
    local s=ctrlc
    start $s 100 30 tmux-256color
    wait_input $s '^tconv>( )?$' 30
    keys $s -l 'some unfinished text'
    wait_input $s 'unfinished text'
    keys $s C-c
    check $s "Ctrl-C clears the line" wait_input $s '^tconv>( )?$'
    keys $s C-c
    sleep 0.3   # a negative check: give a wrong exit time to happen
    if [ -f "$WORK/$s.rc" ]; then fail "Ctrl-C on an empty prompt does not exit" "tconv exited" $s; else pass "Ctrl-C on an empty prompt does not exit"; fi
    type_line $s "after_ctrl_c = 1"
    check $s "the session survives Ctrl-C" wait_for $s 'tconv> after_ctrl_c = 1'
    if needs_language "Ctrl-C cancels a long computation"; then
        type_line $s 'big = tf.random.normal([1, 512, 512, 64], seed=1)'
        type_line $s 'wbig = tf.random.normal([5, 5, 64, 64], seed=2)'
        wait_input $s '^tconv>( )?$' 20
        type_line $s 'ybig = tf.nn.conv2d_transpose(big, wbig, output_shape=[1, 1024, 1024, 64], strides=2, padding="SAME")'
        if wait_input $s 'computing' 10; then
            keys $s C-c
            check $s "Ctrl-C cancels a long computation" wait_input $s '^tconv>( )?$' 30
            type_line $s "1 + 1"
            check $s "the session survives a cancelled computation" wait_for $s '^2$'
        else
            fail "Ctrl-C cancels a long computation" "no progress shown" $s
        fi
    fi
    keys $s C-d
    check $s "terminal restored after Ctrl-C use" restored $s
    finish $s
}

test_show() {
    needs_language "%show draws heatmaps" || return 0
    local s=show term
    for term in tmux-256color xterm-256color; do
        s="show-${term%%-*}"
        start $s 100 30 $term
        wait_input $s '^tconv>( )?$' 30
        type_line $s 'hm = tf.reshape(tf.range(64.), [1, 8, 8, 1])'
        type_line $s '%show hm'
        check $s "%show draws a heatmap and focuses the pane ($term)" wait_for $s 'PANE'
        check $s "%show uses 256-colour codes ($term)" wait_colors $s '(38|48);5;[0-9]+'
        keys $s '?'
        check $s "? lists the pane keys ($term)" wait_for $s 'play / pause'
        keys $s q q
        check $s "q returns to the prompt ($term)" wait_input $s '^tconv>( )?$'
        keys $s C-d
        restored $s >/dev/null
        finish $s
    done
    s=show-xterm8
    start $s 100 30 xterm
    wait_input $s '^tconv>( )?$' 30
    type_line $s '%show tf.reshape(tf.range(64.), [1, 8, 8, 1])'
    if wait_colors $s $'\e\\[(4[0-7]|3[0-7])m' && ! screen_colors $s | grep -qE '(38|48);5;'; then
        pass "%show with TERM=xterm uses the 8 ANSI colours"
    else
        fail "%show with TERM=xterm uses the 8 ANSI colours" "no 8-colour codes, or 256-colour codes" $s
    fi
    keys $s q C-d
    restored $s >/dev/null
    finish $s
}

test_step() {
    needs_language "%step playback" || return 0
    local s=step
    start $s 120 40 tmux-256color
    wait_input $s '^tconv>( )?$' 30
    type_line $s 'sx = tf.reshape(tf.range(1., 5.), [1, 4, 1])'
    type_line $s 'sw = tf.ones([3, 2, 1])'
    type_line $s '%step tf.nn.conv1d_transpose(sx, sw, output_shape=[1, 8, 2], strides=2, padding="SAME")'
    check $s "%step shows the trace in the pane" wait_for $s 'PANE .*step [0-9]+/[0-9]+'
    local total first
    total=$(screen $s | grep -oE 'step [0-9]+/[0-9]+' | head -n 1 | cut -d/ -f2)
    first=$(screen $s | grep -oE 'step [0-9]+/[0-9]+' | head -n 1 | sed 's/step //; s,/.*,,')
    keys $s .
    check $s "'.' steps forward" wait_for $s "step $((first + 1))/$total"
    keys $s .
    wait_for $s "step $((first + 2))/$total"
    keys $s ,
    check $s "',' steps back" wait_for $s "step $((first + 1))/$total"
    keys $s G
    check $s "'G' goes to the last step" wait_for $s "step $total/$total"
    keys $s g
    check $s "'g' goes to the first step" wait_for $s "step 1/$total"
    keys $s Space
    check $s "space plays" wait_for $s "step ([2-9]|[1-9][0-9]+)/$total" 5
    keys $s C-c
    wait_for $s 'PANE .*step [0-9]+/' 5
    local before after
    before=$(screen $s | grep -oE 'PANE .*step [0-9]+/' | head -n 1)
    sleep 0.6   # a negative check: playback must not move any more
    after=$(screen $s | grep -oE 'PANE .*step [0-9]+/' | head -n 1)
    if [ -n "$before" ] && [ "$before" = "$after" ] && ! screen $s | grep -q 'playing'; then
        pass "Ctrl-C stops the playback"
    else
        fail "Ctrl-C stops the playback" "before '$before', after '$after'" $s
    fi
    keys $s q
    check $s "q returns to the prompt from playback" wait_input $s '^tconv>( )?$'
    keys $s C-d
    check $s "terminal restored after a playback" restored $s
    finish $s
}

test_color_choices() {
    needs_language "colour choices" || return 0
    local s=nocolor
    start $s 100 30 tmux-256color NO_COLOR=1
    wait_input $s '^tconv>( )?$' 30
    type_line $s '%show tf.reshape(tf.range(64.), [1, 8, 8, 1])'
    wait_for $s 'PANE'
    if screen_colors $s | grep -qE '\[[0-9;]*(38|48);[25];'; then
        fail "NO_COLOR: no colour codes" "colour codes on screen" $s
    else
        pass "NO_COLOR: no colour codes"
    fi
    check $s "NO_COLOR: the heatmap uses the ASCII ramp" wait_for $s '[@%#*+=]{4}'
    keys $s q
    type_line $s '%colors 256'
    type_line $s '%show tf.reshape(tf.range(64.), [1, 8, 8, 1])'
    check $s "%colors 256 switches colour on" wait_colors $s '(38|48);5;[0-9]+'
    keys $s q C-d
    restored $s >/dev/null
    finish $s
    if infocmp xterm-direct >/dev/null 2>&1; then
        s=direct
        start $s 100 30 xterm-direct COLORTERM=truecolor
        wait_input $s '^tconv>( )?$' 30
        check $s "TERM=xterm-direct with COLORTERM=truecolor: 24-bit colour" wait_for $s '24-bit colour'
        type_line $s '%show tf.reshape(tf.range(64.), [1, 8, 8, 1])'
        check $s "24-bit colour codes in the heatmap" wait_colors $s '(38|48);2;[0-9]+;[0-9]+;[0-9]+'
        keys $s q C-d
        restored $s >/dev/null
        finish $s
    else
        skip "24-bit colour with xterm-direct" "no xterm-direct terminfo (Debian: ncurses-term)"
    fi
    s=clocale
    start $s 100 30 tmux-256color LC_ALL=C
    wait_input $s '^tconv>( )?$' 30
    type_line $s '%show tf.reshape(tf.range(64.), [1, 8, 8, 1])'
    wait_for $s 'PANE'
    if screen $s | LC_ALL=C grep -q $'[\x80-\xff]'; then
        fail "C locale: only ASCII on screen" "non-ASCII characters drawn" $s
    else
        pass "C locale: only ASCII on screen"
    fi
    keys $s q C-d
    restored $s >/dev/null
    finish $s
}

test_suspend() {
    # Ctrl-Z needs job control: tconv runs under an interactive shell in this pane.
    local s=suspend
    tm new-session -d -s $s -x 100 -y 20 "env -i HOME='$WORK' PATH='$PATH' TERM=tmux-256color LC_ALL=C.UTF-8 XDG_STATE_HOME='$XDG_STATE_HOME' PS1='E2E-SHELL\$ ' bash --norc --noprofile -i"
    wait_for $s 'E2E-SHELL' 10
    type_line $s "stty -g > '$WORK/suspend.before'; $(printf '%q' "$BIN")"
    wait_input $s '^tconv>( )?$' 30
    type_line $s 'suspended_value = 17'
    keys $s C-z
    if wait_for $s 'Stopped' 10 && [ "$(tm display -p -t $s '#{alternate_on}')" = "0" ]; then
        pass "Ctrl-Z suspends to the shell's main screen"
    else
        fail "Ctrl-Z suspends to the shell's main screen" "no job stop, or still on the alternate screen" $s
    fi
    type_line $s 'fg'
    wait_input $s '^tconv>( )?$' 30
    type_line $s 'suspended_value'
    if [ "$LANGUAGE" = 1 ]; then
        check $s "fg returns to the same session" wait_for $s '^17$'
    else
        check $s "fg returns to the same session" wait_for $s 'tconv> suspended_value$'
    fi
    keys $s C-d
    wait_for $s 'E2E-SHELL.*$' 10
    type_line $s "stty -g > '$WORK/suspend.after.tmp' && mv '$WORK/suspend.after.tmp' '$WORK/suspend.after'"
    local deadline=$(( $(now_ms) + 10000 ))
    while [ ! -f "$WORK/suspend.after" ] && [ "$(now_ms)" -lt "$deadline" ]; do sleep 0.05; done
    if cmp -s "$WORK/suspend.before" "$WORK/suspend.after" && [ "$(tm display -p -t $s '#{alternate_on}')" = "0" ]; then
        pass "terminal restored after Ctrl-Z, fg and Ctrl-D"
    else
        fail "terminal restored after Ctrl-Z, fg and Ctrl-D" "stty or alternate screen differ" $s
    fi
    finish $s
}

test_resize() {
    local s=resize
    start $s 80 24 tmux-256color
    wait_input $s '^tconv>( )?$' 30
    tm resize-window -t $s -x 120 -y 40
    check $s "resize re-lays out the screen (120x40)" wait_for $s '^ tconv .{90,}Ctrl-D quits *$'
    if [ "$(screen $s | wc -l)" -eq 40 ] && input_line $s | grep -q '^tconv>'; then
        pass "the input line follows the resize"
    else
        fail "the input line follows the resize" "input not on row 40" $s
    fi
    tm resize-window -t $s -x 20 -y 5
    check $s "a too-small terminal shows a clear message" wait_for $s 'too small'
    tm resize-window -t $s -x 80 -y 24
    check $s "back to normal size, the prompt returns" wait_input $s '^tconv>( )?$'
    keys $s C-d
    check $s "terminal restored after resizes" restored $s
    finish $s
}

test_sizes() {
    local size s
    if needs_language "a pane in a 40x10 terminal"; then
        s=size-small-pane
        start $s 40 10 xterm-256color
        wait_input $s '^tconv>( )?$' 30
        type_line $s '%show tf.range(6.)'
        check $s "40x10: the pane is hidden with a clear note" wait_for $s 'pane hidden'
        tm resize-window -t $s -x 80 -y 24
        keys $s Tab
        check $s "enlarged to 80x24, Tab moves to the pane" wait_for $s 'PANE'
        keys $s q C-d
        restored $s >/dev/null || fail "restore after the small pane" "terminal not restored" $s
        finish $s
    fi
    for size in 80x24 120x40 40x10; do
        s="size-$size"
        start $s "${size%x*}" "${size#*x}" xterm-256color
        check $s "prompt and status at $size" wait_input $s '^tconv>( )?$' 30
        if ! screen $s | grep -q 'tconv'; then fail "status line at $size" "missing" $s; fi
        keys $s C-d
        restored $s >/dev/null || fail "restore at $size" "terminal not restored" $s
        finish $s
    done
    s=size-tiny
    start $s 20 5 xterm-256color
    check $s "starting in a 20x5 terminal shows the too-small message" wait_for $s 'too small' 30
    keys $s C-d
    check $s "Ctrl-D leaves a too-small terminal and restores it" restored $s
    finish $s
}

test_exit_paths() {
    local s
    s=exit-quit
    if needs_language "%quit restores the terminal"; then
        start $s 100 30 tmux-256color
        wait_input $s '^tconv>( )?$' 30
        type_line $s '%quit'
        check $s "%quit restores the terminal" restored $s
        finish $s
    fi
    s=exit-term
    start $s 100 30 tmux-256color
    wait_input $s '^tconv>( )?$' 30
    kill -TERM "$(tconv_pid $s)"
    check $s "SIGTERM restores the terminal" restored $s
    [ "$(cat "$WORK/$s.rc" 2>/dev/null)" = "143" ] && pass "SIGTERM exit status 143" || fail "SIGTERM exit status 143" "status $(cat "$WORK/$s.rc" 2>/dev/null)"
    finish $s
    s=exit-hup
    start $s 100 30 tmux-256color
    wait_input $s '^tconv>( )?$' 30
    kill -HUP "$(tconv_pid $s)"
    check $s "SIGHUP restores the terminal" restored $s
    finish $s
    s=exit-term-busy
    start $s 100 30 tmux-256color
    wait_input $s '^tconv>( )?$' 30
    keys $s -l 'partly typed'
    kill -TERM "$(tconv_pid $s)"
    check $s "SIGTERM with a partly typed line restores the terminal" restored $s
    finish $s
    s=exit-crash
    start $s 100 30 tmux-256color TCONV_TEST_CRASH=1
    wait_input $s '^tconv>( )?$' 30
    type_line $s '%crash'
    check $s "a crash restores the terminal" restored $s
    local rc
    rc=$(cat "$WORK/$s.rc" 2>/dev/null)
    if [ -n "$rc" ] && [ "$rc" -ge 128 ]; then pass "a crash still dies by its signal (status $rc)"; else fail "a crash still dies by its signal" "status '$rc'" $s; fi
    check $s "the crash report reaches the terminal after the screen is restored" wait_for $s '(Crash|crash|Segmentation|SIGSEGV|fault)'
    finish $s
}

test_plain() {
    local s=plain-dumb
    start $s 100 30 dumb
    check $s "TERM=dumb gives the plain readline prompt" wait_for $s '^tconv>( )?$' 30
    if [ "$(tm display -p -t $s '#{alternate_on}')" = "0" ]; then pass "TERM=dumb stays on the main screen"; else fail "TERM=dumb stays on the main screen" "alternate screen on" $s; fi
    type_line $s 'plain_line = 1'
    check $s "plain mode reads a line and prompts again" wait_for $s 'tconv> plain_line = 1'
    keys $s -l 'abc'
    keys $s C-c
    check $s "Ctrl-C in plain mode cancels the line" wait_for $s '\^C'
    if [ "$LANGUAGE" = 1 ]; then
        type_line $s 'big = tf.random.normal([1, 512, 512, 64], seed=1)'
        type_line $s 'wbig = tf.random.normal([5, 5, 64, 64], seed=2)'
        type_line $s 'ybig = tf.nn.conv2d_transpose(big, wbig, output_shape=[1, 1024, 1024, 64], strides=2, padding="SAME")'
        if wait_for $s 'computing' 20; then
            keys $s C-c
            check $s "plain mode: Ctrl-C cancels a long computation" wait_for $s 'cancel' 10
            type_line $s '6 * 7'
            check $s "plain mode: the session survives the cancel" wait_for $s '^42$'
        else
            fail "plain mode: Ctrl-C cancels a long computation" "no progress shown" $s
        fi
    fi
    keys $s C-d
    check $s "plain mode restores the terminal" restored $s
    finish $s
    s=plain-term
    start $s 100 30 dumb
    wait_for $s '^tconv>( )?$' 30
    keys $s -l 'typed but not entered'
    kill -TERM "$(tconv_pid $s)"
    check $s "plain mode: SIGTERM restores the terminal" restored $s
    finish $s
    s=plain-flag
    start $s 100 30 xterm-256color -- --plain
    check $s "--plain gives the readline prompt without the pane" wait_for $s '^tconv>( )?$' 30
    keys $s C-d
    restored $s >/dev/null && pass "--plain restores the terminal" || fail "--plain restores the terminal" "" $s
    finish $s
    # No terminal at all: lines from a pipe, errors on stderr, exit 1 on a failed statement.
    local out rc
    out=$(printf '%s\n' 'this is not valid ((' | "$BIN" 2>&1 >/dev/null); rc=$?
    if [ $rc -eq 1 ] && printf '%s' "$out" | grep -q 'error\['; then pass "piped input ending inside a statement: error on stderr, exit 1"; else fail "piped input ending inside a statement: error on stderr, exit 1" "status $rc, stderr: $out"; fi
    if needs_language "piped input: a failed statement gives exit 1"; then
        out=$(printf '%s\n' 'a = 1' 'no_such_name_xyz + 1' 'a' | "$BIN" 2>&1); rc=$?
        if [ $rc -eq 1 ] && printf '%s' "$out" | grep -q 'error\[' && printf '%s' "$out" | grep -qx '1'; then
            pass "piped input: a failed statement gives exit 1, the rest still runs"
        else
            fail "piped input: a failed statement gives exit 1, the rest still runs" "status $rc: $out"
        fi
    fi
    out=$("$BIN" --bogus 2>&1); rc=$?
    if [ $rc -eq 2 ] && printf '%s' "$out" | grep -q "unknown option"; then pass "usage error: exit 2"; else fail "usage error: exit 2" "status $rc: $out"; fi
    needs_language "run reports errors with a place" || return 0
    printf 'this is not valid ((\n' >"$WORK/bad.tconv"
    out=$("$BIN" run "$WORK/bad.tconv" 2>&1 >/dev/null); rc=$?
    if [ $rc -eq 1 ] && printf '%s' "$out" | grep -qE "bad\.tconv:1:[0-9]+: error\[[a-z_]+\]:"; then
        pass "run: file:LINE:COL: error[category] on stderr, exit 1"
    else
        fail "run: file:LINE:COL: error[category] on stderr, exit 1" "status $rc: $out"
    fi
    printf '%s\n' '# tconv session v1' 'undefined_thing_xyz' '#=> error[name]: recorded on purpose' 'a = 5' 'a' '#=> 5' >"$WORK/lesson.tconv"
    out=$("$BIN" run "$WORK/lesson.tconv" 2>&1); rc=$?
    if [ $rc -eq 0 ] && printf '%s' "$out" | grep -q 'error\[name\]'; then
        pass "run: an error the file records (#=> error[...]) is expected, exit 0"
    else
        fail "run: an error the file records (#=> error[...]) is expected, exit 0" "status $rc: $out"
    fi
    out=$("$BIN" replay --check "$WORK/lesson.tconv" 2>&1); rc=$?
    if [ $rc -eq 1 ] && printf '%s' "$out" | grep -q 'differ'; then
        pass "replay --check reports a difference from the recording, exit 1"
    else
        fail "replay --check reports a difference from the recording, exit 1" "status $rc: $out"
    fi
    if needs_language "-c evaluates statements"; then
        out=$("$BIN" -c 'a = 2; a * 3' 2>&1); rc=$?
        [ $rc -eq 0 ] && [ "$(printf '%s' "$out" | tr -d '[:space:]')" = "6" ] && pass "-c evaluates statements" || fail "-c evaluates statements" "status $rc: $out"
    fi
}

# ---- Lessons: replay, presenter mode, writes, casts ---------------------------------------------

# status NAME REGEX: the status line (the row holding the replay's key hint) matches.
replay_status() { screen "$1" | grep -E -- 'q quit *$' | grep -qE -- "$2"; }
wait_status() {
    local name=$1 pattern=$2 seconds=${3:-10}
    local deadline=$(( $(now_ms) + seconds * 1000 ))
    while :; do
        if replay_status "$name" "$pattern"; then return 0; fi
        [ "$(now_ms)" -gt "$deadline" ] && return 1
        sleep 0.05
    done
}
# gone NAME REGEX: a negative check after a move (the move was seen to finish first).
gone() { ! screen "$1" | grep -qE -- "$2"; }

test_replay() {
    needs_language "replay" || return 0
    local s=replay
    cp "$LESSON" "$WORK/lesson1.tconv"
    start $s 120 40 tmux-256color -- replay "$WORK/lesson1.tconv"
    check $s "replay: the first statement appears at the prompt" wait_input $s '^tconv> x = tf\.reshape\(tf\.range\(1\., 5\.\), \[1, 2, 2, 1\]\)' 30
    check $s "replay: narration is shown" wait_for $s 'The input: a 2x2 map holding 1, 2, 3, 4'
    check $s "replay: the status line says where the lesson is" wait_status $s 'statement 1/13 · setup'
    keys $s Enter
    check $s "replay: Enter runs it and shows the next statement" wait_input $s '^tconv> x\[0, :, :, 0\]'
    keys $s Space
    check $s "replay: space runs a statement, its output appears" wait_for $s '^ \[3\. 4\.\]\]$'
    check $s "replay: outputs are checked against the recording" wait_status $s '✓ 2 match'
    keys $s ,
    if wait_input $s '^tconv> x\[0, :, :, 0\]' && wait_status $s 'statement 2/13' && gone $s '^ \[3\. 4\.\]\]$'; then
        pass "replay: ',' steps back one statement (its output is gone)"
    else
        fail "replay: ',' steps back one statement (its output is gone)" "" $s
    fi
    keys $s Enter
    check $s "replay: running it again gives the same output back" wait_for $s '^ \[3\. 4\.\]\]$'
    keys $s ']'
    check $s "replay: ']' jumps to the next marker" wait_status $s 'statement 5/13 · scatter'
    check $s "replay: the marker's narration is shown" wait_for $s 'Watch the scatter\.'
    check $s "replay: the marker's statement is at the prompt" wait_input $s '^tconv> y = tf\.nn\.conv2d_transpose'
    keys $s Enter
    check $s "replay: '#: step' plays the scatter in the pane" wait_for $s 'step [0-9]+/36 .*steps/s'
    local first later
    first=$(screen $s | grep -oE 'step [0-9]+/36' | head -n 1)
    check $s "replay: the scatter advances by itself" wait_for $s "step ([2-9]|[1-3][0-9])/36"
    later=$(screen $s | grep -oE 'step [0-9]+/36' | head -n 1)
    [ "$first" != "$later" ] || fail "replay: the scatter moved" "still at $first" $s
    keys $s '['
    check $s "replay: '[' goes back to the marker before" wait_status $s 'statement 5/13 · scatter'
    keys $s '['
    check $s "replay: '[' again reaches the first marker" wait_status $s 'statement 1/13 · setup'
    keys $s g 1 0 Enter
    check $s "replay: 'g 10 Enter' goes to statement 10" wait_status $s 'statement 10/13 · channels'
    check $s "replay: after 'g' the state is rebuilt (w3 is shown next)" wait_input $s '^tconv> w3 = tf\.random\.normal'
    check $s "replay: the statements before it ran (x3 is in the transcript)" wait_for $s '^tconv> x3 = tf\.random\.normal'
    keys $s '?'
    check $s "replay: '?' lists the replay keys" wait_for $s 'go to statement number'
    keys $s x
    check $s "replay: any key closes the key list" wait_for $s 'w3 = tf\.random\.normal'
    keys $s q
    check $s "replay: q quits and restores the terminal (stty, main screen)" restored $s
    [ "$(cat "$WORK/$s.rc" 2>/dev/null)" = "0" ] && pass "replay: exit status 0" || fail "replay: exit status 0" "status $(cat "$WORK/$s.rc" 2>/dev/null)"
    finish $s
}

test_replay_difference() {
    needs_language "replay flags differences" || return 0
    local s=replay-diff
    sed 's/^#=> 36\.0$/#=> 35.0/' "$LESSON" >"$WORK/tampered.tconv"
    start $s 120 40 tmux-256color -- replay "$WORK/tampered.tconv"
    wait_input $s '^tconv> x = ' 30
    keys $s g 7 Enter
    check $s "a tampered lesson: 'g 7' shows the tampered statement" wait_input $s '^tconv> y\[0, 2, 2, 0\]'
    if screen $s | grep -q 'DIFFERS'; then fail "a tampered lesson: no flag before the statement runs" "" $s; fi
    keys $s Enter
    check $s "a tampered lesson: the difference is flagged" wait_for $s 'DIFFERS from the recording \(line 37\)'
    if wait_for $s '^    35\.0$' && wait_for $s '^    36\.0$' && screen $s | grep -q 'recorded:' && screen $s | grep -q 'now:'; then
        pass "a tampered lesson: both texts are shown"
    else
        fail "a tampered lesson: both texts are shown" "" $s
    fi
    check $s "a tampered lesson: the status line counts it" wait_status $s '✗ 1 of 7 differs'
    if screen_colors $s | grep 'DIFFERS' | grep -qE '38;5;(203|196|9|160)'; then pass "a tampered lesson: the flag is red"; else fail "a tampered lesson: the flag is red" "" $s; fi
    keys $s q
    restored $s >/dev/null || fail "restore after a tampered replay" "" $s
    finish $s
    local out rc
    out=$("$BIN" replay "$WORK/tampered.tconv" </dev/null 2>&1); rc=$?
    if [ $rc -eq 1 ] && printf '%s\n' "$out" | grep -q 'DIFFERS from the recording (line 37)' && printf '%s\n' "$out" | grep -qx '    35.0'; then
        pass "plain replay: a transcript that flags the difference, exit 1"
    else
        fail "plain replay: a transcript that flags the difference, exit 1" "status $rc"
    fi
}

test_replay_plain() {
    needs_language "plain replay of every lesson" || return 0
    local out rc lesson failed=0
    out=$("$BIN" replay "$LESSON" </dev/null 2>&1); rc=$?
    if [ $rc -eq 0 ] && printf '%s\n' "$out" | grep -q '^── marker: scatter ──$' \
        && printf '%s\n' "$out" | grep -q '^» Watch the scatter\.$\|Watch the scatter' \
        && printf '%s\n' "$out" | grep -q '^tconv> y = tf\.nn\.conv2d_transpose' \
        && printf '%s\n' "$out" | grep -q 'every output matches the recording'; then
        pass "plain replay: markers, narration, statements and outputs in order, exit 0"
    else
        fail "plain replay: markers, narration, statements and outputs in order, exit 0" "status $rc"
    fi
    for lesson in "$REPO"/Sessions/*.tconv; do
        if ! "$BIN" replay "$lesson" </dev/null >"$WORK/transcript.txt" 2>&1; then
            failed=1
            echo "  $(basename "$lesson"): $(grep -m1 'DIFFERS' "$WORK/transcript.txt")"
        fi
    done
    [ $failed -eq 0 ] && pass "every lesson in Sessions/ replays with no flagged difference" || fail "every lesson in Sessions/ replays with no flagged difference" ""
    printf '%s\n' '# tconv session v2' 'x = 1' >"$WORK/newer.tconv"
    out=$("$BIN" replay "$WORK/newer.tconv" </dev/null 2>&1); rc=$?
    if [ $rc -eq 3 ] && printf '%s' "$out" | grep -q 'tconv session v2; this tconv reads up to v1 (a newer tconv wrote it)'; then
        pass "a newer-version file is refused with a clear message (exit 3)"
    else
        fail "a newer-version file is refused with a clear message (exit 3)" "status $rc: $out"
    fi
}

test_replay_newer() {
    local s=replay-newer
    printf '%s\n' '# tconv session v2' 'x = 1' >"$WORK/newer.tconv"
    start $s 100 30 tmux-256color -- replay "$WORK/newer.tconv"
    check $s "full screen: a newer-version file is refused with a clear message" wait_for $s 'a newer tconv wrote it' 30
    check $s "full screen: the refusal leaves the terminal as it was" restored $s
    [ "$(cat "$WORK/$s.rc" 2>/dev/null)" = "3" ] && pass "full screen: newer file, exit status 3" || fail "full screen: newer file, exit status 3" "status $(cat "$WORK/$s.rc" 2>/dev/null)"
    finish $s
    needs_language "%replay from the prompt" || return 0
    s=replay-from-prompt
    cp "$LESSON" "$WORK/lesson1.tconv"
    start $s 100 30 tmux-256color
    wait_input $s '^tconv>( )?$' 30
    type_line $s 'mine = 42'
    type_line $s "%replay $WORK/newer.tconv"
    check $s "%replay of a newer file: the message area says why" wait_for $s 'a newer tconv wrote it'
    type_line $s "%replay $WORK/lesson1.tconv"
    check $s "%replay plays the lesson in the full screen" wait_input $s '^tconv> x = tf\.reshape' 15
    keys $s Enter Enter
    wait_status $s 'statement 3/13'
    keys $s q
    check $s "q leaves the replay for the prompt" wait_input $s '^tconv>( )?$'
    check $s "the prompt's session is as it was" wait_for $s 'left the replay of lesson1\.tconv at statement 3/13'
    type_line $s 'mine'
    check $s "the session's variables survive a replay" wait_for $s '^42$'
    kill -TERM "$(tconv_pid $s)"
    restored $s >/dev/null || fail "restore after %replay" "" $s
    finish $s
    s=replay-term
    start $s 100 30 tmux-256color -- replay "$WORK/lesson1.tconv"
    wait_input $s '^tconv> x = ' 30
    keys $s Enter ']'
    wait_status $s 'scatter'
    kill -TERM "$(tconv_pid $s)"
    check $s "SIGTERM during a replay restores the terminal" restored $s
    finish $s
}

test_replay_writes() {
    needs_language "replayed writes" || return 0
    local s=replay-writes target="$WORK/written.npy"
    rm -f "$target"
    printf '%s\n' '# tconv session v1' '#: say Save a result.' 'a = tf.range(4.)' "np.save(\"$target\", a)" 'a' \
        '#=> <tensor [4] float32>' '#=> [0. 1. 2. 3.]' >"$WORK/writes.tconv"
    start $s 100 30 tmux-256color -- replay "$WORK/writes.tconv"
    wait_input $s '^tconv> a = ' 30
    keys $s Enter
    wait_input $s '^tconv> np\.save'
    keys $s Enter
    check $s "a replayed np.save is asked in the message area (y/N)" wait_for $s "np\.save would write '.*written\.npy'\. Allow\? \[y/N\]"
    keys $s Enter
    check $s "Enter refuses the write (default no)" wait_for $s 'was declined'
    [ ! -e "$target" ] && pass "a refused write writes nothing" || fail "a refused write writes nothing" "the file exists" $s
    keys $s q
    restored $s >/dev/null
    finish $s
    s=replay-writes-yes
    start $s 100 30 tmux-256color -- replay "$WORK/writes.tconv"
    wait_input $s '^tconv> a = ' 30
    keys $s Enter Enter
    wait_for $s 'Allow\? \[y/N\]'
    keys $s y
    check $s "y allows the write" wait_input $s '^tconv> a +⏎ run'
    local deadline=$(( $(now_ms) + 5000 ))
    while [ ! -e "$target" ] && [ "$(now_ms)" -lt "$deadline" ]; do sleep 0.05; done
    [ -e "$target" ] && pass "an allowed write is written" || fail "an allowed write is written" "no file" $s
    keys $s q
    restored $s >/dev/null
    finish $s
    rm -f "$target"
    s=replay-writes-allowed
    start $s 100 30 tmux-256color -- replay --allow-writes "$WORK/writes.tconv"
    wait_input $s '^tconv> a = ' 30
    keys $s Enter Enter
    check $s "--allow-writes: the write happens without a question" wait_input $s '^tconv> a +⏎ run'
    if [ -e "$target" ] && ! screen $s | grep -q 'Allow?'; then pass "--allow-writes: the file is written"; else fail "--allow-writes: the file is written" "" $s; fi
    keys $s q
    restored $s >/dev/null
    finish $s
    rm -f "$target"
    local out rc
    out=$("$BIN" replay "$WORK/writes.tconv" </dev/null 2>&1); rc=$?
    if [ $rc -eq 1 ] && [ ! -e "$target" ] && printf '%s' "$out" | grep -q 'not allowed in this session' && printf '%s' "$out" | grep -q -- '--allow-writes'; then
        pass "plain replay refuses the write, naming --allow-writes"
    else
        fail "plain replay refuses the write, naming --allow-writes" "status $rc: $out"
    fi
    out=$("$BIN" replay --allow-writes "$WORK/writes.tconv" </dev/null 2>&1); rc=$?
    [ $rc -eq 0 ] && [ -e "$target" ] && pass "plain replay with --allow-writes writes the file" || fail "plain replay with --allow-writes writes the file" "status $rc: $out"
    rm -f "$target"
    "$BIN" run "$WORK/writes.tconv" >/dev/null 2>&1
    [ -e "$target" ] && pass "tconv run still writes (scripts save their results)" || fail "tconv run still writes (scripts save their results)" "no file"
    printf '%s\n' '# tconv session v1' 'x = tf.range(3.)' "%export cast $WORK/refused.cast" >"$WORK/castwrite.tconv"
    out=$("$BIN" replay "$WORK/castwrite.tconv" </dev/null 2>&1); rc=$?
    [ $rc -eq 1 ] && [ ! -e "$WORK/refused.cast" ] && printf '%s' "$out" | grep -q 'not allowed' && pass "%export cast in a replayed file is refused like other writes" || fail "%export cast in a replayed file is refused like other writes" "status $rc: $out"
}

test_no_shell() {
    needs_language "no shell commands" || return 0
    local marker="$WORK/shell-ran" out statement
    for statement in "!touch $marker" "%sx touch $marker" "%system touch $marker" "import os; os.system('touch $marker')" \
        "os.system('touch $marker')" "__import__('os').system('touch $marker')" "subprocess.run(['touch', '$marker'])" \
        "eval(\"__import__('os').system('touch $marker')\")" "exec(\"open('$marker', 'w')\")" "open('$marker', 'w')"; do
        out=$("$BIN" -c "$statement" 2>&1)
        if [ -e "$marker" ] || ! printf '%s' "$out" | grep -q 'error\['; then
            fail "nothing runs a shell command: $statement" "$out"
            rm -f "$marker"
            return
        fi
    done
    printf '%s\n' '# tconv session v1' "!touch $marker" "os.system('touch $marker')" >"$WORK/shell.tconv"
    "$BIN" replay --allow-writes "$WORK/shell.tconv" </dev/null >/dev/null 2>&1
    [ ! -e "$marker" ] && pass "nothing in the language runs shell commands (10 spellings, also in a replay)" || fail "nothing in the language runs shell commands" "a command ran"
}

test_presenter() {
    needs_language "presenter mode" || return 0
    local s=presenter
    start $s 80 24 tmux-256color -- replay --present "$LESSON"
    check $s "presenter 80x24: narration is visible" wait_for $s 'The input: a 2x2 map holding' 30
    if wait_input $s '^▶ x = tf\.reshape' && ! screen $s | grep -q '^tconv>'; then
        pass "presenter: no prompt, the statement shown after a mark"
    else
        fail "presenter: no prompt, the statement shown after a mark" "" $s
    fi
    [ "$(tm display -p -t $s '#{cursor_flag}')" = "0" ] && pass "presenter: no blinking cursor (keys only)" || fail "presenter: no blinking cursor (keys only)" "cursor shown" $s
    check $s "presenter: the narration band is high contrast (white on blue)" wait_colors $s '38;5;231.*48;5;18|48;5;18.*38;5;231'
    keys $s Space
    check $s "presenter: space advances" wait_input $s '^▶ x\[0, :, :, 0\]'
    keys $s ']'
    # The statement is longer than 80 columns: it wraps, its last row is the bottom line.
    check $s "presenter: ']' jumps to the next marker" wait_for $s '^▶ y = tf\.nn\.conv2d_transpose'
    check $s "presenter: the marker's narration is shown large" wait_for $s '^» Each input cell paints value x kernel'
    keys $s Enter
    check $s "presenter: the step plays in the pane" wait_for $s '^x\[0,[01],[01],0\]=[1-4] × w\[[0-2],[0-2],0,0\]=[1-9] → y\[0,[0-4],[0-4],0\] \+= '
    check $s "presenter: the scatter plays to its end" wait_for $s '^ +21 +24 +55 +32 +36 *$' 20
    check $s "presenter: the narration stays up while its part runs" wait_for $s '^» Each input cell paints value x kernel'
    if screen $s | grep -qE '^ +1 +2 +1 +2 +3 '; then pass "presenter: cells 4 columns wide"; else fail "presenter: cells 4 columns wide" "" $s; fi
    keys $s ,
    check $s "presenter: ',' goes back" wait_for $s '^▶ y = tf\.nn\.conv2d_transpose'
    keys $s '['
    check $s "presenter: '[' goes to the previous marker" wait_input $s '^▶ x = tf\.reshape'
    keys $s NPage
    check $s "presenter: a clicker's PgDn advances" wait_input $s '^▶ x\[0, :, :, 0\]'
    keys $s PPage
    check $s "presenter: a clicker's PgUp goes back" wait_input $s '^▶ x = tf\.reshape'
    [ "$(screen $s | wc -l)" -eq 24 ] && [ "$(screen $s | wc -L)" -le 80 ] && pass "presenter: everything fits 80x24" || fail "presenter: everything fits 80x24" "" $s
    keys $s q
    check $s "presenter: q quits and restores the terminal" restored $s
    finish $s
    s=presenter-repl
    start $s 80 24 tmux-256color -- --present
    wait_input $s '^tconv>( )?$' 30
    check $s "tconv --present: the status line says presenter" wait_for $s 'presenter'
    type_line $s '%step tf.nn.conv1d_transpose(tf.reshape(tf.range(1., 5.), [1, 4, 1]), tf.ones([3, 2, 1]), output_shape=[1, 8, 2], strides=2, padding="SAME")'
    wait_for $s 'PANE'
    keys $s Space
    check $s "tconv --present: the prompt is hidden while the pane plays" wait_input $s '^space play'
    keys $s q
    check $s "tconv --present: q gives the prompt back" wait_input $s '^tconv>( )?$'
    type_line $s '%present'
    check $s "%present switches presenter mode off" wait_for $s 'presenter mode off'
    keys $s C-d
    restored $s >/dev/null || fail "restore after presenter REPL" "" $s
    finish $s
}

test_cast() {
    needs_language "asciicast recording" || return 0
    local out rc cast="$WORK/lesson1.cast"
    out=$("$BIN" replay --cast "$cast" "$LESSON" 2>&1); rc=$?
    if [ $rc -ne 0 ] || [ ! -s "$cast" ]; then fail "replay --cast writes a recording" "status $rc: $out"; return; fi
    pass "replay --cast writes a recording"
    if ! command -v python3 >/dev/null; then skip "the cast parses as asciicast v2" "no python3"; return; fi
    local labels
    labels=$(grep '^#: marker ' "$LESSON" | sed 's/^#: marker //' | paste -sd '|')
    if python3 - "$cast" "$labels" <<'PY'
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
assert lines[-1] == "", "no final newline"
header = json.loads(lines[0])
assert header["version"] == 2 and header["width"] == 100 and header["height"] == 30, header
assert isinstance(header["timestamp"], int) and isinstance(header["title"], str), header
events = [json.loads(l) for l in lines[1:-1]]
times = [e[0] for e in events]
assert all(a <= b for a, b in zip(times, times[1:])), "times go back"
assert {e[1] for e in events} <= {"o", "m"}, "unknown event kinds"
markers = [e[2] for e in events if e[1] == "m"]
assert "|".join(markers) == sys.argv[2], (markers, sys.argv[2])
out = "".join(e[2] for e in events if e[1] == "o")
assert "Watch the scatter." in out and "step 36/36" in out and "[21. 24. 55. 32. 36.]" in out
assert 20 < times[-1] < 300, times[-1]
PY
    then pass "the cast parses as asciicast v2: header, monotonic times, o/m events, the lesson's markers"
    else fail "the cast parses as asciicast v2" "see above"; fi
    # What the cast draws, replayed in a real terminal, is the replay screen.
    python3 - "$cast" "$WORK/cast.out" <<'PY'
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")[1:-1]
open(sys.argv[2], "w", encoding="utf-8").write("".join(json.loads(l)[2] for l in lines if json.loads(l)[1] == "o"))
PY
    local s=cast-view
    tm new-session -d -s $s -x 100 -y 30 "cat '$WORK/cast.out'; exec sleep 600"
    check $s "the cast's last frame shows the end of the lesson" wait_for $s 'end of the lesson: 13 statements, every output matches the recording'
    finish $s
}

for t in ${E2E_TESTS:-prompt_and_statement completion history ctrl_c show step color_choices suspend resize sizes exit_paths plain replay replay_difference replay_plain replay_newer replay_writes no_shell presenter cast}; do
    if selected "$t"; then "test_$t"; fi
done

echo
echo "e2e: $(( $(date +%s) - STARTED ))s"
if [ $FAILED -gt 0 ]; then printf 'failed: %s\n' "${FAILURES[@]}"; fi
echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
[ $FAILED -eq 0 ]
