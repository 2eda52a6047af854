/* t.h - the tiny unit-test framework every test binary uses.
 * A test file defines tests with TEST(name) { ... } and ends with T_MAIN(). CHECK and friends
 * record failures with file:line and keep going; the binary prints one line per test and a final
 * "T: passed=N failed=M" line that tests/run.sh adds up. */
#ifndef TGS_T_H
#define TGS_T_H
#include <stdio.h>
#include <string.h>
#include <stdint.h>

typedef void (*t_fn)(void);
struct t_case { const char *name; t_fn fn; };
extern struct t_case t_cases[];
extern int t_ncases;
extern int t_fail_now;

#define T_MAX 512
#define TEST(tname) static void tname(void); \
    __attribute__((constructor)) static void reg_##tname(void) { \
        if (t_ncases < T_MAX) { t_cases[t_ncases].name = #tname; t_cases[t_ncases].fn = tname; t_ncases++; } } \
    static void tname(void)

#define CHECK(c) do { if (!(c)) { printf("  %s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #c); t_fail_now = 1; } } while (0)
#define CHECK_EQ(a, b) do { long long _a = (long long)(a), _b = (long long)(b); if (_a != _b) { \
    printf("  %s:%d: %s == %s failed: %lld != %lld\n", __FILE__, __LINE__, #a, #b, _a, _b); t_fail_now = 1; } } while (0)
#define CHECK_HEX(a, b) do { unsigned long long _a = (unsigned long long)(a), _b = (unsigned long long)(b); if (_a != _b) { \
    printf("  %s:%d: %s == %s failed: %#llx != %#llx\n", __FILE__, __LINE__, #a, #b, _a, _b); t_fail_now = 1; } } while (0)
#define CHECK_STR(a, b) do { const char *_a = (a), *_b = (b); if (!_a || !_b || strcmp(_a, _b)) { \
    printf("  %s:%d: %s == %s failed:\n    got:  \"%s\"\n    want: \"%s\"\n", __FILE__, __LINE__, #a, #b, _a ? _a : "(null)", _b ? _b : "(null)"); t_fail_now = 1; } } while (0)
#define CHECK_CONTAINS(hay, needle) do { const char *_h = (hay), *_n = (needle); if (!_h || !strstr(_h, _n)) { \
    printf("  %s:%d: \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__, _h ? _h : "(null)", _n); t_fail_now = 1; } } while (0)

#define T_MAIN() \
    struct t_case t_cases[T_MAX]; int t_ncases; int t_fail_now; \
    int main(int argc, char **argv) { \
        int pass = 0, fail = 0; \
        for (int i = 0; i < t_ncases; i++) { \
            if (argc > 1 && !strstr(t_cases[i].name, argv[1])) continue; \
            t_fail_now = 0; t_cases[i].fn(); \
            if (t_fail_now) { fail++; printf("FAIL %s\n", t_cases[i].name); } \
            else { pass++; printf("ok   %s\n", t_cases[i].name); } \
            fflush(stdout); \
        } \
        printf("T: passed=%d failed=%d\n", pass, fail); \
        return fail ? 1 : 0; \
    }
#endif
