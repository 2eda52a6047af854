/* simbench.h - the simulator's side of the benchmarks (targets 4 and 7 through sim_run). */
#ifndef TGS_BENCH_SIMBENCH_H
#define TGS_BENCH_SIMBENCH_H

/* 7: simulator throughput, and 4 through the whole simulator (scenario interpreter, scheduler,
 * core). Prints SKIP lines when the simulator is not built (HAVE_SIM undefined). */
void part_sim(void);

#endif
