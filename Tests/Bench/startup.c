/*
** startup — rows "CLI start": how long a command takes from exec to exit,
** for ihub's command line and for the peers a user compares it with
** (sqlite3 :memory: 'select 1', lua5.4 -e '').
**
**   startup RUNS PROGRAM [ARG...]
**
** Runs PROGRAM once to warm the page cache, then RUNS times, each with
** standard input, output and error on /dev/null, waiting for each to exit.
** A run that fails (exit status not 0) stops the program. Prints
** "ms <median milliseconds per run>" and "best <fastest run>".
*/
#include "bench.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static double once(char **argv, posix_spawn_file_actions_t *quiet) {
    double t0 = now();
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], quiet, NULL, argv, environ);
    if (rc != 0) die("%s: cannot start it (error %d)", argv[0], rc);
    int status;
    if (waitpid(pid, &status, 0) < 0) die("%s: waitpid failed", argv[0]);
    double t = now() - t0;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) die("%s: exited with status %d", argv[0], status);
    return t * 1000.0;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc < 3) die("usage: startup RUNS PROGRAM [ARG...]");
    int runs = atoi(argv[1]);
    if (runs < 1) die("RUNS: expected a positive number");
    posix_spawn_file_actions_t quiet;
    posix_spawn_file_actions_init(&quiet);
    for (int fd = 0; fd <= 2; fd++) posix_spawn_file_actions_addopen(&quiet, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0);
    once(argv + 2, &quiet);
    double *ms = malloc(sizeof *ms * (size_t)runs);
    if (!ms) die("out of memory");
    for (int i = 0; i < runs; i++) ms[i] = once(argv + 2, &quiet);
    qsort(ms, (size_t)runs, sizeof *ms, by_value);
    printf("ms %.3f\nbest %.3f\n", runs % 2 ? ms[runs / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2, ms[0]);
    free(ms);
    posix_spawn_file_actions_destroy(&quiet);
    return 0;
}
