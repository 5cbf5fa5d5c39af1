/*
 * pid 1 of a Chronos sandbox. It does what bubblewrap's own reaper does (start the session's
 * program, reap every orphan, exit with the program's status: 128 + n for a signal), but looks
 * like a host's init: bubblewrap's reaper shows its whole command line (every bind, the world's
 * mount path) as pid 1 to `ps -ef`.
 *
 *   argv: /sbin/init NAME=VALUE... -- PROGRAM ARG...
 *
 * The session's program gets the NAME=VALUE list as its environment; init keeps the one it was
 * started with (what a kernel gives an init). Before the program starts, init
 *  - rewrites its argument area so /proc/1/cmdline reads "/sbin/init" alone: when the last byte
 *    of the area is not NUL, the kernel returns the area up to its first NUL (the technique of
 *    setproctitle(3));
 *  - names itself "systemd" (PR_SET_NAME), as systemd does when the kernel starts /sbin/init;
 *  - leaves the session's terminal (setsid), moves to "/", points its stdio at /dev/null and
 *    closes every other descriptor it was given, as a booted init has them.
 * It installs no signal handlers, so, as for any pid 1, nothing inside the sandbox can signal it.
 *
 * When the session's /proc names a kernel other than the running one (the persona's files are
 * bound there), init also answers every uname(2) call of the session with that kernel
 * (persona_uname.c): its main loop waits for a child to reap or a call to answer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "persona_uname.h"

static char **copy(char **from, int count)
{
    char **to = calloc((size_t)count + 1, sizeof *to);
    for (int i = 0; to != NULL && i < count; i++) {
        if ((to[i] = strdup(from[i])) == NULL) {
            return NULL;
        }
    }
    return to;
}

/* The session's program, in the forked child: a clean signal mask and only stdin, stdout and
   stderr (init's listener and signal descriptors, or anything else, are none of its business). */
static void run(char **program, char **environment)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (close_range(3, ~0U, 0) != 0) {
        /* Linux < 5.9: one by one, up to the session's descriptor limit. */
        struct rlimit limit;
        int last = getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < 65536 ? (int)limit.rlim_cur : 65536;
        for (int fd = 3; fd < last; fd++) {
            close(fd);
        }
    }
    execve(program[0], program, environment);
    int error = errno;
    fprintf(stderr, "%s: %s\n", program[0], strerror(error));
    _exit(error == ENOENT ? 127 : 126);
}

/* The program's exit status as a shell reports it: 128 + n for a signal. */
static int status_of(int status)
{
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Reaps every orphan until the program exits. */
static int reap_blocking(pid_t child)
{
    for (;;) {
        int status;
        pid_t pid = wait(&status);
        if (pid < 0) {
            if (errno == EINTR) {
                continue;
            }
            return 127;
        }
        if (pid == child) {
            return status_of(status);
        }
    }
}

/* Reaps every orphan and answers uname calls (listener < 0: none) until the program exits. */
static int serve(pid_t child, int exits, int listener)
{
    struct pollfd watched[2] = {
        { .fd = exits, .events = POLLIN },
        { .fd = listener, .events = POLLIN },
    };
    for (;;) {
        if (poll(watched, 2, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            return reap_blocking(child);
        }
        if (((watched[1].revents & POLLIN) && persona_uname_answer(listener) != 0)
            || (watched[1].revents & (POLLERR | POLLHUP | POLLNVAL))) {
            close(listener);
            watched[1].fd = -1;
        }
        if (watched[0].revents & POLLIN) {
            struct signalfd_siginfo drained[16];
            if (read(exits, drained, sizeof drained) < 0) {
                /* Pending signals merge into one: the reaping below finds every exit anyway. */
            }
            for (;;) {
                int status;
                pid_t pid = waitpid(-1, &status, WNOHANG);
                if (pid <= 0) {
                    break;
                }
                if (pid == child) {
                    return status_of(status);
                }
            }
        }
    }
}

int main(int argc, char **argv)
{
    int separator = 1;
    while (separator < argc && strcmp(argv[separator], "--") != 0) {
        separator++;
    }
    if (separator >= argc - 1) {
        fputs("init: usage: init NAME=VALUE... -- PROGRAM ARG...\n", stderr);
        return 127;
    }
    char **environment = copy(argv + 1, separator - 1);
    char **program = copy(argv + separator + 1, argc - separator - 1);
    if (environment == NULL || program == NULL) {
        return 127;
    }

    char *last = argv[argc - 1] + strlen(argv[argc - 1]);
    size_t title = strlen(argv[0]);
    memset(argv[0] + title, 0, (size_t)(last - argv[0]) - title);
    *last = ' ';
    prctl(PR_SET_NAME, "systemd", 0, 0, 0);

    /* Only what init opens from here on stays open (bwrap passes nothing else on purpose, but
       nothing it may pass should outlive this point). */
    close_range(3, ~0U, 0);

    /* SIGCHLD arrives through a descriptor, so one poll waits for both children and uname
       calls. Blocked before the fork, so no exit can slip between them; the child unblocks it. */
    sigset_t child_exits;
    sigemptyset(&child_exits);
    sigaddset(&child_exits, SIGCHLD);
    sigprocmask(SIG_BLOCK, &child_exits, NULL);
    int exits = signalfd(-1, &child_exits, SFD_CLOEXEC);
    /* Without a way to wait for both, uname keeps answering the host's (the loop below waits
       for children alone). */
    int listener = exits < 0 ? -1 : persona_uname_install();

    pid_t child = fork();
    if (child < 0) {
        perror("init: fork");
        return 127;
    }
    if (child == 0) {
        run(program, environment);
    }

    /* A session of its own: a booted init has no controlling terminal (ps shows "?"), and the
       program keeps the session and terminal it was started in, as sshd's child does. */
    setsid();
    if (chdir("/") != 0) {
        /* Stays where it was: nothing depends on it. */
    }
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        if (null > 2) {
            close(null);
        }
    }

    return exits < 0 ? reap_blocking(child) : serve(child, exits, listener);
}
