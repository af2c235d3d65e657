/* SPDX-License-Identifier: MIT */
/*
 * Tracepoints: the _ftrace_events reader on a kernel laid out by hand (synth_ftrace.h),
 * its errors on lying data, the tracepoint differ, and on the real 7.2 amd64 deb (when
 * KSURF_SHARED is set) sched_switch with its class and format.
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "diff/change.h"
#include "ingest/ingest.h"
#include "surface/ftrace.h"
#include "surface/surface.h"
#include "synth_ftrace.h"
#include "test.h"
#include "util/err.h"

static int read_synth(uint8_t *img, uint64_t stop, struct ks_ftrace_events *ev)
{
	struct btf *btf = synth_ft_btf();
	struct ks_kmem m = {.data = img, .size = SYNTH_FT_SIZE, .ptr_size = 8, .nseg = 1};
	struct ks_symtab st;
	int ret;

	m.seg[0] = (struct ks_kseg){0, 0, SYNTH_FT_SIZE};
	synth_ft_syms(&st, stop);
	ret = ks_ftrace_read(btf, &st, &m, ev);
	ks_symtab_free(&st);
	btf__free(btf);
	return ret;
}

TEST(reader_synthetic)
{
	uint8_t img[SYNTH_FT_SIZE];
	struct ks_ftrace_events ev;

	synth_ft_image(img);
	CHECK_INT(read_synth(img, 0x10, &ev), 0);
	CHECK_INT((int)ev.n, 2);
	CHECK_INT((int)ev.fl_tracepoint, 8);
	CHECK_STR(ev.v[0].name, "sched_x");
	CHECK_STR(ev.v[0].class, "sched_x");
	CHECK_STR(ev.v[0].system, "sched");
	CHECK_STR(ev.v[0].print_fmt, "\"prev_comm=%s\", REC->prev_comm");
	CHECK_INT((int)ev.v[0].flags, 8);
	CHECK_STR(ev.v[1].name, "print");
	CHECK_STR(ev.v[1].system, "ftrace");
	CHECK_INT((int)ev.v[1].flags, 4);
	ks_ftrace_events_free(&ev);
}

TEST(reader_lies)
{
	uint8_t img[SYNTH_FT_SIZE];
	struct ks_ftrace_events ev;

	synth_ft_image(img);
	/* the array runs past the image */
	CHECK_INT(read_synth(img, 0x100000, &ev), -EINVAL);
	CHECK(strstr(ks_errmsg(), "outside the image") != NULL);
	/* a huge count */
	CHECK_INT(read_synth(img, 0x7fffffffffffull, &ev), -EINVAL);
	/* not a multiple of the pointer size */
	CHECK_INT(read_synth(img, 0x0c, &ev), -EINVAL);
	/* the tracepoint pointer leaves the image */
	synth_ft_put(img, 0x118, SYNTH_FT_BASE + 0x7777777);
	CHECK_INT(read_synth(img, 0x10, &ev), -EINVAL);
	CHECK(strstr(ks_errmsg(), "_ftrace_events[0]: tracepoint") != NULL);
	/* a name without its NUL */
	synth_ft_image(img);
	memset(img + 0x440, 'a', SYNTH_FT_SIZE - 0x440);
	CHECK_INT(read_synth(img, 0x10, &ev), -EINVAL);
	CHECK(strstr(ks_errmsg(), "not a string") != NULL);
	/* a pointer that is no event under any base */
	synth_ft_image(img);
	synth_ft_put(img, 0x008, 0x1234);
	CHECK_INT(read_synth(img, 0x10, &ev), -EINVAL);
	CHECK(strstr(ks_errmsg(), "event_* symbols") != NULL);
	/* unrelocated data: every pointer 0 */
	synth_ft_image(img);
	synth_ft_put(img, 0x000, 0);
	synth_ft_put(img, 0x008, 0);
	CHECK_INT(read_synth(img, 0x10, &ev), -EINVAL);
	CHECK(strstr(ks_errmsg(), "same pointer") != NULL);
	/* an empty array is fine */
	synth_ft_image(img);
	CHECK_INT(read_synth(img, 0, &ev), 0);
	CHECK_INT((int)ev.n, 0);
	ks_ftrace_events_free(&ev);
}

static const char *TP_OLD =
    "{\"class\":\"c\",\"fields\":[{\"bits\":0,\"decl\":\"int a\",\"name\":\"a\",\"offset\":64,"
    "\"type\":\"int\"},{\"bits\":0,\"decl\":\"int b\",\"name\":\"b\",\"offset\":96,\"type\":"
    "\"int\"}],\"format\":\"\\\"a=%d\\\"\",\"kind\":\"tracepoint\",\"name\":\"e\",\"params\":"
    "[{\"name\":\"p\",\"type\":\"int\"},{\"name\":\"q\",\"type\":\"long int\"}],\"system\":"
    "\"s\"}";
static const char *TP_NEW =
    "{\"class\":\"d\",\"fields\":[{\"bits\":0,\"decl\":\"long int a\",\"name\":\"a\",\"offset\""
    ":64,\"type\":\"long int\"},{\"bits\":0,\"decl\":\"int c\",\"name\":\"c\",\"offset\":128,"
    "\"type\":\"int\"}],\"format\":\"\\\"a=%ld\\\"\",\"kind\":\"tracepoint\",\"name\":\"e\","
    "\"params\":[{\"name\":\"r\",\"type\":\"int\"},{\"name\":\"q\",\"type\":\"char *\"},"
    "{\"name\":\"z\",\"type\":\"int\"}],\"system\":\"s\"}";

TEST(differ)
{
	struct ks_changes c = {0};
	static const char *const want[][4] = {
	    {"class_changed", "class", "c", "d"},
	    {"event_changed", "a", "int a /* byte 8 */", "long int a /* byte 8 */"},
	    {"event_changed", "c", NULL, "int c /* byte 16 */"},
	    {"event_changed", "b", "int b /* byte 12 */", NULL},
	    {"param_renamed", "r", "int p", "int r"},
	    {"param_type_changed", "q", "long int q", "char *q"},
	    {"param_added", "z", NULL, "int z"},
	    {"format_changed", "format", "\"a=%d\"", "\"a=%ld\""},
	};

	CHECK_INT(ks_diff_defs(TP_OLD, TP_NEW, &c), KS_PAIR_CHANGED);
	CHECK_INT((int)c.n, (int)(sizeof(want) / sizeof(want[0])));
	for (size_t i = 0; i < c.n && i < sizeof(want) / sizeof(want[0]); i++) {
		CHECK_STR(ks_change_name(c.v[i].type), want[i][0]);
		CHECK_STR(c.v[i].subject, want[i][1]);
		CHECK_STR(c.v[i].old ? c.v[i].old : "(null)", want[i][2] ? want[i][2] : "(null)");
		CHECK_STR(c.v[i].new ? c.v[i].new : "(null)", want[i][3] ? want[i][3] : "(null)");
	}
	ks_changes_free(&c);
	CHECK_INT(ks_diff_defs(TP_OLD, TP_OLD, &c), KS_PAIR_UNCHANGED);
}

static json_t *find_tp(struct ks_surface *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->items[i].kind == KS_KIND_TRACEPOINT && !strcmp(s->items[i].name, name))
			return json_loads(s->items[i].def, 0, NULL);
	return NULL;
}

TEST(real_deb)
{
	const char *dir = test_shared_dir();
	struct ks_ingest_opts o = {0};
	struct ks_image_data *d = NULL;
	struct ks_surface s = {0};
	char p1[4096], p2[4096];
	char *paths[] = {p1, p2};
	size_t n = 0, count = 0;

	if (!dir)
		return;
	snprintf(p1, sizeof(p1),
		 "%s/debs/linux-binary-unsigned-7.2.13+deb14-amd64_7.2.13-1_amd64.deb", dir);
	snprintf(p2, sizeof(p2), "%s/debs/linux-base-7.2.13+deb14-amd64_7.2.13-1_amd64.deb", dir);
	CHECK_INT(ks_ingest_collect(paths, 2, &o, &d, &n), 0);
	if (!n)
		return;
	struct btf *btf =
	    btf__new(d[0].kernel.image.data + d[0].kernel.btf_off, d[0].kernel.btf_size);
	struct ks_surface_input in = {.btf = btf,
				      .syms = &d[0].syms,
				      .config = &d[0].config,
				      .kernel = &d[0].kernel,
				      .arch = "amd64"};

	CHECK_INT(ks_surface_extract(&in, &s), 0);
	for (size_t i = 0; i < s.n; i++)
		count += s.items[i].kind == KS_KIND_TRACEPOINT;
	CHECK_INT((int)count, 858); /* bpftool: 858 btf_trace_* typedefs */
	json_t *j = find_tp(&s, "sched_switch");

	CHECK(j != NULL);
	if (j) {
		CHECK_STR(json_string_value(json_object_get(j, "class")), "sched_switch");
		CHECK_STR(json_string_value(json_object_get(j, "system")), "sched");
		CHECK_STR(json_string_value(json_object_get(j, "source")), "ftrace_events");
		CHECK(strstr(json_string_value(json_object_get(j, "format")), "prev_comm=%s") !=
		      NULL);
		CHECK_INT((int)json_array_size(json_object_get(j, "params")), 4);
		json_decref(j);
	}
	j = find_tp(&s, "sched_wakeup");
	CHECK(j &&
	      !strcmp(json_string_value(json_object_get(j, "class")), "sched_wakeup_template"));
	json_decref(j);
	j = find_tp(&s, "pelt_cfs_tp");
	CHECK(j && !strcmp(json_string_value(json_object_get(j, "source")), "btf"));
	json_decref(j);
	CHECK(find_tp(&s, "sys_enter_read") == NULL);
	ks_surface_free(&s);
	btf__free(btf);
	for (size_t i = 0; i < n; i++)
		ks_image_data_free(&d[i]);
	free(d);
}

int main(void)
{
	RUN(reader_synthetic);
	RUN(reader_lies);
	RUN(differ);
	RUN(real_deb);
	return TEST_SUMMARY();
}
