/*
 * uname(2) as the persona's kernel answers it. The sandbox binds the persona's
 * /proc/sys/kernel/osrelease and version over procfs's, but the uname system call (uname -a,
 * os.uname(), any static binary) reads the kernel's own utsname, the host's. A seccomp filter
 * with SECCOMP_RET_USER_NOTIF stops every uname call of the session and hands it to init, which
 * writes the answer into the caller's buffer and lets the call return 0:
 *  - sysname and machine: the running kernel's (the session's binaries are this machine's);
 *  - release and version: the session's own /proc/sys/kernel/osrelease and version, read once
 *    before the filter, so uname and every file under /proc can never disagree;
 *  - nodename and domainname: the session's UTS namespace, read from /proc/sys/kernel at every
 *    call (uname cannot be called here: it would wait for itself).
 * The caller's memory is written with process_vm_writev, which honours page protections as the
 * kernel's own copy_to_user does (a read-only or unmapped buffer gives EFAULT). A caller that is
 * not root is another uid, so init needs CAP_SYS_PTRACE in the sandbox's user namespace (the
 * Gateway adds it to the sandbox's set when init runs).
 */
#define _GNU_SOURCE
#include "persona_uname.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <unistd.h>

#if defined(__x86_64__)

/* uname is 63 in x86_64's table (arch/x86/entry/syscalls/syscall_64.tbl, "common", so also x32's
   with bit 30 set); an i386 caller (a 32-bit binary, or int 0x80) has newuname 122, olduname 109
   and oldolduname 59 (syscall_32.tbl). */
#define X86_64_UNAME 63U
#define X32_SYSCALL_BIT 0x40000000U
#define I386_NEWUNAME 122U
#define I386_OLDUNAME 109U
#define I386_OLDOLDUNAME 59U

static struct utsname persona;
static int hostname_file = -1;
static int domainname_file = -1;
static struct seccomp_notif *request;
static struct seccomp_notif_resp *response;
static size_t request_size;
static size_t response_size;

/* The first line of a small file, without its newline; 0 on success. */
static int read_line(const char *path, char *to, size_t size)
{
    int file = open(path, O_RDONLY | O_CLOEXEC);
    if (file < 0) {
        return -1;
    }
    ssize_t length = read(file, to, size - 1);
    close(file);
    if (length <= 0) {
        return -1;
    }
    to[length] = '\0';
    to[strcspn(to, "\n")] = '\0';
    return 0;
}

/* A name of the session's UTS namespace as it is now; keeps what it had when it cannot be read. */
static void read_name(int file, char *to, size_t size)
{
    char name[sizeof persona.nodename];
    ssize_t length = file < 0 ? -1 : pread(file, name, sizeof name - 1, 0);
    if (length > 0) {
        name[length] = '\0';
        name[strcspn(name, "\n")] = '\0';
        memset(to, 0, size);
        memcpy(to, name, strlen(name));
    }
}

static size_t larger(size_t kernel, size_t ours)
{
    return kernel > ours ? kernel : ours;
}

int persona_uname_install(void)
{
    struct utsname host;
    if (uname(&host) != 0) {
        return -1;
    }
    persona = host;
    memset(persona.release, 0, sizeof persona.release);
    memset(persona.version, 0, sizeof persona.version);
    if (read_line("/proc/sys/kernel/osrelease", persona.release, sizeof persona.release) != 0
        || read_line("/proc/sys/kernel/version", persona.version, sizeof persona.version) != 0) {
        return -1;
    }
    if (strcmp(persona.release, host.release) == 0 && strcmp(persona.version, host.version) == 0) {
        /* No persona kernel is bound: uname already agrees with /proc, and no filter shows. */
        return -1;
    }

    /* The kernel's structures may be larger than these headers' (newer kernel): size by its answer. */
    struct seccomp_notif_sizes sizes;
    if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) != 0) {
        return -1;
    }
    request_size = larger(sizes.seccomp_notif, sizeof *request);
    response_size = larger(sizes.seccomp_notif_resp, sizeof *response);
    request = calloc(1, request_size);
    response = calloc(1, response_size);
    if (request == NULL || response == NULL) {
        return -1;
    }

    struct sock_filter filter[] = {
        /* 0 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        /* 1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 4),
        /* 2 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        /* 3 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, X86_64_UNAME, 8, 0),
        /* 4 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, X32_SYSCALL_BIT | X86_64_UNAME, 7, 0),
        /* 5 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        /* An x86_64 kernel runs only x86_64 (with x32) and i386 calls; anything else passes. */
        /* 6 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_I386, 0, 4),
        /* 7 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        /* 8 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, I386_NEWUNAME, 3, 0),
        /* The pre-1.0 layouts no libc has used since the 1990s: ENOSYS, never the host's release. */
        /* 9 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, I386_OLDUNAME, 3, 0),
        /* 10 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, I386_OLDOLDUNAME, 2, 0),
        /* 11 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        /* 12 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
        /* 13 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
    };
    struct sock_fprog program = { .len = sizeof filter / sizeof filter[0], .filter = filter };

    hostname_file = open("/proc/sys/kernel/hostname", O_RDONLY | O_CLOEXEC);
    domainname_file = open("/proc/sys/kernel/domainname", O_RDONLY | O_CLOEXEC);
    /* bubblewrap has set it already; a filter without CAP_SYS_ADMIN needs it. */
    int listener = -1;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0) {
        listener = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &program);
    }
    if (listener < 0) {
        close(hostname_file);
        close(domainname_file);
        hostname_file = domainname_file = -1;
        return -1;
    }
    return listener;
}

int persona_uname_answer(int listener)
{
    memset(request, 0, request_size);
    if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, request) != 0) {
        /* ENOENT: the caller was killed after the listener became readable; nothing to answer. */
        return errno == ENOENT || errno == EINTR ? 0 : -1;
    }
    struct utsname answer = persona;
    read_name(hostname_file, answer.nodename, sizeof answer.nodename);
    read_name(domainname_file, answer.domainname, sizeof answer.domainname);
    memset(response, 0, response_size);
    response->id = request->id;

    /* The pid names the caller only while its call is pending: checked before the write and
       again after it, so a caller killed meanwhile gets no answer (and no pid can have been
       reused in between: that would need the session's pid namespace to wrap pid_max). */
    if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &request->id) != 0) {
        return 0;
    }
    /* Every layout answered here (x86_64, x32, i386 newuname) is struct new_utsname: six
       fields of 65 bytes, which is glibc's struct utsname. */
    struct iovec local = { .iov_base = &answer, .iov_len = sizeof answer };
    struct iovec remote = { .iov_base = (void *)(uintptr_t)request->data.args[0], .iov_len = sizeof answer };
    ssize_t written = process_vm_writev((pid_t)request->pid, &local, 1, &remote, 1, 0);
    if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &request->id) != 0) {
        return 0;
    }
    /* Any failure is the kernel's answer to a bad buffer: never the host's utsname. */
    response->error = written == (ssize_t)sizeof answer ? 0 : -EFAULT;
    response->val = 0;
    if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, response) != 0) {
        /* ENOENT: the caller was killed while its answer was written. */
    }
    return 0;
}

#else

/* Only x86_64 is built and tested: elsewhere uname answers the host's, as before. */
int persona_uname_install(void)
{
    return -1;
}

int persona_uname_answer(int listener)
{
    (void)listener;
    return -1;
}

#endif
