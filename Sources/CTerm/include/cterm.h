// CTerm: the only C in tconv. A thin shim over ncursesw, GNU readline and POSIX signals for the
// TConvTerminal module (the only Swift that imports it).
//
// Why C at all (see shared notes/terminal.md): Swift 6 cannot touch mutable C globals (stdscr,
// COLORS, rl_line_buffer, ...), attribute macros (A_BOLD) do not import, readline's callbacks and
// the signal/crash handlers must be plain C, and wcwidth is not visible from Swift.
//
// Invariants: every function here is called from the main thread, except the signal handlers
// (async-signal-safe, they only set flags or restore the terminal) and `cterm_block_signals`,
// which a worker thread calls on itself.
#ifndef CTERM_H
#define CTERM_H

#include <stdio.h>      // readline.h needs FILE first
#include <stdint.h>
#include <locale.h>
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <ncursesw/curses.h>

// MARK: Locale and character widths

/// setlocale(LC_ALL, ""); returns 1 when the resulting codeset is UTF-8.
int cterm_setup_locale(void);
/// 1 when the current LC_CTYPE codeset is UTF-8.
int cterm_locale_is_utf8(void);
/// Display width of one code point (wcwidth), -1 for non-printables.
int cterm_wcwidth(uint32_t codepoint);
/// Display width of a UTF-8 string (non-printables count 0).
int cterm_string_width(const char *utf8);

// MARK: Terminal facts

int cterm_isatty(int fd);
/// The C `stdout` stream (a mutable global Swift 6 cannot read).
FILE *cterm_stdout(void);
/// Terminfo numeric capability for `term` (e.g. "colors"), -1 if absent, -2 if `term` is unknown.
int cterm_terminfo_number(const char *term, const char *capability);
/// Terminfo boolean capability (e.g. "RGB"), 0 if absent or unknown.
int cterm_terminfo_flag(const char *term, const char *capability);

// MARK: Curses globals and attributes (macros and globals do not import into Swift 6)

WINDOW *cterm_stdscr(void);
int cterm_lines(void);
int cterm_cols(void);
int cterm_colors(void);
int cterm_color_pairs(void);
int cterm_key_resize(void);
/// clearok(curscr): the next doupdate repaints the whole terminal.
void cterm_repaint_all(void);
int cterm_key_up(void);
int cterm_err(void);

static const attr_t CTERM_A_NORMAL = A_NORMAL;
static const attr_t CTERM_A_BOLD = A_BOLD;
static const attr_t CTERM_A_DIM = A_DIM;
static const attr_t CTERM_A_REVERSE = A_REVERSE;
static const attr_t CTERM_A_UNDERLINE = A_UNDERLINE;
static const attr_t CTERM_A_STANDOUT = A_STANDOUT;

/// newterm(term, stdout, stdin) plus the settings tconv wants (raw, noecho, nonl, colours,
/// ESC delay 25 ms). Returns 0 on success, -1 when the terminal is unknown (fall back to plain).
/// Also records how to restore the terminal from a signal handler and redirects fd 2.
int cterm_start_curses(const char *term);
/// endwin, restore termios, replay what was written to stderr meanwhile. Idempotent.
void cterm_end_curses(void);
/// Ctrl-Z: leaves curses (main screen, shell's terminal modes), stops the process with SIGTSTP,
/// and on SIGCONT returns to curses (the caller repaints everything).
void cterm_suspend(void);
/// 1 between cterm_start_curses and cterm_end_curses.
int cterm_curses_active(void);
/// init_extended_pair with the colour numbers of the current tier (-1 = terminal default).
int cterm_init_pair(int pair, int fg, int bg);
/// wattr_set with an extended pair number.
int cterm_set_attr(WINDOW *win, attr_t attrs, int pair);
/// Writes one code point with attributes and an extended pair at (y, x).
int cterm_put_char(WINDOW *win, int y, int x, uint32_t codepoint, attr_t attrs, int pair);
/// Writes a UTF-8 string at (y, x), at most `max_columns` display columns.
int cterm_put_string(WINDOW *win, int y, int x, const char *utf8, int max_columns);
/// The cursor position of `win`.
int cterm_cury(WINDOW *win);
int cterm_curx(WINDOW *win);

// MARK: Signals

/// Installs the flag-setting handlers for SIGINT, SIGTERM, SIGHUP, SIGQUIT (no SA_RESTART, so a
/// blocking read returns), and the crash handlers (SEGV, ILL, BUS, FPE, ABRT, TRAP) that restore
/// the terminal and chain to the previous handler (Swift's backtracer).
/// `catch_interrupts` = 0 leaves SIGINT/TERM/HUP/QUIT at their defaults (plain mode on a pipe).
void cterm_install_signal_handlers(int catch_interrupts);
/// Records the current termios of fd 0 as the state to restore on every exit path.
void cterm_save_terminal(void);
/// Plain mode while a statement runs: typed-ahead keys are not echoed by the terminal (readline
/// shows them when it reads them). Signals (Ctrl-C) keep working.
void cterm_set_echo(int on);
/// Restores the saved termios (TCSADRAIN). Safe to call more than once.
void cterm_restore_terminal(void);
/// Number of SIGINTs not yet taken (does not reset).
int cterm_interrupts_pending(void);
/// Number of SIGINTs since the last call (resets it).
int cterm_take_interrupts(void);
/// The terminating signal received (SIGTERM, SIGHUP, SIGQUIT), or 0.
int cterm_exit_signal(void);
/// Re-raises `signal` with its default action (after the terminal was restored).
void cterm_die_by_signal(int signal);
/// Blocks the asynchronous signals in the calling thread (worker threads call it first thing, so
/// the signals reach the main thread and interrupt its blocking read).
void cterm_block_signals(void);

// MARK: Readline

/// Commands tconv binds in readline; readline calls back `cterm_command_callback` with them.
enum {
    CTERM_CMD_COMPLETE = 1,   // Tab
    CTERM_CMD_SCROLL_UP = 2,  // PgUp (curses: message area)
    CTERM_CMD_SCROLL_DOWN = 3,
    CTERM_CMD_FOCUS_PANE = 4, // F2
    CTERM_CMD_REDRAW = 5,     // Ctrl-L
    CTERM_CMD_SUSPEND = 6,    // Ctrl-Z
};
typedef void (*cterm_line_callback)(char *line);   // line is NULL on EOF (Ctrl-D on an empty line)
typedef void (*cterm_void_callback)(void);
typedef int (*cterm_command_callback)(int command);

/// Sets rl_readline_name, initialises readline and binds tconv's commands. `curses` = 1 routes
/// input through the byte queue fed from wgetch on `input`, draws through `redisplay`, and turns
/// off readline's terminal and signal handling; `curses` = 0 keeps readline's own terminal
/// handling (plain mode on a TTY) but not its signal handlers.
void cterm_rl_setup(int curses, WINDOW *input, cterm_void_callback redisplay, cterm_command_callback command);
/// Points the curses byte source at another window (after a resize re-creates windows).
void cterm_rl_set_input_window(WINDOW *input);
void cterm_rl_install(const char *prompt, cterm_line_callback handler);
void cterm_rl_remove(void);
int cterm_rl_installed(void);
/// Queues a byte from wgetch for readline.
void cterm_rl_push_byte(int byte);
/// Feeds queued bytes to readline while a handler is installed. Returns bytes consumed.
int cterm_rl_feed_queue(void);
int cterm_rl_queue_length(void);
/// Takes the oldest queued byte, -1 when none (type-ahead meant for the pane).
int cterm_rl_pop_byte(void);
void cterm_rl_clear_queue(void);
/// Non-curses: one rl_callback_read_char from stdin.
void cterm_rl_read_char(void);
/// 1 when a byte from wgetch turned out to be KEY_RESIZE inside a readline hook (resets it).
int cterm_rl_take_resize(void);

const char *cterm_rl_line(void);
int cterm_rl_point(void);
int cterm_rl_end(void);
const char *cterm_rl_display_prompt(void);
void cterm_rl_set_prompt(const char *prompt);
/// Replaces the text between byte offsets [start, end) with `text` and moves the cursor after it.
void cterm_rl_replace_range(int start, int end, const char *text);
/// Ctrl-C at the prompt: forget the line, any search or argument state, start a fresh one.
void cterm_rl_cancel_line(void);
/// Plain mode: prints `text` below the line being edited (a completion listing), then redraws it.
void cterm_rl_print_below(const char *text);
void cterm_rl_forced_redisplay(void);
void cterm_rl_resize(int rows, int columns);

void cterm_history_add(const char *line);
void cterm_history_clear(void);

// MARK: Test-only

/// Dereferences NULL (the e2e crash test: only reachable with TCONV_TEST_CRASH=1).
void cterm_test_crash(void);

#endif
