/*
** interrupt.c — Ctrl-C for a prompt: a SIGINT handler that stops the
** running evaluation of one state (ihl_interrupt, budget.c) and otherwise
** notes the signal, so that a line editor can tell it from end of input.
*/
#define _POSIX_C_SOURCE 200809L  /* sigaction */

#include <signal.h>
#include <stdatomic.h>
#include <string.h>

#include "shim_internal.h"

/* The state the handler interrupts, and the note for ihl_interrupt_seen:
** lock-free atomics, the only things a signal handler may touch. */
static _Atomic(ihl_state *) target;
static atomic_int seen;

static void on_sigint(int signo) {
    (void)signo;
    atomic_store(&seen, 1);
    ihl_state *S = atomic_load(&target);
    if (S != NULL) ihl_interrupt(S);
}

int ihl_catch_interrupts(ihl_state *S) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = S != NULL ? on_sigint : SIG_DFL;
    atomic_store(&target, S);
    atomic_store(&seen, 0);
    return sigaction(SIGINT, &sa, NULL) == 0 ? 0 : -1;
}

int ihl_interrupt_seen(void) { return atomic_exchange(&seen, 0); }
