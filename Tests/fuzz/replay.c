/*
** Replays fuzz inputs without libFuzzer: runs the target's
** LLVMFuzzerTestOneInput over every file named, and every file of every
** folder named (not recursively). Prints how many it ran; a finding aborts.
*/
#define _POSIX_C_SOURCE 200809L /* opendir */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) { perror(path); exit(1); }
    size_t capacity = 4096, size = 0, n;
    uint8_t *data = malloc(capacity);
    while (data != NULL && (n = fread(data + size, 1, capacity - size, f)) > 0) {
        size += n;
        if (size == capacity) data = realloc(data, capacity *= 2);
    }
    if (data == NULL) { perror(path); exit(1); }
    fclose(f);
    LLVMFuzzerTestOneInput(data, size);
    free(data);
    return 1;
}

int main(int argc, char **argv) {
    int count = 0;
    for (int i = 1; i < argc; i++) {
        struct stat info;
        if (stat(argv[i], &info) != 0) { perror(argv[i]); return 1; }
        if (!S_ISDIR(info.st_mode)) { count += replay_file(argv[i]); continue; }
        DIR *dir = opendir(argv[i]);
        if (dir == NULL) { perror(argv[i]); return 1; }
        for (struct dirent *entry; (entry = readdir(dir)) != NULL;) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[i], entry->d_name);
            if (stat(path, &info) == 0 && S_ISREG(info.st_mode)) count += replay_file(path);
        }
        closedir(dir);
    }
    printf("%d inputs replayed\n", count);
    return 0;
}
