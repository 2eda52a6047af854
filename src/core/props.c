/* props.c - the signal property table: one row per signal (name, default action, classes). */
#include "sigpath.h"

#define T(n) { n, SIGDFL_TERM, 0, 0 }
#define C(n, s) { n, SIGDFL_CORE, 0, s }
#define RT(n) { n, SIGDFL_TERM, 0, 0 }

const struct sig_props sig_props_table[K_NSIG + 1] = {
    { "0", SIGDFL_IGN, 0, 0 },
    T("SIGHUP"), T("SIGINT"), C("SIGQUIT", 0), C("SIGILL", 1), C("SIGTRAP", 1), C("SIGABRT", 0),
    C("SIGBUS", 1), C("SIGFPE", 1), { "SIGKILL", SIGDFL_TERM, 1, 0 }, T("SIGUSR1"),
    C("SIGSEGV", 1), T("SIGUSR2"), T("SIGPIPE"), T("SIGALRM"), T("SIGTERM"), T("SIGSTKFLT"),
    { "SIGCHLD", SIGDFL_IGN, 0, 0 }, { "SIGCONT", SIGDFL_CONT, 0, 0 }, { "SIGSTOP", SIGDFL_STOP, 1, 0 },
    { "SIGTSTP", SIGDFL_STOP, 0, 0 }, { "SIGTTIN", SIGDFL_STOP, 0, 0 }, { "SIGTTOU", SIGDFL_STOP, 0, 0 },
    { "SIGURG", SIGDFL_IGN, 0, 0 }, C("SIGXCPU", 0), C("SIGXFSZ", 0), T("SIGVTALRM"), T("SIGPROF"),
    { "SIGWINCH", SIGDFL_IGN, 0, 0 }, T("SIGIO"), T("SIGPWR"), C("SIGSYS", 1),
    RT("SIGRTMIN"), RT("SIGRTMIN+1"), RT("SIGRTMIN+2"), RT("SIGRTMIN+3"), RT("SIGRTMIN+4"),
    RT("SIGRTMIN+5"), RT("SIGRTMIN+6"), RT("SIGRTMIN+7"), RT("SIGRTMIN+8"), RT("SIGRTMIN+9"),
    RT("SIGRTMIN+10"), RT("SIGRTMIN+11"), RT("SIGRTMIN+12"), RT("SIGRTMIN+13"), RT("SIGRTMIN+14"),
    RT("SIGRTMIN+15"), RT("SIGRTMIN+16"), RT("SIGRTMIN+17"), RT("SIGRTMIN+18"), RT("SIGRTMIN+19"),
    RT("SIGRTMIN+20"), RT("SIGRTMIN+21"), RT("SIGRTMIN+22"), RT("SIGRTMIN+23"), RT("SIGRTMIN+24"),
    RT("SIGRTMIN+25"), RT("SIGRTMIN+26"), RT("SIGRTMIN+27"), RT("SIGRTMIN+28"), RT("SIGRTMIN+29"),
    RT("SIGRTMIN+30"), RT("SIGRTMIN+31"), RT("SIGRTMAX"),
};

/* sig_fatal: SIG_DFL and neither in the ignore nor in the stop class (terminate or core) */
bool sig_fatal(struct task *t, int sig)
{
    return !sig_kernel_ignore(sig) && !sig_kernel_stop(sig) && sig_handler(t, sig) == TGS_SIG_DFL;
}
