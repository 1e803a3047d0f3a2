// CTerm: ncursesw, locale, signals and crash restore for tconv (readline: cterm_readline.c). See cterm.h.
#include "cterm.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

// MARK: Locale and widths

int cterm_setup_locale(void) {
    setlocale(LC_ALL, "");
    return cterm_locale_is_utf8();
}

int cterm_locale_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    return codeset != NULL && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}

int cterm_wcwidth(uint32_t codepoint) { return wcwidth((wchar_t)codepoint); }

int cterm_string_width(const char *utf8) {
    mbstate_t state;
    memset(&state, 0, sizeof state);
    size_t left = strlen(utf8);
    int width = 0;
    while (left > 0) {
        wchar_t wc;
        size_t n = mbrtowc(&wc, utf8, left, &state);
        if (n == (size_t)-1 || n == (size_t)-2) { width += 1; n = 1; memset(&state, 0, sizeof state); }
        else if (n == 0) break;
        else { int w = wcwidth(wc); if (w > 0) width += w; }
        utf8 += n;
        left -= n;
    }
    return width;
}

int cterm_isatty(int fd) { return isatty(fd); }
FILE *cterm_stdout(void) { return stdout; }

// MARK: Curses globals

WINDOW *cterm_stdscr(void) { return stdscr; }
int cterm_lines(void) { return LINES; }
int cterm_cols(void) { return COLS; }
int cterm_colors(void) { return COLORS; }
int cterm_color_pairs(void) { return COLOR_PAIRS; }
int cterm_key_resize(void) { return KEY_RESIZE; }
void cterm_repaint_all(void) { clearok(curscr, TRUE); }
int cterm_key_up(void) { return KEY_UP; }
int cterm_err(void) { return ERR; }
int cterm_cury(WINDOW *win) { return getcury(win); }
int cterm_curx(WINDOW *win) { return getcurx(win); }

// MARK: Restoring the terminal (async-signal-safe parts)

static struct termios g_saved_termios;
static volatile sig_atomic_t g_have_termios = 0;
static volatile sig_atomic_t g_curses_active = 0;
static char g_restore_sequence[512];
static volatile sig_atomic_t g_restore_length = 0;
static int g_saved_stderr = -1;
static int g_stderr_file = -1;
static SCREEN *g_screen = NULL;

void cterm_save_terminal(void) {
    if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &g_saved_termios) == 0) g_have_termios = 1;
}

void cterm_set_echo(int on) {
    struct termios t;
    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &t) != 0) return;
    if (on) t.c_lflag |= ECHO; else t.c_lflag &= ~(tcflag_t)ECHO;
    tcsetattr(STDIN_FILENO, TCSANOW, &t);
}

void cterm_restore_terminal(void) {
    if (g_have_termios) tcsetattr(STDIN_FILENO, TCSADRAIN, &g_saved_termios);
}

static void write_all(int fd, const char *bytes, size_t count) {
    while (count > 0) {
        ssize_t n = write(fd, bytes, count);
        if (n < 0) { if (errno == EINTR) continue; return; }
        bytes += n;
        count -= (size_t)n;
    }
}

// Puts fd 2 back and copies what was written to the temporary file meanwhile. Signal-safe.
static void stderr_restore_and_replay(void) {
    if (g_saved_stderr < 0) return;
    dup2(g_saved_stderr, STDERR_FILENO);
    close(g_saved_stderr);
    g_saved_stderr = -1;
    if (g_stderr_file >= 0) {
        char buffer[4096];
        lseek(g_stderr_file, 0, SEEK_SET);
        for (;;) {
            ssize_t n = read(g_stderr_file, buffer, sizeof buffer);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            write_all(STDERR_FILENO, buffer, (size_t)n);
        }
        close(g_stderr_file);
        g_stderr_file = -1;
    }
}

static void stderr_redirect(void) {
    if (g_saved_stderr >= 0) return;
    char path[] = "/tmp/tconv-stderr-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return;
    unlink(path);
    fflush(stderr);
    g_saved_stderr = dup(STDERR_FILENO);
    if (g_saved_stderr < 0) { close(fd); return; }
    dup2(fd, STDERR_FILENO);
    g_stderr_file = fd;
}

// Everything a dying process must undo, using only async-signal-safe calls.
static void restore_everything_async(void) {
    if (g_curses_active) {
        write_all(STDOUT_FILENO, g_restore_sequence, (size_t)g_restore_length);
        g_curses_active = 0;
    }
    if (g_have_termios) tcsetattr(STDIN_FILENO, TCSANOW, &g_saved_termios);
    stderr_restore_and_replay();
}

static void append_restore(const char *capability_value) {
    if (capability_value == NULL || capability_value == (char *)-1) return;
    size_t n = strlen(capability_value);
    if ((size_t)g_restore_length + n >= sizeof g_restore_sequence) return;
    memcpy(g_restore_sequence + g_restore_length, capability_value, n);
    g_restore_length += (sig_atomic_t)n;
}

static const char *terminfo_string(const char *name);

int cterm_start_curses(const char *term) {
    if (g_curses_active) return 0;
    fflush(stdout);
    SCREEN *screen = newterm(term, stdout, stdin);
    if (screen == NULL) return -1;
    set_term(screen);
    g_screen = screen;
    raw();
    noecho();
    nonl();
    set_escdelay(25);
    if (has_colors()) {
        start_color();
        use_default_colors();
    }
    g_restore_length = 0;
    append_restore("\r");
    append_restore(terminfo_string("sgr0"));
    append_restore(terminfo_string("rmcup"));
    append_restore(terminfo_string("cnorm"));
    g_curses_active = 1;
    stderr_redirect();
    return 0;
}

void cterm_end_curses(void) {
    if (!g_curses_active) return;
    endwin();
    fflush(stdout);
    g_curses_active = 0;
    cterm_restore_terminal();
    stderr_restore_and_replay();
}

int cterm_curses_active(void) { return g_curses_active; }

void cterm_suspend(void) {
    if (!g_curses_active) return;
    endwin();
    fflush(stdout);
    g_curses_active = 0;            // a signal while stopped must not write the restore sequence
    cterm_restore_terminal();
    struct sigaction previous, dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(SIGTSTP, &dfl, &previous);
    raise(SIGTSTP);                 // stops here until SIGCONT
    sigaction(SIGTSTP, &previous, NULL);
    g_curses_active = 1;
    clearok(curscr, TRUE);
    doupdate();                     // back to program mode and the alternate screen
}

int cterm_init_pair(int pair, int fg, int bg) { return init_extended_pair(pair, fg, bg); }

int cterm_set_attr(WINDOW *win, attr_t attrs, int pair) { return wattr_set(win, attrs, 0, &pair); }

int cterm_put_char(WINDOW *win, int y, int x, uint32_t codepoint, attr_t attrs, int pair) {
    wchar_t text[2] = { (wchar_t)codepoint, 0 };
    cchar_t cell;
    if (setcchar(&cell, text, attrs, 0, &pair) != OK) return ERR;
    return mvwadd_wch(win, y, x, &cell);
}

int cterm_put_string(WINDOW *win, int y, int x, const char *utf8, int max_columns) {
    if (max_columns <= 0) return OK;
    size_t left = strlen(utf8);
    wchar_t *wide = malloc((left + 1) * sizeof(wchar_t));
    if (wide == NULL) return ERR;
    mbstate_t state;
    memset(&state, 0, sizeof state);
    int count = 0, width = 0;
    while (left > 0) {
        wchar_t wc;
        size_t n = mbrtowc(&wc, utf8, left, &state);
        if (n == (size_t)-1 || n == (size_t)-2) { wc = L'?'; n = 1; memset(&state, 0, sizeof state); }
        else if (n == 0) break;
        int w = wcwidth(wc);
        if (w < 0) { wc = L'?'; w = 1; }
        if (width + w > max_columns) break;
        width += w;
        wide[count++] = wc;
        utf8 += n;
        left -= n;
    }
    wide[count] = 0;
    int result = count > 0 ? mvwaddnwstr(win, y, x, wide, count) : wmove(win, y, x);
    free(wide);
    return result;
}

// MARK: Signals

static volatile sig_atomic_t g_interrupts = 0;
static volatile sig_atomic_t g_exit_signal = 0;
static struct sigaction g_previous[NSIG];
static const int g_crash_signals[] = { SIGSEGV, SIGILL, SIGBUS, SIGFPE, SIGABRT, SIGTRAP };

static void flag_handler(int signal_number) {
    if (signal_number == SIGINT) g_interrupts += 1;
    else g_exit_signal = signal_number;
}

static void crash_handler(int signal_number, siginfo_t *info, void *context) {
    restore_everything_async();
    struct sigaction *previous = &g_previous[signal_number];
    sigaction(signal_number, previous, NULL);
    if (previous->sa_flags & SA_SIGINFO) {
        if (previous->sa_sigaction != NULL) previous->sa_sigaction(signal_number, info, context);
        return;
    }
    if (previous->sa_handler == SIG_IGN) return;
    if (previous->sa_handler == SIG_DFL) {
        // A hardware fault re-executes and now dies; a sent signal must be sent again.
        if (info == NULL || info->si_code <= 0) raise(signal_number);
        return;
    }
    previous->sa_handler(signal_number);
}

static void at_exit_restore(void) { cterm_end_curses(); }

void cterm_install_signal_handlers(int catch_interrupts) {
    static int installed = 0;
    if (installed) return;
    installed = 1;
    atexit(at_exit_restore);
    if (catch_interrupts) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = flag_handler;
        sigemptyset(&action.sa_mask);
        action.sa_flags = 0;   // no SA_RESTART: a blocking read returns EINTR and the loop looks
        sigaction(SIGINT, &action, NULL);
        sigaction(SIGTERM, &action, NULL);
        sigaction(SIGHUP, &action, NULL);
        sigaction(SIGQUIT, &action, NULL);
    }
    for (size_t i = 0; i < sizeof g_crash_signals / sizeof g_crash_signals[0]; i++) {
        int s = g_crash_signals[i];
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_sigaction = crash_handler;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
        sigaction(s, &action, &g_previous[s]);
    }
}

int cterm_interrupts_pending(void) { return g_interrupts; }

int cterm_take_interrupts(void) {
    int n = g_interrupts;
    g_interrupts = 0;
    return n;
}

int cterm_exit_signal(void) { return g_exit_signal; }

void cterm_die_by_signal(int signal_number) {
    fflush(NULL);
    signal(signal_number, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signal_number);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    raise(signal_number);
    _exit(128 + signal_number);
}

void cterm_block_signals(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGQUIT);
    sigaddset(&set, SIGWINCH);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
}

// MARK: Test-only

void cterm_test_crash(void) {
    volatile int *nowhere = NULL;
    *nowhere = 42;
}

// MARK: Terminfo (term.h defines macros such as `lines` and `columns`: keep it last)

#include <term.h>

static const char *terminfo_string(const char *name) {
    const char *value = tigetstr(name);
    return (value == NULL || value == (char *)-1) ? NULL : value;
}

int cterm_terminfo_number(const char *term, const char *capability) {
    TERMINAL *previous = cur_term;
    int error = 0;
    if (setupterm(term, STDOUT_FILENO, &error) != OK) { set_curterm(previous); return -2; }
    TERMINAL *loaded = cur_term;
    int value = tigetnum(capability);
    set_curterm(previous);
    if (loaded != previous) del_curterm(loaded);
    return value < 0 ? -1 : value;
}

int cterm_terminfo_flag(const char *term, const char *capability) {
    TERMINAL *previous = cur_term;
    int error = 0;
    if (setupterm(term, STDOUT_FILENO, &error) != OK) { set_curterm(previous); return 0; }
    TERMINAL *loaded = cur_term;
    int value = tigetflag(capability);
    set_curterm(previous);
    if (loaded != previous) del_curterm(loaded);
    return value > 0 ? 1 : 0;
}
