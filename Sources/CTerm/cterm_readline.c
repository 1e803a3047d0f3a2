// CTerm: GNU readline's callback interface, fed from curses (full screen) or reading stdin
// itself (plain mode). See cterm.h.
#include "cterm.h"

#include <stdlib.h>
#include <string.h>
#include <readline/readline.h>
#include <readline/history.h>

// MARK: Readline

enum { QUEUE_CAPACITY = 1 << 16 };
static unsigned char g_queue[QUEUE_CAPACITY];
static int g_queue_head = 0, g_queue_length = 0;
static int g_rl_curses = 0;
static WINDOW *g_input = NULL;
static int g_rl_resized = 0;
static int g_rl_installed = 0;
static cterm_line_callback g_line_handler = NULL;
static cterm_command_callback g_command = NULL;
static char g_prompt_copy[256];

void cterm_rl_push_byte(int byte) {
    if (g_queue_length >= QUEUE_CAPACITY) return;
    g_queue[(g_queue_head + g_queue_length) % QUEUE_CAPACITY] = (unsigned char)byte;
    g_queue_length += 1;
}

static int queue_pop(void) {
    int byte = g_queue[g_queue_head];
    g_queue_head = (g_queue_head + 1) % QUEUE_CAPACITY;
    g_queue_length -= 1;
    return byte;
}

int cterm_rl_queue_length(void) { return g_queue_length; }
int cterm_rl_pop_byte(void) { return g_queue_length > 0 ? queue_pop() : -1; }
void cterm_rl_clear_queue(void) { g_queue_head = 0; g_queue_length = 0; }
int cterm_rl_take_resize(void) { int r = g_rl_resized; g_rl_resized = 0; return r; }

// Readline 8.2's callback mode crashes (NULL dereference in rl_callback_read_char) when an
// incremental search is ended by the prefix key C-x and the key after it is unbound in the C-x
// keymap (C-r C-x SPC c). Ending the search first with C-j (an isearch terminator: it keeps the
// found line and runs nothing) and then delivering C-x avoids that path.
static int g_injected = -1;

static int filter_byte(int c) {
    if (c == 0x18 && RL_ISSTATE(RL_STATE_ISEARCH)) {
        g_injected = c;
        return '\n';
    }
    return c;
}

static int take_injected(void) {
    int c = g_injected;
    g_injected = -1;
    return c;
}

// Plain mode: readline's own byte source, filtered.
static int plain_getc(FILE *stream) {
    if (g_injected >= 0) return take_injected();
    int c = rl_getc(stream);
    return c == EOF ? c : filter_byte(c);
}

static int pop_filtered(void) { return filter_byte(queue_pop()); }

// Curses mode: readline reads bytes that the main loop took from wgetch. If it wants one more
// (an unfinished key sequence), wait for it here.
static int curses_getc(FILE *unused) {
    (void)unused;
    if (g_injected >= 0) return take_injected();
    for (;;) {
        if (g_queue_length > 0) return pop_filtered();
        wtimeout(g_input, 100);
        int c = wgetch(g_input);
        if (c == KEY_RESIZE) { g_rl_resized = 1; continue; }
        if (c == ERR) {
            if (cterm_exit_signal() || cterm_interrupts_pending()) return 7;   // Ctrl-G: abort; the loop sees the flag
            continue;
        }
        if (c >= 0 && c < 256) return c;
    }
}

static int curses_input_available(void) {
    if (g_queue_length > 0 || g_injected >= 0) return 1;
    int microseconds = rl_set_keyboard_input_timeout(-1);
    wtimeout(g_input, microseconds / 1000);
    int c = wgetch(g_input);
    if (c == KEY_RESIZE) { g_rl_resized = 1; return 0; }
    if (c == ERR || c < 0 || c > 255) return 0;
    cterm_rl_push_byte(c);
    return 1;
}

static int command_complete(int count, int key) { (void)count; (void)key; return g_command ? g_command(CTERM_CMD_COMPLETE) : 0; }
static int command_scroll_up(int count, int key) { (void)count; (void)key; return g_command ? g_command(CTERM_CMD_SCROLL_UP) : 0; }
static int command_scroll_down(int count, int key) { (void)count; (void)key; return g_command ? g_command(CTERM_CMD_SCROLL_DOWN) : 0; }
static int command_focus_pane(int count, int key) { (void)count; (void)key; return g_command ? g_command(CTERM_CMD_FOCUS_PANE) : 0; }
static int command_redraw(int count, int key) { (void)count; (void)key; return g_command ? g_command(CTERM_CMD_REDRAW) : 0; }
static int command_suspend(int count, int key) { (void)count; (void)key; return g_command ? g_command(CTERM_CMD_SUSPEND) : 0; }

static void line_trampoline(char *line) {
    cterm_line_callback handler = g_line_handler;
    if (handler) handler(line);
    free(line);
}

void cterm_rl_setup(int curses, WINDOW *input, cterm_void_callback redisplay, cterm_command_callback command) {
    static char name[] = "tconv";   // readline keeps the pointer
    rl_readline_name = name;
    rl_catch_signals = 0;
    rl_change_environment = 0;
    g_rl_curses = curses;
    g_command = command;
    if (curses) {
        static FILE *null_stream = NULL;
        if (null_stream == NULL) null_stream = fopen("/dev/null", "w");
        g_input = input;
        rl_catch_sigwinch = 0;
        rl_prep_term_function = NULL;
        rl_deprep_term_function = NULL;
        rl_getc_function = curses_getc;
        rl_input_available_hook = curses_input_available;
        rl_redisplay_function = redisplay;
        if (null_stream) rl_outstream = null_stream;
        rl_instream = stdin;
    } else {
        rl_getc_function = plain_getc;
    }
    rl_initialize();
    rl_add_defun("tconv-complete", command_complete, -1);
    rl_bind_key('\t', command_complete);
    if (curses) {
        rl_add_defun("tconv-scroll-up", command_scroll_up, -1);
        rl_add_defun("tconv-scroll-down", command_scroll_down, -1);
        rl_add_defun("tconv-focus-pane", command_focus_pane, -1);
        rl_add_defun("tconv-redraw", command_redraw, -1);
        rl_bind_keyseq("\\e[5~", command_scroll_up);
        rl_bind_keyseq("\\e[6~", command_scroll_down);
        rl_bind_keyseq("\\eOQ", command_focus_pane);
        rl_bind_keyseq("\\e[12~", command_focus_pane);
        rl_bind_key('\f', command_redraw);
        rl_add_defun("tconv-suspend", command_suspend, -1);
        rl_bind_key(26, command_suspend);
    }
}

void cterm_rl_set_input_window(WINDOW *input) { g_input = input; }

void cterm_rl_install(const char *prompt, cterm_line_callback handler) {
    g_line_handler = handler;
    strncpy(g_prompt_copy, prompt, sizeof g_prompt_copy - 1);
    g_prompt_copy[sizeof g_prompt_copy - 1] = 0;
    rl_callback_handler_install(g_prompt_copy, line_trampoline);
    g_rl_installed = 1;
}

void cterm_rl_remove(void) {
    if (!g_rl_installed) return;
    g_rl_installed = 0;
    rl_callback_handler_remove();
}

int cterm_rl_installed(void) { return g_rl_installed; }

int cterm_rl_feed_queue(void) {
    int consumed = 0;
    while (g_rl_installed && (g_queue_length > 0 || g_injected >= 0)) {
        int before = g_queue_length, injected = g_injected;
        rl_callback_read_char();
        consumed += before - g_queue_length;
        if (before == g_queue_length && injected == g_injected) break;   // nothing taken: avoid spinning
    }
    return consumed;
}

void cterm_rl_read_char(void) {
    if (g_rl_installed) rl_callback_read_char();
    while (g_rl_installed && g_injected >= 0) rl_callback_read_char();
}

const char *cterm_rl_line(void) { return rl_line_buffer ? rl_line_buffer : ""; }
int cterm_rl_point(void) { return rl_point; }
int cterm_rl_end(void) { return rl_end; }
const char *cterm_rl_display_prompt(void) { return rl_display_prompt ? rl_display_prompt : ""; }

void cterm_rl_set_prompt(const char *prompt) {
    strncpy(g_prompt_copy, prompt, sizeof g_prompt_copy - 1);
    g_prompt_copy[sizeof g_prompt_copy - 1] = 0;
    rl_set_prompt(g_prompt_copy);
}

void cterm_rl_replace_range(int start, int end, const char *text) {
    if (start < 0) start = 0;
    if (end > rl_end) end = rl_end;
    if (start > end) start = end;
    rl_begin_undo_group();
    if (end > start) rl_delete_text(start, end);
    rl_point = start;
    rl_insert_text(text);
    rl_end_undo_group();
}

void cterm_rl_cancel_line(void) {
    if (!g_rl_installed) return;
    rl_callback_sigcleanup();
    rl_free_line_state();
    using_history();   // Up after Ctrl-C starts from the newest entry again
    rl_replace_line("", 0);
    rl_point = 0;
    rl_end = 0;
    rl_mark = 0;
    if (!g_rl_curses) {
        fputs("^C", rl_outstream ? rl_outstream : stdout);
        rl_crlf();
        fflush(rl_outstream ? rl_outstream : stdout);
    }
    rl_on_new_line();
    rl_forced_update_display();
}

void cterm_rl_print_below(const char *text) {
    FILE *out = rl_outstream ? rl_outstream : stdout;
    rl_crlf();
    fputs(text, out);
    fflush(out);
    rl_on_new_line();
    rl_forced_update_display();
}

void cterm_rl_forced_redisplay(void) { if (g_rl_installed) rl_forced_update_display(); }

void cterm_rl_resize(int rows, int columns) { rl_set_screen_size(rows, columns); }

void cterm_history_add(const char *line) { add_history(line); }
void cterm_history_clear(void) { clear_history(); }
