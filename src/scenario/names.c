/* names.c - signal, errno and action names shared by the parser, simulator and kernel runner.
 * Kernel numbering, x86-64. */
#include <string.h>
#include "parse_int.h"

static const char *const sig_names[65] = {
    "SIG0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
    "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
    "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
    "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
    "SIGRTMIN", "SIGRTMIN+1", "SIGRTMIN+2", "SIGRTMIN+3", "SIGRTMIN+4", "SIGRTMIN+5",
    "SIGRTMIN+6", "SIGRTMIN+7", "SIGRTMIN+8", "SIGRTMIN+9", "SIGRTMIN+10", "SIGRTMIN+11",
    "SIGRTMIN+12", "SIGRTMIN+13", "SIGRTMIN+14", "SIGRTMIN+15", "SIGRTMIN+16",
    "SIGRTMAX-15", "SIGRTMAX-14", "SIGRTMAX-13", "SIGRTMAX-12", "SIGRTMAX-11", "SIGRTMAX-10",
    "SIGRTMAX-9", "SIGRTMAX-8", "SIGRTMAX-7", "SIGRTMAX-6", "SIGRTMAX-5", "SIGRTMAX-4",
    "SIGRTMAX-3", "SIGRTMAX-2", "SIGRTMAX-1", "SIGRTMAX"
};

struct alias { const char *name; int num; };
static const struct alias sig_aliases[] = {
    { "IOT", 6 }, { "POLL", 29 }, { "CLD", 17 }, { "UNUSED", 31 },
};

const char *sc_signame(int sig)
{
    if (sig < 1 || sig > 64) return "SIG?";
    return sig_names[sig];
}

/* digits only, value 0..999, no sign */
static int small_num(const char *s, int len)
{
    int v = 0;
    if (len < 1 || len > 3) return -1;
    for (int i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static int rt_name(const char *s, int len)
{
    if (len < 5 || memcmp(s, "RTM", 3) != 0) return -1;
    int base = !memcmp(s, "RTMIN", 5) ? 32 : !memcmp(s, "RTMAX", 5) ? 64 : -1;
    if (base < 0) return -1;
    if (len == 5) return base;
    int n = small_num(s + 6, len - 6);
    if (n < 0) return -1;
    int v = s[5] == '+' ? base + n : s[5] == '-' ? base - n : -1;
    return v >= 32 && v <= 64 ? v : -1;
}

int sc__sig_from_name_n(const char *s, int len)
{
    if (!s || len <= 0) return -1;
    if (s[0] >= '0' && s[0] <= '9') {
        int n = small_num(s, len);
        return n >= 0 && n <= 64 ? n : -1;
    }
    if (len > 3 && !memcmp(s, "SIG", 3)) { s += 3; len -= 3; }
    for (int i = 1; i <= 31; i++)
        if ((int)strlen(sig_names[i]) - 3 == len && !memcmp(sig_names[i] + 3, s, (size_t)len))
            return i;
    for (size_t i = 0; i < sizeof sig_aliases / sizeof sig_aliases[0]; i++)
        if ((int)strlen(sig_aliases[i].name) == len && !memcmp(sig_aliases[i].name, s, (size_t)len))
            return sig_aliases[i].num;
    return rt_name(s, len);
}

int sc_sig_from_name(const char *s)
{
    if (!s) return -1;
    size_t n = strlen(s);
    return n > 64 ? -1 : sc__sig_from_name_n(s, (int)n);
}

static const struct alias err_names[] = {
    { "EPERM", 1 }, { "ENOENT", 2 }, { "ESRCH", 3 }, { "EINTR", 4 }, { "EIO", 5 },
    { "ENXIO", 6 }, { "E2BIG", 7 }, { "ENOEXEC", 8 }, { "EBADF", 9 }, { "ECHILD", 10 },
    { "EAGAIN", 11 }, { "ENOMEM", 12 }, { "EACCES", 13 }, { "EFAULT", 14 }, { "ENOTBLK", 15 },
    { "EBUSY", 16 }, { "EEXIST", 17 }, { "EXDEV", 18 }, { "ENODEV", 19 }, { "ENOTDIR", 20 },
    { "EISDIR", 21 }, { "EINVAL", 22 }, { "ENFILE", 23 }, { "EMFILE", 24 }, { "ENOTTY", 25 },
    { "ETXTBSY", 26 }, { "EFBIG", 27 }, { "ENOSPC", 28 }, { "ESPIPE", 29 }, { "EROFS", 30 },
    { "EMLINK", 31 }, { "EPIPE", 32 }, { "EDOM", 33 }, { "ERANGE", 34 }, { "EDEADLK", 35 },
    { "ENAMETOOLONG", 36 }, { "ENOLCK", 37 }, { "ENOSYS", 38 }, { "ENOTEMPTY", 39 },
    { "ELOOP", 40 }, { "ENOMSG", 42 }, { "EIDRM", 43 }, { "ENODATA", 61 }, { "ETIME", 62 },
    { "EOVERFLOW", 75 }, { "EBADFD", 77 }, { "EILSEQ", 84 }, { "ERESTART", 85 },
    { "EUSERS", 87 }, { "ENOTSOCK", 88 }, { "EMSGSIZE", 90 }, { "EOPNOTSUPP", 95 },
    { "EADDRINUSE", 98 }, { "ENOBUFS", 105 }, { "ETIMEDOUT", 110 }, { "EALREADY", 114 },
    { "EINPROGRESS", 115 }, { "EDQUOT", 122 }, { "ECANCELED", 125 }, { "EOWNERDEAD", 130 },
    { "ENOTRECOVERABLE", 131 },
    /* kernel-internal restart codes, seen inside the model */
    { "ERESTARTSYS", 512 }, { "ERESTARTNOINTR", 513 }, { "ERESTARTNOHAND", 514 },
    { "ENOIOCTLCMD", 515 }, { "ERESTART_RESTARTBLOCK", 516 },
    /* aliases: the first name of a number is the one sc_errname prints */
    { "EWOULDBLOCK", 11 }, { "EDEADLOCK", 35 }, { "ENOTSUP", 95 },
};
#define N_ERR (sizeof err_names / sizeof err_names[0])

const char *sc_errname(int err)
{
    for (size_t i = 0; i < N_ERR; i++)
        if (err_names[i].num == err) return err_names[i].name;
    return "E?";
}

int sc__err_from_name_n(const char *s, int len)
{
    if (!s || len <= 0) return -1;
    for (size_t i = 0; i < N_ERR; i++)
        if ((int)strlen(err_names[i].name) == len && !memcmp(err_names[i].name, s, (size_t)len))
            return err_names[i].num;
    return -1;
}

int sc_err_from_name(const char *s)
{
    if (!s) return -1;
    size_t n = strlen(s);
    return n > 64 ? -1 : sc__err_from_name_n(s, (int)n);
}

static const char *const action_names[SC_A__COUNT] = {
    [SC_A_NONE] = "none", [SC_A_SIGPROCMASK] = "sigprocmask", [SC_A_SIGACTION] = "sigaction",
    [SC_A_KILL] = "kill", [SC_A_TKILL] = "tkill", [SC_A_TGKILL] = "tgkill",
    [SC_A_SIGQUEUE] = "sigqueue", [SC_A_RT_SIGQUEUEINFO] = "rt_sigqueueinfo",
    [SC_A_RT_TGSIGQUEUEINFO] = "rt_tgsigqueueinfo", [SC_A_PIDFD_SEND] = "pidfd_send_signal",
    [SC_A_RAISE] = "raise", [SC_A_PTHREAD_KILL] = "pthread_kill", [SC_A_PAUSE] = "pause",
    [SC_A_SIGSUSPEND] = "sigsuspend", [SC_A_SIGWAITINFO] = "sigwaitinfo",
    [SC_A_SIGTIMEDWAIT] = "sigtimedwait", [SC_A_SIGNALFD] = "signalfd",
    [SC_A_SIGNALFD_READ] = "signalfd_read", [SC_A_READ] = "read", [SC_A_WRITE] = "write",
    [SC_A_NANOSLEEP] = "nanosleep", [SC_A_SPIN] = "spin", [SC_A_FAULT] = "fault",
    [SC_A_SIGALTSTACK] = "sigaltstack", [SC_A_FORK] = "fork", [SC_A_CLONE] = "clone",
    [SC_A_EXEC] = "exec", [SC_A_EXIT] = "exit", [SC_A_EXIT_GROUP] = "exit_group",
    [SC_A_WAIT] = "wait", [SC_A_WAITID] = "waitid", [SC_A_SETSID] = "setsid",
    [SC_A_SETPGID] = "setpgid", [SC_A_PRCTL_PDEATHSIG] = "prctl pdeathsig",
    [SC_A_PRCTL_SUBREAPER] = "prctl subreaper", [SC_A_BLOCK] = "block",
    [SC_A_UNBLOCK] = "unblock", [SC_A_SAVEDMASK_ADD] = "savedmask add",
    [SC_A_SAVEDMASK_DEL] = "savedmask del", [SC_A_SETTLE] = "settle",
};

const char *sc_action_name(int kind)
{
    if (kind < 0 || kind >= SC_A__COUNT || !action_names[kind]) return "?";
    return action_names[kind];
}
