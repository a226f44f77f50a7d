/* libedit (BSD editline): line editing and history for the REPL, through its
** readline-compatible interface. Its settings are C globals, which Swift 6
** may not touch: these inline functions set and read them. */
#include <stdio.h>
#include <editline/readline.h>

/* Names readline, leaves SIGINT to the caller, sets the characters that end
** a word for completion, and the completion function. */
static inline void ihub_edit_setup(const char *name, const char *word_breaks,
                                   rl_completion_func_t *complete) {
    rl_readline_name = name;
    rl_catch_signals = 0;
    rl_basic_word_break_characters = word_breaks;
    rl_completer_word_break_characters = (char *)word_breaks;
    rl_attempted_completion_function = complete;
}

/* Inside the completion function: the whole line, and no file names or
** space after a match (a dot or a brace follows an API name). */
static inline const char *ihub_edit_line(void) { return rl_line_buffer; }
static inline void ihub_edit_matches_only(void) {
    rl_attempted_completion_over = 1;
    rl_completion_append_character = 0;
}
