/* A slower disk, simulated: fsync and fdatasync sleep SLOW_FSYNC_US microseconds (default 5000)
 * before doing their work. For bench/bench_receiver.py: both the raw SQLite run and the receiver
 * then commit on the same slower "disk", which shows what group commit does where fsync is slow
 * (many servers, network volumes) rather than fast (this development machine).
 *
 *   gcc -shared -fPIC -O2 -o /tmp/slow_fsync.so bench/slow_fsync.c -ldl
 *   LD_PRELOAD=/tmp/slow_fsync.so SLOW_FSYNC_US=3000 python bench/bench_receiver.py
 *
 * Linux (glibc) only. Not used by any test.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>

static void slow_down(void) {
    const char *text = getenv("SLOW_FSYNC_US");
    long us = text ? atol(text) : 5000;
    struct timespec pause = {us / 1000000, (us % 1000000) * 1000};
    nanosleep(&pause, NULL);
}

int fsync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    slow_down();
    return real(fd);
}

int fdatasync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    slow_down();
    return real(fd);
}
