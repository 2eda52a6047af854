/* test_gen.c - the random scenario generator: every generated scenario parses, the same seed
 * gives the same text, different seeds give different texts, small buffers are refused cleanly,
 * and the generated files keep the rules that make them deterministic on the kernel. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "t.h"
#include "scenario/scenario.h"
#include "scenario/gen.h"

T_MAIN()

static char A[SC_GEN_BUFSIZE], B[SC_GEN_BUFSIZE];

TEST(generated_scenarios_parse)
{
    for (unsigned long seed = 0; seed < 2000; seed++) {
        int n = sc_generate(seed, A, sizeof A);
        CHECK(n > 0);
        if (n <= 0) return;
        CHECK_EQ((size_t)n, strlen(A));
        sc_file f;
        char err[512];
        int r = sc_parse("gen.tgs", A, (size_t)n, &f, err, sizeof err);
        if (r) {
            printf("  seed %lu: %s\n", seed, err);
            CHECK_EQ(r, 0);
            return;
        }
        CHECK_EQ(f.cpus, 1);
        CHECK(f.n_procs >= 2);
        CHECK(f.n_steps >= 1);
        sc_free(&f);
    }
}

TEST(same_seed_same_text)
{
    for (unsigned long seed = 0; seed < 200; seed += 7) {
        CHECK(sc_generate(seed, A, sizeof A) > 0);
        CHECK(sc_generate(seed, B, sizeof B) > 0);
        CHECK_STR(A, B);
    }
    CHECK(sc_generate(~0UL, A, sizeof A) > 0);
    CHECK(sc_generate(~0UL, B, sizeof B) > 0);
    CHECK_STR(A, B);
}

TEST(different_seeds_differ)
{
    int same = 0;
    for (unsigned long seed = 1; seed < 100; seed++) {
        sc_generate(seed, A, sizeof A);
        sc_generate(seed + 1, B, sizeof B);
        /* skip the first line (it names the seed) */
        same += !strcmp(strchr(A, '\n'), strchr(B, '\n'));
    }
    CHECK(same < 5);
}

TEST(small_buffer_is_refused)
{
    CHECK_EQ(sc_generate(1, NULL, 100), -1);
    CHECK_EQ(sc_generate(1, A, 0), -1);
    int n = sc_generate(5, A, sizeof A);
    CHECK(n > 10);
    CHECK_EQ(sc_generate(5, B, (size_t)n), -1);              /* no room for the NUL */
    CHECK_EQ(B[n - 1], 0);
    CHECK_EQ(sc_generate(5, B, (size_t)n + 1), n);
    CHECK_STR(A, B);
    CHECK_EQ(sc_generate(5, B, 10), -1);
    CHECK(strlen(B) < 10);
}

/* The determinism rules: one CPU, no spinning, no signals of the C library (32, 33), no
 * handler body that raises its own signal. */
TEST(generated_scenarios_keep_the_rules)
{
    for (unsigned long seed = 0; seed < 500; seed++) {
        sc_generate(seed, A, sizeof A);
        sc_file f;
        char err[512];
        if (sc_parse("gen.tgs", A, strlen(A), &f, err, sizeof err)) { CHECK(0); return; }
        CHECK(strstr(A, "machine cpus=1\n") != NULL);
        for (int i = 0; i < f.n_steps; i++) {
            const sc_action *a = &f.steps[i].act;
            CHECK(a->kind != SC_A_SPIN && a->kind != SC_A_FAULT);
            CHECK(a->sig != 32 && a->sig != 33);
            for (int j = 0; j < a->body_len; j++) {
                CHECK(a->body[j].kind != SC_A_SPIN);
                if (a->body[j].kind == SC_A_RAISE) CHECK(a->body[j].sig != a->sig);
            }
        }
        sc_free(&f);
    }
}

/* What the generator keeps away from (each is a known disagreement or a kernel race, see
 * tests/conformance/random/): no `ACTOR: settle` step (rnd-001), no `pgrp=` own name (rnd-010),
 * every process but the shell runs as the seed's own uid (SigQ is counted per uid). */
TEST(generated_scenarios_avoid_known_traps)
{
    for (unsigned long seed = 0; seed < 500; seed++) {
        char uid[64];
        sc_generate(seed, A, sizeof A);
        CHECK(strstr(A, ": settle") == NULL);
        CHECK(strstr(A, " pgrp=") == NULL);
        snprintf(uid, sizeof uid, " uid=%lu euid=%lu suid=%lu", 20000 + seed % 40000,
                 20000 + seed % 40000, 20000 + seed % 40000);
        for (const char *l = A; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
            if (strncmp(l, "process ", 8) != 0 || strncmp(l, "process shell\n", 14) == 0) continue;
            const char *nl = strchr(l, '\n');
            const char *u = strstr(l, uid);
            CHECK(u != NULL && (!nl || u < nl));
        }
    }
}
