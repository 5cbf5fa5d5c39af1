/* uname(2) answered with the persona's kernel: see persona_uname.c. */
#ifndef CHRONOS_PERSONA_UNAME_H
#define CHRONOS_PERSONA_UNAME_H

/*
 * Installs, on init and everything it forks afterwards, a seccomp filter that hands every
 * uname(2) call to init, and returns the filter's listener. Returns -1 without a filter when the
 * session's kernel files already name the running kernel (nothing to hide) or when this kernel
 * cannot (no seccomp user notification: Linux < 5.0, not x86_64, or a listener already in the
 * filter chain). From a successful return on, init itself must never call uname(2) (nor
 * gethostname(3), which glibc builds on it): it would wait for its own answer.
 */
int persona_uname_install(void);

/* Answers the uname call that made the listener readable; -1 when the listener no longer
   works (init then closes it, and uname calls fail with ENOSYS instead of waiting forever). */
int persona_uname_answer(int listener);

#endif
