/* gen.h - the random scenario generator behind `tgsig check --random N --seed S`, `tgsig run
 * --random` and the random batch of `make test` (tests/random_diff.sh).
 *
 * sc_generate writes one valid scenario (docs/scenario.md) for `seed` into buf: a shell, a few
 * processes of their own uid (20000 + seed % 40000: SigQ counts per uid machine-wide) with
 * threads, masks, handlers (with small bodies), sends of every kind from the shell (kill,
 * pidfd_send_signal, sigqueue, tgkill, tkill) and between the processes, stops and continues,
 * clones, forks, exits, exec, setpgid (then kill pgrp:), polls, wait/waitid with WNOHANG. The
 * same seed always gives the same text.
 *
 * Every scenario is meant to be deterministic on the real kernel as well as in the simulator:
 * `machine cpus=1`, no spinning, a thread is only given a step when the generator is certain it
 * is idle (alive, not stopped, not asleep in an earlier step, its process not possibly dying),
 * handler nesting stays well under the limit of 8, nothing process-directed goes to a process
 * that may be stopped and thread-directed sends to it go to one thread only (after SIGCONT the
 * woken threads race), and `expect` lines are written only for outcomes that are certain
 * (returns of mask/action calls, a SIGKILL or SIGSTOP from the shell to a process that nothing
 * else can have killed, processes nothing could have killed being alive at the end).
 * Everything else is left to `tgsig check`'s model-vs-kernel comparison. */
#ifndef TGS_SCENARIO_GEN_H
#define TGS_SCENARIO_GEN_H

#include <stddef.h>

/* Writes a NUL-terminated scenario into buf (len bytes; 16 KiB is always enough). Returns its
 * length, or -1 if buf is NULL or too small (buf then holds a truncated, NUL-terminated text
 * when len > 0). */
int sc_generate(unsigned long seed, char *buf, size_t len);

/* The name sc_generate puts in the first comment line: "random-<seed>". */
#define SC_GEN_BUFSIZE 16384

#endif
