/*
** Concurrency, from C against include/ihub.h: 8 threads on one handle, 4
** handles on one database (a thread each) and 4 processes on it (this program
** run again with --child), each worker mixing reads and writes: people added
** one by one and in CSV batches and read back, a counter incremented by a
** read-modify-write in one ihub.transaction, and, all at once at the start,
** confirmations of pairing runs that compete for the same mentors' capacity.
** Afterwards every worker's writes are all there, the counter is exact, no
** mentor holds more mentees than its capacity, and every run's pairs are all
** there (confirmed) or none (refused).
**
** The database: an SQLite file in a temporary folder, or a new schema of
** IHUB_TEST_POSTGRES when that is set. IHUB_BUSY (nothing was changed) is
** retried, and counted. Built strictly (-std=c99 -pedantic -pthread) and,
** by scripts/test --sanitize thread, under the thread sanitizer.
** Prints "N passed, N failed".
*/
#define _POSIX_C_SOURCE 200809L /* mkdtemp, nanosleep, posix_spawn, pthread_barrier */
#include "ihub.h"

#include <pthread.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

enum {
    ROUNDS = 30,      /* iterations of a worker */
    BATCH = 10,       /* people of a CSV batch, every BATCH_EVERY iterations */
    BATCH_EVERY = 5,
    CAPACITY = 3,     /* mentees a teacher may mentor (the default policy's) */
    BLOCKS = 4,       /* of mentors; run r fills blocks r and r + 1 (mod BLOCKS) */
    BLOCK = 4,        /* mentors of a block */
    PAIRS = 2 * BLOCK * CAPACITY,  /* of a run */
    CONTESTS = 3,     /* rounds whose runs compete, one after the other */
    MAX_WORKERS = 8
};

static pthread_mutex_t tally = PTHREAD_MUTEX_INITIALIZER;
static int passed, failed, retried;

#define CHECK(cond) check((cond), #cond, __LINE__)

static void check(int ok, const char *what, int line) {
    pthread_mutex_lock(&tally);
    if (ok) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "FAIL line %d: %s (%s)\n", line, what, ihub_last_error());
    }
    pthread_mutex_unlock(&tally);
}

/* Text built piece by piece; what would not fit is a failed check. */
struct text {
    char data[16384];
    size_t used;
};

static void add(struct text *t, const char *format, ...) {
    va_list args;
    va_start(args, format);
    int n = vsnprintf(t->data + t->used, sizeof t->data - t->used, format, args);
    va_end(args);
    if (n >= 0 && (size_t)n < sizeof t->data - t->used) t->used += (size_t)n;
    else check(0, "the text fits its buffer", __LINE__);
}

static const char *text(struct text *t, const char *format, ...) {
    va_list args;
    va_start(args, format);
    int n = vsnprintf(t->data, sizeof t->data, format, args);
    va_end(args);
    if (n < 0 || (size_t)n >= sizeof t->data) check(0, "the text fits its buffer", __LINE__);
    t->used = n < 0 ? 0 : (size_t)n;
    return t->data;
}

/* The database every handle opens: a file path or a PostgreSQL URI, and the
** options that go with it. */
static char location[4096], options[256];

static ihub *open_shared(void) {
    ihub *h = NULL;
    CHECK(ihub_open(location, options, &h) == IHUB_OK);
    return h;
}

static void pause_a_little(unsigned *seed) {
    struct timespec t = {0, 1000000L + (long)(rand_r(seed) % 5000000)};
    nanosleep(&t, NULL);
}

/* A call (or, with method NULL, an evaluation of params as Lua) retried
** while it is IHUB_BUSY; the result, if wanted, is the caller's to free. */
static int run(ihub *h, const char *method, const char *params, char **result, unsigned *seed) {
    /* Retried for up to a minute, not a number of times: under a sanitizer
    ** on a loaded machine the contention lasts longer. */
    time_t give_up = time(NULL) + 60;
    for (;;) {
        char *out = NULL;
        int rc = method ? ihub_call(h, method, params, &out) : ihub_eval(h, params, &out);
        if (rc == IHUB_BUSY && time(NULL) < give_up) {
            pthread_mutex_lock(&tally);
            retried++;
            pthread_mutex_unlock(&tally);
            pause_a_little(seed);
            continue;
        }
        if (result) *result = out; else ihub_free(out);
        return rc;
    }
}

/* The first numbers of an evaluation's "values". */
static int values(const char *result, long *v, int n) {
    const char *at = result ? strstr(result, "\"values\":[") : NULL;
    if (at == NULL) return 0;
    at += strlen("\"values\":[");
    int got = 0;
    for (; got < n; got++) {
        char *end;
        v[got] = strtol(at, &end, 10);
        if (end == at) break;
        at = *end == ',' ? end + 1 : end;
    }
    return got;
}

/* --- one worker ---------------------------------------------------------- */

struct worker {
    ihub *h;                  /* its handle: shared or its own */
    const char *group;        /* the scenario, also its hub's code */
    int id;
    long runs[CONTESTS][2];   /* the pairing runs it confirms: its own, then its neighbour's */
    pthread_barrier_t *start; /* threads start together; NULL in a process */
};

static void *work(void *arg) {
    struct worker *w = arg;
    const char *g = w->group;
    unsigned seed = (unsigned)w->id * 7919u + 1u;
    struct text p;
    char *out = NULL;
    if (w->start) pthread_barrier_wait(w->start);

    /* Its run, competing with its neighbours' for mentors, then its right
    ** neighbour's, which that neighbour confirms at about the same time: one
    ** of the two finds it confirmed already. */
    for (int c = 0; c < CONTESTS; c++) {
        for (int k = 0; k < 2; k++) {
            int rc = run(w->h, "pairing.confirm", text(&p, "{\"run\": %ld}", w->runs[c][k]), NULL, &seed);
            CHECK(rc == IHUB_OK || rc == IHUB_CONSTRAINT || rc == IHUB_CONFLICT);
        }
    }

    for (int i = 0; i < ROUNDS; i++) {
        text(&p, "{\"hub\": \"%s\", \"code\": \"%s-%d-%d\", \"name\": \"Teacher %d.%d\", \"roles\": [\"teacher\"], "
             "\"memberships\": [{\"school\": \"%s-S\"}]}", g, g, w->id, i, w->id, i, g);
        CHECK(run(w->h, "person.add", p.data, NULL, &seed) == IHUB_OK);
        CHECK(run(w->h, "person.get", text(&p, "{\"code\": \"%s-%d-%d\"}", g, w->id, i), &out, &seed) == IHUB_OK
              && out != NULL && strstr(out, "\"name\":\"Teacher ") != NULL);
        ihub_free(out);

        /* A read-modify-write: exact only if no other writer comes between. */
        text(&p, "ihub.transaction(function() local s = ihub.school.get{code = '%s-C'} "
             "ihub.school.update{code = '%s-C', size = s.size + 1} end)", g, g);
        CHECK(run(w->h, NULL, p.data, NULL, &seed) == IHUB_OK);

        if (i % BATCH_EVERY == 0) {
            text(&p, "{\"kind\": \"people\", \"text\": \"hub,code,name,schools,roles\\n");
            for (int k = 0; k < BATCH; k++) add(&p, "%s,%s-%d-b%d-%d,Batch teacher,%s-S,teacher\\n", g, g, w->id, i, k, g);
            add(&p, "\"}");
            CHECK(run(w->h, "import.csv", p.data, NULL, &seed) == IHUB_OK);
        }
        if (i % 2) text(&p, "{\"school\": \"%s-S\", \"limit\": 5}", g);
        else text(&p, "{\"code\": \"%s\"}", g);
        CHECK(run(w->h, i % 2 ? "person.list" : "hub.get", p.data, NULL, &seed) == IHUB_OK);
    }
    return NULL;
}

/* --- a scenario: its hub, its runs, its checks ----------------------------- */

/* A hub of its own: a school for the workers' people, a counter (a school's
** size), a pairing school, a policy under which only pins pair anyone, and
** CONTESTS rounds, each with one proposed run per worker. Run r pins its own
** PAIRS mentees to the mentors of blocks r and r + 1 (mod BLOCKS), CAPACITY
** each: alone it fits, but it fills mentors its neighbours r - 1 and r + 1
** need, so exactly two runs of a round fit (r and r + 2), and a run refused
** at its second block has written pairs of its first before the refusal
** undoes them. */
static void set_up(ihub *h, const char *g, int workers, long runs[][MAX_WORKERS]) {
    unsigned seed = 1;
    struct text p;
    CHECK(run(h, "hub.add", text(&p, "{\"code\": \"%s\", \"name\": \"Hub %s\", \"country\": \"EE\"}", g, g), NULL, &seed)
          == IHUB_OK);
    text(&p, "{\"schools\": [{\"hub\": \"%s\", \"code\": \"%s-S\", \"name\": \"Workers\"}, "
         "{\"hub\": \"%s\", \"code\": \"%s-C\", \"name\": \"Counter\", \"size\": 0}, "
         "{\"hub\": \"%s\", \"code\": \"%s-P\", \"name\": \"Pairing\"}]}", g, g, g, g, g, g);
    CHECK(run(h, "school.add_many", p.data, NULL, &seed) == IHUB_OK);
    text(&p, "{\"kind\": \"people\", \"text\": \"hub,code,name,schools,roles\\n");
    for (int b = 0; b < BLOCKS; b++)
        for (int k = 0; k < BLOCK; k++) add(&p, "%s,%s-M%d-%d,Mentor,%s-P,teacher|mentor\\n", g, g, b, k, g);
    for (int r = 0; r < workers; r++)
        for (int j = 0; j < PAIRS; j++) add(&p, "%s,%s-E%d-%d,Mentee,%s-P,teacher\\n", g, g, r, j, g);
    add(&p, "\"}");
    CHECK(run(h, "import.csv", p.data, NULL, &seed) == IHUB_OK);
    text(&p, "{\"hub\": \"%s\", \"name\": \"pairing\", \"source\": "
         "\"function eligible(r) for _, role in ipairs(r.roles) do if role == 'mentor' then return 'mentor' end end "
         "return 'mentee' end\\n"
         "function score(mentee, mentor) return nil, 'only pins pair' end\\n\"}", g);
    CHECK(run(h, "script.set", p.data, NULL, &seed) == IHUB_OK);
    for (int c = 0; c < CONTESTS; c++) {
        text(&p, "{\"hub\": \"%s\", \"code\": \"%s-R%d\", \"name\": \"Round\", \"start\": \"2025-09-01\", "
             "\"end\": \"2026-06-30\"}", g, g, c);
        CHECK(run(h, "round.add", p.data, NULL, &seed) == IHUB_OK);
        for (int r = 0; r < workers; r++) {
            text(&p, "{\"hub\": \"%s\", \"round\": \"%s-R%d\", \"level\": \"teacher\", \"pins\": [", g, g, c);
            for (int j = 0; j < PAIRS; j++)
                add(&p, "%s{\"mentee\": \"%s-E%d-%d\", \"mentor\": \"%s-M%d-%d\"}", j ? ", " : "", g, r, j,
                    g, (r + j / (BLOCK * CAPACITY)) % BLOCKS, j / CAPACITY % BLOCK);
            add(&p, "]}");
            char *out = NULL;
            CHECK(run(h, "pairing.propose", p.data, &out, &seed) == IHUB_OK && out != NULL);
            const char *id = out ? strstr(out, "\"run\":") : NULL;
            runs[c][r] = id ? strtol(id + strlen("\"run\":"), NULL, 10) : 0;
            ihub_free(out);
        }
    }
}

/* After the workers: nothing lost, the counter exact, no capacity overrun. */
static void check_outcome(ihub *h, const char *g, int workers, double seconds) {
    unsigned seed = 1;
    struct text lua;
    char *out = NULL;
    long v[7] = {0};
    text(&lua,
         "local missing = 0\n"
         "for w = 0, %d - 1 do for i = 0, %d - 1 do\n"
         "  if not pcall(ihub.person.get, {code = string.format('%s-%%d-%%d', w, i)}) then missing = missing + 1 end\n"
         "end end\n"
         "return missing, #ihub.person.list{school = '%s-S'}, ihub.school.get{code = '%s-C'}.size",
         workers, ROUNDS, g, g, g);
    CHECK(run(h, NULL, lua.data, &out, &seed) == IHUB_OK && values(out, v, 3) == 3);
    ihub_free(out);
    CHECK(v[0] == 0);                                                           /* every worker's people */
    CHECK(v[1] == (long)workers * (ROUNDS + (ROUNDS / BATCH_EVERY) * BATCH));   /* and batches, no more */
    CHECK(v[2] == (long)workers * ROUNDS);                                      /* no lost increment */
    if (v[0] != 0 || v[2] != (long)workers * ROUNDS)
        fprintf(stderr, "%s: %ld people missing, counter %ld of %d\n", g, v[0], v[2], workers * ROUNDS);

    /* Loads by round and mentor; the fewest and the most runs confirmed in a round. */
    text(&lua,
         "local loads, mentored, by_run, worst, twice = {}, {}, {}, 0, 0\n"
         "for _, m in ipairs(ihub.pairing.mentorships{hub = '%s'}) do\n"
         "  local mentor, mentee = m.round .. ' ' .. m.mentor, m.round .. ' ' .. m.mentee\n"
         "  loads[mentor] = (loads[mentor] or 0) + 1\n"
         "  worst = math.max(worst, loads[mentor])\n"
         "  mentored[mentee] = (mentored[mentee] or 0) + 1\n"
         "  if mentored[mentee] > 1 then twice = twice + 1 end\n"
         "  by_run[m.run] = (by_run[m.run] or 0) + 1\n"
         "end\n"
         "local fewest, most, torn, capacity, pairs = math.huge, 0, 0, nil, 0\n"
         "for c = 0, %d - 1 do\n"
         "  local confirmed = 0\n"
         "  for _, r in ipairs(ihub.pairing.list{round = '%s-R' .. c}) do\n"
         "    capacity = ihub.pairing.get{run = r.run}.capacity.mentor_max\n"
         "    pairs = math.max(pairs, r.pairs)\n"
         "    if r.confirmed_at then confirmed = confirmed + 1 end\n"
         "    if (by_run[r.run] or 0) ~= (r.confirmed_at and r.pairs or 0) then torn = torn + 1 end\n"
         "  end\n"
         "  fewest, most = math.min(fewest, confirmed), math.max(most, confirmed)\n"
         "end\n"
         "return worst, capacity, twice, torn, pairs, fewest, most",
         g, CONTESTS, g);
    CHECK(run(h, NULL, lua.data, &out, &seed) == IHUB_OK && values(out, v, 7) == 7);
    ihub_free(out);
    CHECK(v[1] == CAPACITY && v[0] <= v[1]);    /* no mentor over its capacity */
    CHECK(v[2] == 0);                           /* no mentee with two mentors */
    CHECK(v[3] == 0);                           /* every run whole or not at all */
    CHECK(v[4] == PAIRS);                       /* each run is its pins */
    CHECK(v[5] == 2 && v[6] == 2);              /* two runs of a round fit, and they went through */
    printf("%s: %d workers in %.2f s; of %d competing runs in each of %d rounds, %ld to %ld went through; "
           "the most mentees of a mentor: %ld of %ld\n", g, workers, seconds, workers, CONTESTS, v[5], v[6], v[0], v[1]);
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Worker w's runs: its own of each round, then its right neighbour's. */
static void assign(struct worker *w, long runs[][MAX_WORKERS], int workers) {
    for (int c = 0; c < CONTESTS; c++) {
        w->runs[c][0] = runs[c][w->id];
        w->runs[c][1] = runs[c][(w->id + 1) % workers];
    }
}

/* 8 threads on one handle, or 4 threads with a handle each. */
static void threads(ihub *main_handle, const char *g, int workers, int shared) {
    long runs[CONTESTS][MAX_WORKERS];
    struct worker w[MAX_WORKERS];
    pthread_t t[MAX_WORKERS];
    pthread_barrier_t start;
    set_up(main_handle, g, workers, runs);
    pthread_barrier_init(&start, NULL, (unsigned)workers);
    double began = now();
    for (int i = 0; i < workers; i++) {
        w[i] = (struct worker){shared ? main_handle : open_shared(), g, i, {{0}}, &start};
        assign(&w[i], runs, workers);
        CHECK(pthread_create(&t[i], NULL, work, &w[i]) == 0);
    }
    for (int i = 0; i < workers; i++) pthread_join(t[i], NULL);
    double took = now() - began;
    pthread_barrier_destroy(&start);
    for (int i = 0; i < workers; i++) if (!shared) ihub_close(w[i].h);
    check_outcome(main_handle, g, workers, took);
}

/* 4 processes: this program again, each with a handle of its own, started
** together once all have opened the database. */
static void processes(ihub *main_handle, const char *g, int workers) {
    long runs[CONTESTS][MAX_WORKERS];
    pid_t pid[MAX_WORKERS];
    int ready[2], go[2];
    set_up(main_handle, g, workers, runs);
    CHECK(pipe(ready) == 0 && pipe(go) == 0);
    double began = now();
    for (int i = 0; i < workers; i++) {
        struct worker w = {NULL, g, i, {{0}}, NULL};
        struct text id, list;
        assign(&w, runs, workers);
        text(&id, "%d", i);
        text(&list, "%ld", w.runs[0][0]);
        for (int k = 1; k < CONTESTS * 2; k++) add(&list, ",%ld", w.runs[k / 2][k % 2]);
        char *argv[] = {"test_concurrency", "--child", (char *)g, id.data, list.data, location, options, NULL};
        posix_spawn_file_actions_t io;
        posix_spawn_file_actions_init(&io);
        posix_spawn_file_actions_adddup2(&io, go[0], 0);
        posix_spawn_file_actions_adddup2(&io, ready[1], 1);
        posix_spawn_file_actions_addclose(&io, go[1]);
        posix_spawn_file_actions_addclose(&io, ready[0]);
        CHECK(posix_spawn(&pid[i], "/proc/self/exe", &io, NULL, argv, environ) == 0);
        posix_spawn_file_actions_destroy(&io);
    }
    close(go[0]);
    close(ready[1]);
    char c;
    for (int i = 0; i < workers; i++) CHECK(read(ready[0], &c, 1) == 1);  /* each opened its handle */
    close(go[1]);                                                          /* go */
    close(ready[0]);
    for (int i = 0; i < workers; i++) {
        int status = 0;
        CHECK(waitpid(pid[i], &status, 0) == pid[i] && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    check_outcome(main_handle, g, workers, now() - began);
}

/* --child GROUP ID RUNS LOCATION OPTIONS: one worker of processes(); RUNS
** lists its runs by round, its own then its neighbour's, split by commas. */
static int child(char **argv) {
    snprintf(location, sizeof location, "%s", argv[5]);
    snprintf(options, sizeof options, "%s", argv[6]);
    struct worker w = {open_shared(), argv[2], atoi(argv[3]), {{0}}, NULL};
    char *at = argv[4];
    for (int k = 0; k < CONTESTS * 2; k++) w.runs[k / 2][k % 2] = strtol(*at == ',' ? at + 1 : at, &at, 10);
    char c;
    CHECK(write(1, "r", 1) == 1);
    while (read(0, &c, 1) > 0) {}  /* until the parent closes the pipe */
    work(&w);
    ihub_close(w.h);
    return failed == 0 ? 0 : 1;
}

int main(int argc, char **argv) {
    if (argc == 7 && strcmp(argv[1], "--child") == 0) return child(argv);
    const char *postgres = getenv("IHUB_TEST_POSTGRES");
    char dir[] = "/tmp/ihub-concurrency.XXXXXX";
    if (postgres != NULL && postgres[0] != '\0') {
        snprintf(location, sizeof location, "%s", postgres);
        snprintf(options, sizeof options, "{\"busy_timeout_ms\": 60000, \"schema\": \"cc_%ld\"}", (long)getpid());
    } else {
        CHECK(mkdtemp(dir) != NULL);
        snprintf(location, sizeof location, "%s/concurrency.db", dir);
        snprintf(options, sizeof options, "{\"busy_timeout_ms\": 60000}");
    }
    ihub *h = open_shared();
    if (h != NULL) {
        threads(h, "threads", 8, 1);
        threads(h, "handles", 4, 0);
        processes(h, "processes", 4);
    }
    ihub_close(h);
    if (postgres == NULL || postgres[0] == '\0') {
        const char *suffix[] = {"", "-wal", "-shm"};
        for (int i = 0; i < 3; i++) {
            char path[sizeof location + 8];
            snprintf(path, sizeof path, "%s%s", location, suffix[i]);
            unlink(path);
        }
        rmdir(dir);
    }
    printf("%d passed, %d failed (IHUB_BUSY retried %d times)\n", passed, failed, retried);
    return failed == 0 ? 0 : 1;
}
