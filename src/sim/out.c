/* out.c - the three output formats: ftrace text, JSON lines, Chrome/Perfetto trace JSON.
 *
 * Every event is first rendered as the ftrace field list ("k=v k=v"); JSON lines convert that
 * list into members, Perfetto turns it into an instant's args. */
#include "sim/sim_int.h"
#include <stdlib.h>
#include <string.h>

#define PF_CPU_PID 1000000000

static int fmt_is(const sim *s, int f)
{
    return s->emit && s->opt.format == f;
}

void out_json_str(FILE *o, const char *str)
{
    fputc('"', o);
    for (const unsigned char *p = (const unsigned char *)str; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(o, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(o, "\\u%04x", *p);
        else
            fputc(*p, o);
    }
    fputc('"', o);
}

static void ts_text(uint64_t ns, char *b, size_t n)
{
    snprintf(b, n, "%llu.%06llu", (unsigned long long)(ns / 1000000000ULL),
             (unsigned long long)(ns / 1000ULL % 1000000ULL));
}

static void ts_us(FILE *o, uint64_t ns)
{
    fprintf(o, "%llu.%03llu", (unsigned long long)(ns / 1000ULL), (unsigned long long)(ns % 1000ULL));
}

/* "k=v k=v" -> ,"k":v,"k":"v" (numbers stay numbers; handler/flags values are hex strings) */
static void json_fields(FILE *o, const char *fields)
{
    char buf[512];
    snprintf(buf, sizeof(buf), "%s", fields);
    for (char *save = NULL, *tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        char *eq = strchr(tok, '=');
        if (!eq || eq == tok)
            continue;
        *eq = 0;
        const char *v = eq + 1;
        fputc(',', o);
        out_json_str(o, tok);
        fputc(':', o);
        size_t klen = strlen(tok);
        int hex = (klen >= 5 && !strcmp(tok + klen - 5, "flags")) || strstr(tok, "handler");
        char *end = NULL;
        (void)strtol(v, &end, 10);
        if (!hex && *v && end && !*end && !(v[0] == '0' && v[1]) && !(v[0] == '-' && v[1] == '0'))
            fputs(v, o);
        else if (hex) {
            char h[40];
            snprintf(h, sizeof(h), "0x%s", v);
            out_json_str(o, h);
        } else
            out_json_str(o, v);
    }
}

static void pf_sep(sim *s)
{
    if (!s->first_json)
        fputs(",\n", s->out);
    s->first_json = 0;
}

static void pf_track(const sim *s, int t, long *pid, long *tid)
{
    if (t < 0 || t >= s->nth) {
        *pid = 0;
        *tid = 0;
        return;
    }
    *pid = s->th[t].proc >= 0 ? s->pr[s->th[t].proc].tgid : 0;
    *tid = s->th[t].first_tid;
}

/* A Perfetto event on thread t's track; `rest` is raw JSON members after "ts". */
static void pf_event(sim *s, int t, const char *ph, const char *name, uint64_t ns, const char *rest)
{
    long pid, tid;
    pf_track(s, t, &pid, &tid);
    pf_sep(s);
    fprintf(s->out, "{\"ph\":\"%s\",\"pid\":%ld,\"tid\":%ld,\"ts\":", ph, pid, tid);
    ts_us(s->out, ns);
    if (name) {
        fputs(",\"name\":", s->out);
        out_json_str(s->out, name);
    }
    fprintf(s->out, "%s}", rest ? rest : "");
}

static void pf_instant(sim *s, int t, const char *event, const char *fields)
{
    long pid, tid;
    pf_track(s, t, &pid, &tid);
    pf_sep(s);
    fprintf(s->out, "{\"ph\":\"i\",\"s\":\"t\",\"pid\":%ld,\"tid\":%ld,\"ts\":", pid, tid);
    ts_us(s->out, s->now);
    fputs(",\"name\":", s->out);
    out_json_str(s->out, event);
    fputs(",\"args\":{\"_\":0", s->out);
    json_fields(s->out, fields);
    fputs("}}", s->out);
}

/* "comm-tid [cpu] sec.usec: event: fields" */
static void ftrace_line(sim *s, const char *comm, tgs_pid tid, int cpu, const char *event,
                        const char *fields)
{
    sim_buf l;
    sim_buf_init(&l);
    sim_buf_str(&l, comm);
    sim_buf_kd(&l, "-", tid);
    sim_buf_str(&l, " [");
    sim_buf_u(&l, (unsigned)cpu, 3);
    sim_buf_str(&l, "] ");
    sim_buf_u(&l, s->now / 1000000000ULL, 0);
    sim_buf_chr(&l, '.');
    sim_buf_u(&l, s->now / 1000ULL % 1000000ULL, 6);
    sim_buf_ks(&l, ": ", event);
    sim_buf_ks(&l, ": ", fields);
    sim_buf_chr(&l, '\n');
    fwrite(l.b, 1, l.n, s->out);
}

/* One event line in the current format. t = the thread the event happens in (-1 none). */
static void out_line(sim *s, int t, tgs_pid tid, const char *event, const char *fields)
{
    if (!s->emit)
        return;
    int cpu = s->exec_cpu < 0 ? 0 : s->exec_cpu;
    if (t >= 0 && tid <= 0)
        tid = s->th[t].tid;
    if (s->opt.format == SIM_FMT_FTRACE) {
        ftrace_line(s, sim_comm(s, t), t >= 0 ? tid : 0, cpu, event, fields);
    } else if (s->opt.format == SIM_FMT_JSONL) {
        char ts[40];
        ts_text(s->now, ts, sizeof(ts));
        fprintf(s->out, "{\"ts\":\"%s\",\"ts_ns\":%llu,\"cpu\":%d,\"comm\":", ts,
                (unsigned long long)s->now, cpu);
        out_json_str(s->out, sim_comm(s, t));
        fprintf(s->out, ",\"pid\":%d,\"thread\":", t >= 0 ? tid : 0);
        out_json_str(s->out, t >= 0 ? sim_name(s, t) : "");
        fputs(",\"event\":", s->out);
        out_json_str(s->out, event);
        json_fields(s->out, fields);
        fputs("}\n", s->out);
    } else {
        pf_instant(s, t, event, fields);
    }
}

/* ---- flows (Perfetto): generate -> deliver ------------------------------------------------- */
static sim_fq *fq_find(sim *s, uint64_t key, int create)
{
    if (!s->flow_ht || (create && s->nflows * 2 >= s->flow_ht_len)) {
        int n = s->flow_ht_len ? s->flow_ht_len * 2 : 1024;
        sim_fq *ht = calloc((size_t)n, sizeof(*ht));
        if (!ht)
            return NULL;
        for (int i = 0; i < s->flow_ht_len; i++) {
            if (!s->flow_ht[i].key)
                continue;
            uint64_t h = s->flow_ht[i].key * 0x9E3779B97F4A7C15ULL;
            int j = (int)(h % (uint64_t)n);
            while (ht[j].key)
                j = (j + 1) % n;
            ht[j] = s->flow_ht[i];
        }
        free(s->flow_ht);
        s->flow_ht = ht;
        s->flow_ht_len = n;
    }
    uint64_t h = key * 0x9E3779B97F4A7C15ULL;
    int j = (int)(h % (uint64_t)s->flow_ht_len);
    while (s->flow_ht[j].key && s->flow_ht[j].key != key)
        j = (j + 1) % s->flow_ht_len;
    if (!s->flow_ht[j].key) {
        if (!create)
            return NULL;
        s->flow_ht[j].key = key;
        s->flow_ht[j].head = s->flow_ht[j].tail = -1;
        s->nflows++;
    }
    return &s->flow_ht[j];
}

static int flow_node(sim *s, long id)
{
    int i;
    if (s->free_flow > 0) {
        i = s->free_flow - 1;
        s->free_flow = s->flows[i].next + 1;
    } else {
        if (s->nnodes == s->cap_flows) {
            int n = s->cap_flows ? s->cap_flows * 2 : 256;
            sim_flow *f = realloc(s->flows, sizeof(*f) * (size_t)n);
            if (!f)
                return -1;
            s->flows = f;
            s->cap_flows = n;
        }
        i = s->nnodes++;
    }
    s->flows[i].id = id;
    s->flows[i].next = -1;
    return i;
}

static uint64_t flow_key(const sim *s, int t, int grp, int sig)
{
    uint64_t who = grp ? (uint64_t)s->th[t].proc : (uint64_t)t;
    return ((uint64_t)(grp ? 1 : 2) << 60) | (who << 7) | (uint64_t)sig;
}

static void flow_push(sim *s, uint64_t key, long id)
{
    sim_fq *q = fq_find(s, key, 1);
    int n = q ? flow_node(s, id) : -1;
    if (!q || n < 0)
        return;
    if (q->tail >= 0)
        s->flows[q->tail].next = n;
    else
        q->head = n;
    q->tail = n;
}

static long flow_pop(sim *s, uint64_t key)
{
    sim_fq *q = fq_find(s, key, 0);
    if (!q || q->head < 0)
        return 0;
    int n = q->head;
    q->head = s->flows[n].next;
    if (q->head < 0)
        q->tail = -1;
    s->flows[n].next = s->free_flow - 1;
    s->free_flow = n + 1;
    return s->flows[n].id;
}

static void pf_flow(sim *s, const tgs_event *ev)
{
    int tt = sim_thread_of_tid(s, ev->type == TGS_EV_GENERATE ? ev->target : ev->tid);
    if (tt < 0)
        return;
    char rest[96];
    if (ev->type == TGS_EV_GENERATE) {
        int from = sim_thread_of_tid(s, ev->tid);
        if (ev->res != TGS_RES_DELIVERED || from < 0)
            return;
        long id = ++s->next_flow;
        flow_push(s, flow_key(s, tt, ev->group, ev->sig), id);
        snprintf(rest, sizeof(rest), ",\"cat\":\"signal\",\"id\":%ld", id);
        pf_event(s, from, "s", sim_signame(ev->sig), s->now, rest);
        return;
    }
    long id = flow_pop(s, flow_key(s, tt, 0, ev->sig));
    if (!id)
        id = flow_pop(s, flow_key(s, tt, 1, ev->sig));
    if (!id)
        return;
    snprintf(rest, sizeof(rest), ",\"cat\":\"signal\",\"id\":%ld,\"bp\":\"e\"", id);
    pf_event(s, tt, "f", sim_signame(ev->sig), s->now, rest);
}

/* ---- core events --------------------------------------------------------------------------- */
static const char *cld_name(int code)
{
    static const char *const n[] = { "0", "CLD_EXITED", "CLD_KILLED", "CLD_DUMPED",
                                     "CLD_TRAPPED", "CLD_STOPPED", "CLD_CONTINUED" };
    return code >= 0 && code <= 6 ? n[code] : "?";
}

static const char *restart_name(long code)
{
    switch (code) {
    case TGS_ERESTARTSYS: return "ERESTARTSYS";
    case TGS_ERESTARTNOINTR: return "ERESTARTNOINTR";
    case TGS_ERESTARTNOHAND: return "ERESTARTNOHAND";
    case TGS_ERESTART_RESTARTBLOCK: return "ERESTART_RESTARTBLOCK";
    default: return "?";
    }
}

static int task_prio(const sim *s, tgs_pid tid)
{
    int t = sim_thread_of_tid(s, tid);
    return t >= 0 ? sim_kprio(&s->th[t]) : 120;
}

static const char *fmt_ev1(const sim *s, const tgs_event *ev, sim_buf *b)
{
    int tt = sim_thread_of_tid(s, ev->target);
    switch (ev->type) {
    case TGS_EV_GENERATE:
        sim_buf_kd(b, "sig=", ev->sig);
        sim_buf_kd(b, " errno=", ev->errnum);
        sim_buf_kd(b, " code=", ev->code);
        sim_buf_ks(b, " comm=", sim_comm(s, tt));
        sim_buf_kd(b, " pid=", ev->target);
        sim_buf_kd(b, " grp=", ev->group);
        sim_buf_kd(b, " res=", ev->res);
        return "signal_generate";
    case TGS_EV_DELIVER:
        sim_buf_kd(b, "sig=", ev->sig);
        sim_buf_kd(b, " errno=", ev->errnum);
        sim_buf_kd(b, " code=", ev->code);
        sim_buf_str(b, " sa_handler=");
        sim_buf_x(b, ev->sa_handler);
        sim_buf_str(b, " sa_flags=");
        sim_buf_x(b, ev->sa_flags);
        return "signal_deliver";
    case TGS_EV_STOP:
        sim_buf_kd(b, "sig=", ev->sig);
        sim_buf_kd(b, " group_stop_count=", ev->value);
        return "signal_stop";
    case TGS_EV_CONTINUE:
        sim_buf_ks(b, "comm=", sim_comm(s, sim_thread_of_tid(s, ev->tid)));
        sim_buf_kd(b, " pid=", ev->tid);
        return "signal_continue";
    default:
        return NULL;
    }
}

static const char *fmt_handler(const tgs_event *ev, sim_buf *b)
{
    sim_buf_kd(b, "sig=", ev->sig);
    sim_buf_kd(b, " depth=", ev->value);
    if (ev->type == TGS_EV_HANDLER_RETURN)
        return "tgsig_handler_return";
    sim_buf_kd(b, " altstack=", ev->flag);
    return "tgsig_handler_enter";
}

static const char *fmt_ev2(const sim *s, const tgs_event *ev, sim_buf *b)
{
    int self = sim_thread_of_tid(s, ev->tid);
    switch (ev->type) {
    case TGS_EV_GROUP_EXIT:
        sim_buf_kd(b, "code=", ev->sig);
        sim_buf_kd(b, " cause_sig=", ev->cause_sig);
        sim_buf_kd(b, " cause_pid=", ev->cause_tid);
        return "tgsig_group_exit";
    case TGS_EV_EXIT:
        sim_buf_ks(b, "comm=", sim_comm(s, self));
        sim_buf_kd(b, " pid=", ev->tid);
        sim_buf_kd(b, " prio=", task_prio(s, ev->tid));
        sim_buf_str(b, " exit_code=0x");
        sim_buf_x(b, (unsigned long)ev->value);
        return "sched_process_exit";
    case TGS_EV_EXEC:
        sim_buf_ks(b, "filename=/", sim_comm(s, self));
        sim_buf_kd(b, " pid=", ev->value);
        sim_buf_kd(b, " old_pid=", ev->tid);
        return "sched_process_exec";
    case TGS_EV_SYSCALL_RESTART:
        sim_buf_ks(b, "restart=", restart_name(ev->value));
        return "tgsig_syscall_restart";
    case TGS_EV_FORK:
        sim_buf_ks(b, "comm=", sim_comm(s, self));
        sim_buf_kd(b, " pid=", ev->tid);
        sim_buf_kd(b, " child_pid=", ev->target);
        sim_buf_kd(b, " thread=", ev->value);
        return "sched_process_fork";
    default:
        return NULL;
    }
}

static const char *fmt_ev3(const sim *s, const tgs_event *ev, sim_buf *b)
{
    int tt = sim_thread_of_tid(s, ev->target);
    switch (ev->type) {
    case TGS_EV_NOTIFY_PARENT:
        sim_buf_kd(b, "sig=", ev->sig);
        sim_buf_ks(b, " code=", cld_name(ev->code));
        sim_buf_kd(b, " status=", ev->value);
        sim_buf_ks(b, " parent_comm=", sim_comm(s, tt));
        sim_buf_kd(b, " parent=", ev->target);
        return "tgsig_notify_parent";
    case TGS_EV_REPARENT:
        sim_buf_ks(b, "comm=", sim_comm(s, tt));
        sim_buf_kd(b, " pid=", ev->target);
        sim_buf_kd(b, " new_parent=", ev->value);
        return "tgsig_reparent";
    case TGS_EV_HANDLER_ENTER: case TGS_EV_HANDLER_RETURN:
        return fmt_handler(ev, b);
    default:
        return fmt_ev2(s, ev, b);
    }
}

void out_core_event(sim *s, const tgs_event *ev)
{
    if (!s->emit || ev->type == TGS_EV_WAKE)
        return;                 /* wake-ups are printed by the scheduler (sched_wakeup) */
    sim_buf f;
    sim_buf_init(&f);
    const char *name = fmt_ev1(s, ev, &f);
    if (!name)
        name = fmt_ev3(s, ev, &f);
    if (!name)
        return;
    if (ev->type == TGS_EV_CONTINUE)     /* happens to ev->tid, done by the current thread */
        out_line(s, s->exec_thread, 0, name, f.b);
    else
        out_line(s, sim_thread_of_tid(s, ev->tid), ev->tid, name, f.b);
    if (s->opt.format == SIM_FMT_PERFETTO &&
        (ev->type == TGS_EV_GENERATE || ev->type == TGS_EV_DELIVER))
        pf_flow(s, ev);
}

/* ---- scheduler events ---------------------------------------------------------------------- */
static char state_letter(const sim_thread *th)
{
    switch (th->state) {
    case TS_RUN: case TS_SPIN: return 'R';
    case TS_STOPPED: return 'T';
    case TS_DEAD: return 'X';
    default: return 'S';
    }
}

void out_switch(sim *s, int c, int prev, int next)
{
    if (!s->emit)
        return;
    if (s->opt.format == SIM_FMT_PERFETTO) {
        sim_cpu *cpu = &s->cpus[c];
        uint64_t end = cpu->free_at > s->now ? cpu->free_at : s->now;
        if (prev >= 0 && end > cpu->run_since) {
            pf_sep(s);
            fprintf(s->out, "{\"ph\":\"X\",\"pid\":%d,\"tid\":%d,\"ts\":", PF_CPU_PID, PF_CPU_PID + c);
            ts_us(s->out, cpu->run_since);
            fputs(",\"dur\":", s->out);
            ts_us(s->out, end - cpu->run_since);
            fputs(",\"name\":", s->out);
            out_json_str(s->out, sim_name(s, prev));
            fputs("}", s->out);
        }
        return;
    }
    sim_buf f;
    sim_buf_init(&f);
    sim_buf_ks(&f, "prev=", prev >= 0 ? sim_name(s, prev) : "<idle>");
    sim_buf_kd(&f, " prev_pid=", prev >= 0 ? s->th[prev].tid : 0);
    sim_buf_str(&f, " prev_state=");
    sim_buf_chr(&f, (char)(prev >= 0 ? state_letter(&s->th[prev]) : 'R'));
    sim_buf_ks(&f, " ==> next=", next >= 0 ? sim_name(s, next) : "<idle>");
    sim_buf_kd(&f, " next_pid=", next >= 0 ? s->th[next].tid : 0);
    int save = s->exec_cpu;
    s->exec_cpu = c;
    out_line(s, prev, prev >= 0 ? s->th[prev].tid : 0, "sched_switch", f.b);
    s->exec_cpu = save;
}

void out_wakeup(sim *s, int t, int cpu)
{
    if (!s->emit)
        return;
    sim_buf f;
    sim_buf_init(&f);
    sim_buf_ks(&f, "comm=", sim_comm(s, t));
    sim_buf_kd(&f, " pid=", s->th[t].tid);
    sim_buf_kd(&f, " prio=", sim_kprio(&s->th[t]));
    sim_buf_str(&f, " target_cpu=");
    sim_buf_u(&f, (unsigned)cpu, 3);
    int cur = s->exec_thread;
    out_line(s, cur, cur >= 0 ? s->th[cur].tid : 0, "sched_wakeup", f.b);
}

void out_call(sim *s, int t, const char *what, int begin, long ret)
{
    if (!s->emit)
        return;
    if (s->opt.format == SIM_FMT_PERFETTO) {
        pf_event(s, t, begin ? "B" : "E", begin ? what : NULL, s->now, NULL);
        s->th[t].open_slices += begin ? 1 : -1;
        return;
    }
    if (begin)
        return;
    sim_buf f;
    sim_buf_init(&f);
    sim_buf_ks(&f, "call=", what);
    sim_buf_kd(&f, " ret=", ret);
    if (ret < 0)
        sim_buf_ks(&f, " err=", sc_errname((int)-ret));
    out_line(s, t, 0, "tgsig_syscall_return", f.b);
}

void out_handler(sim *s, int t, int begin, int sig)
{
    if (!fmt_is(s, SIM_FMT_PERFETTO))
        return;
    char name[64];
    snprintf(name, sizeof(name), "handler %s", sim_signame(sig));
    pf_event(s, t, begin ? "B" : "E", begin ? name : NULL, s->now, NULL);
    s->th[t].open_slices += begin ? 1 : -1;
}

void out_close_thread(sim *s, int t)
{
    if (!fmt_is(s, SIM_FMT_PERFETTO))
        return;
    while (s->th[t].open_slices > 0) {
        pf_event(s, t, "E", NULL, s->now, NULL);
        s->th[t].open_slices--;
    }
}

static void pf_meta(sim *s, long pid, long tid, const char *kind, const char *name)
{
    pf_sep(s);
    fprintf(s->out, "{\"ph\":\"M\",\"pid\":%ld,\"tid\":%ld,\"name\":\"%s\",\"args\":{\"name\":",
            pid, tid, kind);
    out_json_str(s->out, name);
    fputs("}}", s->out);
}

void out_thread_meta(sim *s, int t)
{
    if (!fmt_is(s, SIM_FMT_PERFETTO))
        return;
    long pid, tid;
    pf_track(s, t, &pid, &tid);
    if (s->th[t].proc >= 0 && s->pr[s->th[t].proc].leader == t)
        pf_meta(s, pid, pid, "process_name", s->pr[s->th[t].proc].name);
    pf_meta(s, pid, tid, "thread_name", sim_name(s, t));
}

/* ---- steps, text, begin/end ---------------------------------------------------------------- */
void out_text(sim *s, const char *text)
{
    if (!s->emit)
        return;
    if (s->opt.format == SIM_FMT_FTRACE) {
        fputs(text, s->out);
        fputc('\n', s->out);
    } else if (s->opt.format == SIM_FMT_JSONL) {
        fputs("{\"event\":\"text\",\"text\":", s->out);
        out_json_str(s->out, text);
        fputs("}\n", s->out);
    }
}

void out_step(sim *s, int step, int t, const char *text)
{
    if (!s->emit)
        return;
    if (s->opt.format == SIM_FMT_FTRACE) {
        fputs(text, s->out);
        fputc('\n', s->out);
    } else if (s->opt.format == SIM_FMT_JSONL) {
        fprintf(s->out, "{\"event\":\"step\",\"step\":%d,\"ts_ns\":%llu,\"text\":", step + 1,
                (unsigned long long)s->now);
        out_json_str(s->out, text);
        fputs("}\n", s->out);
    } else {
        (void)t;
        pf_sep(s);
        fputs("{\"ph\":\"i\",\"s\":\"g\",\"pid\":0,\"tid\":0,\"ts\":", s->out);
        ts_us(s->out, s->now);
        fputs(",\"name\":", s->out);
        out_json_str(s->out, text + 2);
        fputs("}", s->out);
    }
}

void out_begin(sim *s)
{
    s->first_json = 1;
    if (!fmt_is(s, SIM_FMT_PERFETTO))
        return;
    fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n", s->out);
    pf_meta(s, PF_CPU_PID, PF_CPU_PID, "process_name", "CPUs");
    pf_meta(s, 0, 0, "process_name", "scenario");
    for (int c = 0; c < s->ncpu; c++) {
        char n[16];
        snprintf(n, sizeof(n), "cpu %d", c);
        pf_meta(s, PF_CPU_PID, PF_CPU_PID + c, "thread_name", n);
    }
}

void out_end(sim *s)
{
    if (!fmt_is(s, SIM_FMT_PERFETTO))
        return;
    for (int c = 0; c < s->ncpu; c++)
        if (s->cpus[c].cur >= 0)
            out_switch(s, c, s->cpus[c].cur, -1);
    for (int t = 0; t < s->nth; t++)
        out_close_thread(s, t);
    fputs("\n]}\n", s->out);
}
