/* trace.c - trace events go to the host (the kernel's tracepoints). */
#include "sigpath.h"

/* trace_signal_generate / trace_signal_deliver and our own events */
void trace_event(struct tgs_world *w, const tgs_event *ev)
{
    if (w->ops.trace) w->ops.trace(w->ops.ctx, ev);
}
