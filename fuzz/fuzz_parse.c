/* fuzz_parse.c - libFuzzer target for the scenario parser (src/scenario).
 *
 * Every input is parsed with sc_parse. The parser must never crash, hang or leak, whatever the
 * bytes; on success the parsed file must be self-consistent (indexes in range), on failure it
 * must have written a "path:line:col: message" error and left the sc_file empty. Build and run
 * with fuzz/run.sh; crashes found become files in fuzz/regress/ (replayed by make test). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "scenario/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_target(const sc_file *f, const sc_target *t)
{
    if (t->kind == SC_T_PROC || t->kind == SC_T_PGRP)
        if (t->proc < 0 || t->proc >= f->n_procs) abort();
    if (t->kind == SC_T_THREAD && (t->thread < 0 || t->thread >= f->n_threads)) abort();
}

static void check_action(const sc_file *f, const sc_action *a, int depth)
{
    if (a->kind <= SC_A_NONE || a->kind >= SC_A__COUNT) abort();
    if (a->body_len < 0 || a->body_len > SC_MAX_BODY || (a->body_len && !a->body)) abort();
    if (depth > 0 && a->body_len) abort();
    check_target(f, &a->target);
    for (int i = 0; i < a->body_len; i++) check_action(f, &a->body[i], depth + 1);
    (void)sc_action_name(a->kind);
}

static void check_file(const sc_file *f)
{
    if (f->cpus < 1 || f->cpus > 64) abort();
    for (int i = 0; i < f->n_threads; i++) {
        const sc_thread *t = &f->threads[i];
        if (t->proc < 0 || t->proc >= f->n_procs || !memchr(t->name, 0, SC_MAX_NAME)) abort();
    }
    for (int i = 0; i < f->n_procs; i++) {
        const sc_proc *p = &f->procs[i];
        if (p->first_thread < 0 || p->first_thread >= f->n_threads) abort();
        if (p->parent < -1 || p->parent >= f->n_procs) abort();
    }
    for (int i = 0; i < f->n_steps; i++) {
        const sc_step *s = &f->steps[i];
        if (s->actor_proc < 0 || s->actor_proc >= f->n_procs) abort();
        if (s->actor_thread < -1 || s->actor_thread >= f->n_threads) abort();
        check_action(f, &s->act, 0);
    }
    for (int i = 0; i < f->n_expects; i++) {
        const sc_expect *e = &f->expects[i];
        if (e->n_alt < 1 || !e->alt || e->after_step < 0 || e->after_step > f->n_steps) abort();
        for (int j = 0; j < e->n_alt; j++)
            if (e->alt[j].list_len < 0 || e->alt[j].list_len > SC_MAX_LIST) abort();
    }
    for (int i = 0; i < f->n_status; i++)
        for (int j = 0; j < f->status[i].n; j++)
            if (f->status[i].threads[j] < 0 || f->status[i].threads[j] >= f->n_threads) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sc_file f;
    char err[512];
    memset(&f, 0x5a, sizeof f);              /* the parser must fill everything itself */
    err[0] = 0;
    int r = sc_parse("fuzz.tgs", (const char *)data, size, &f, err, sizeof err);
    if (r == 0) {
        check_file(&f);
        sc_free(&f);
        return 0;
    }
    if (r != -1) abort();
    if (strncmp(err, "fuzz.tgs:", 9) != 0 || !memchr(err, 0, sizeof err)) abort();
    if (f.n_procs != 0 || f.procs != NULL || f.steps != NULL) abort();
    sc_free(&f);
    return 0;
}
