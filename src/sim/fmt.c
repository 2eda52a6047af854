/* fmt.c - appending trace text to a line buffer: literals, strings, decimal and hex numbers.
 * glibc's snprintf/fprintf cost more than simulating the event itself; these produce the same
 * text as the printf conversions named below. A full buffer truncates (never happens for trace
 * lines: names are at most 65 bytes). */
#include "sim/sim_int.h"
#include <string.h>

void sim_buf_put(sim_buf *b, const char *s, size_t n)
{
    size_t room = sizeof(b->b) - 1 - b->n;
    if (n > room)
        n = room;
    memcpy(b->b + b->n, s, n);
    b->n += n;
    b->b[b->n] = 0;
}

void sim_buf_str(sim_buf *b, const char *s)
{
    sim_buf_put(b, s, strlen(s));
}

void sim_buf_chr(sim_buf *b, char c)
{
    sim_buf_put(b, &c, 1);
}

/* %0<width>llu (width 0: %llu) */
void sim_buf_u(sim_buf *b, unsigned long long v, int width)
{
    char tmp[24];
    int i = (int)sizeof(tmp);
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (i > 0 && (int)sizeof(tmp) - i < width)
        tmp[--i] = '0';
    sim_buf_put(b, tmp + i, sizeof(tmp) - (size_t)i);
}

/* %lld */
void sim_buf_d(sim_buf *b, long long v)
{
    if (v < 0) {
        sim_buf_chr(b, '-');
        sim_buf_u(b, 0ULL - (unsigned long long)v, 0);
    } else {
        sim_buf_u(b, (unsigned long long)v, 0);
    }
}

/* %llx */
void sim_buf_x(sim_buf *b, unsigned long long v)
{
    char tmp[16];
    int i = (int)sizeof(tmp);
    do {
        tmp[--i] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v);
    sim_buf_put(b, tmp + i, sizeof(tmp) - (size_t)i);
}

/* " key=" then a number, the common shape of trace fields (key includes the separator). */
void sim_buf_kd(sim_buf *b, const char *key, long long v)
{
    sim_buf_str(b, key);
    sim_buf_d(b, v);
}

void sim_buf_ks(sim_buf *b, const char *key, const char *v)
{
    sim_buf_str(b, key);
    sim_buf_str(b, v);
}
