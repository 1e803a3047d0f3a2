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
case "$BIN" in /*) ;; *) BIN="$PWD/$BIN" ;; esac
if [ ! -x "$BIN" ]; then echo "e2e: no tconv binary at $BIN" >&2; exit 2; fi
if ! command -v tmux >/dev/null; then echo "e2e: tmux is not installed" >&2; exit 2; fi

export LC_ALL=C.UTF-8
export SWIFT_BACKTRACE=interactive=no
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tconv-e2e.XXXXXX")
SOCK="$WORK/tmux.sock"
CONF="$WORK/tmux.conf"
cat >"$CONF" <<'EOF'
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

for t in ${E2E_TESTS:-prompt_and_statement completion history ctrl_c show step color_choices suspend resize sizes exit_paths plain}; do
    if selected "$t"; then "test_$t"; fi
done

echo
echo "e2e: $(( $(date +%s) - STARTED ))s"
if [ $FAILED -gt 0 ]; then printf 'failed: %s\n' "${FAILURES[@]}"; fi
echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
[ $FAILED -eq 0 ]
