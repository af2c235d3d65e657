/* SPDX-License-Identifier: MIT */
/* The site's HTML pieces (escaping, C with links, anchors, file names) and its writer. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/html.h"
#include "report/site.h"
#include "test.h"
#include "util/strbuf.h"

/* Pages exist for struct dm_io_region, struct kcopyd_job, typedef sector_t, u32. */
static int page_link(void *ctx, const char *kind, const char *name, struct strbuf *href)
{
	static const char *const have[] = {"struct dm_io_region", "struct kcopyd_job", "typedef sector_t",
					   "typedef u32"};
	char key[128];

	(void)ctx;
	snprintf(key, sizeof(key), "%s %s", kind, name);
	for (size_t i = 0; i < sizeof(have) / sizeof(have[0]); i++)
		if (!strcmp(key, have[i])) {
			sb_addf(href, "../%s/%s.html", kind, name);
			return 1;
		}
	return 0;
}

static char *c_html(const char *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ks_html_c(f, c, page_link, NULL);
	fclose(f);
	return buf;
}

TEST(html_escape)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct strbuf sb = STRBUF_INIT;

	ks_html_esc(f, "a<b>&\"c'd");
	ks_html_esc(f, NULL);
	fclose(f);
	CHECK_STR(buf, "a&lt;b&gt;&amp;&quot;c&#39;d");
	sb_init(&sb);
	ks_html_esc_sb(&sb, "<&>");
	CHECK_STR(sb.buf, "&lt;&amp;&gt;");
	sb_reset(&sb);
	ks_html_anchor(&sb, "Revision 6.12 cloud-amd64/x<y");
	CHECK_STR(sb.buf, "Revision-6.12-cloud-amd64-x-y");
	sb_release(&sb);
	free(buf);
}

TEST(html_c_links)
{
	char *h;

	h = c_html("struct kcopyd_job {\n    struct dm_io_region dests[8];\n    sector_t write_offset;\n"
		   "    int (*fn)(int, void *);\n    struct unknown *u32;\n    const u32 x: 3;\n};");
	CHECK_STR(h, "struct <a href=\"../struct/kcopyd_job.html\">kcopyd_job</a> {\n"
		     "    struct <a href=\"../struct/dm_io_region.html\">dm_io_region</a> dests[8];\n"
		     "    <a href=\"../typedef/sector_t.html\">sector_t</a> write_offset;\n"
		     "    int (*fn)(int, void *);\n"
		     "    struct unknown *u32;\n"
		     "    const <a href=\"../typedef/u32.html\">u32</a> x: 3;\n};");
	free(h);
	/* a prototype: parameter types link, the function's and parameters' names do not */
	h = c_html("sector_t f(struct kcopyd_job *j, u32 sector_t)");
	CHECK_STR(h, "<a href=\"../typedef/sector_t.html\">sector_t</a> f(struct <a "
		     "href=\"../struct/kcopyd_job.html\">kcopyd_job</a> *j, <a "
		     "href=\"../typedef/u32.html\">u32</a> sector_t)");
	free(h);
	/* text that needs escaping around links */
	h = c_html("#define X \"<&>\" sector_t");
	CHECK_STR(h, "#define X &quot;&lt;&amp;&gt;&quot; sector_t");
	free(h);
	h = c_html("");
	CHECK_STR(h, "");
	free(h);
}

TEST(file_names)
{
	struct strbuf sb = STRBUF_INIT;

	sb_init(&sb);
	ks_site_file_name(&sb, "vfs_read.isra.0");
	CHECK_STR(sb.buf, "vfs_read.isra.0.html");
	sb_reset(&sb);
	ks_site_file_name(&sb, ".hidden/../x<y>");
	CHECK_STR(sb.buf, "~2Ehidden~2F..~2Fx~3Cy~3E.html");
	sb_reset(&sb);
	ks_site_file_name(&sb, "caf\xc3\xa9");
	CHECK_STR(sb.buf, "caf~C3~A9.html");
	sb_release(&sb);
}

static char *slurp(const char *dir, const char *name)
{
	struct strbuf sb = STRBUF_INIT, path = STRBUF_INIT;

	sb_init(&sb);
	sb_init(&path);
	sb_addf(&path, "%s/%s", dir, name);
	if (sb_read_file(&sb, path.buf)) {
		sb_release(&sb);
		sb_release(&path);
		return NULL;
	}
	sb_release(&path);
	return sb_detach(&sb);
}

TEST(writer)
{
	char dir[] = "/tmp/ksurf-site-XXXXXX", path[512], *m;
	struct ks_site *s;
	struct ks_site_stats st;

	CHECK(mkdtemp(dir) != NULL);
	/* first run: everything written, the manifest lists it sorted */
	CHECK_INT(ks_site_open(dir, &s), 0);
	CHECK_INT(ks_site_put(s, "b/x.html", "bx", 2), 0);
	CHECK_INT(ks_site_put(s, "a.html", "a", 1), 0);
	CHECK_INT(ks_site_put(s, "b/gone.html", "g", 1), 0);
	CHECK_INT(ks_site_close(s, &st), 0);
	CHECK_INT(st.files, 3);
	CHECK_INT(st.written, 3);
	m = slurp(dir, ".ksurf-site");
	CHECK(m && !strncmp(m, "ksurf site 1\n", 13));
	CHECK(m && strstr(m, " a.html\n") && strstr(m, " b/gone.html\n") < strstr(m, " b/x.html\n"));
	free(m);
	m = slurp(dir, "b/x.html");
	CHECK_STR(m, "bx");
	free(m);
	/* second run: one changed, one same, one gone, one new */
	CHECK_INT(ks_site_open(dir, &s), 0);
	m = slurp(dir, ".ksurf-site");
	CHECK(m && !strncmp(m, "ksurf site 1 writing\n", 21)); /* while it runs */
	free(m);
	CHECK_INT(ks_site_put(s, "a.html", "a", 1), 0);
	CHECK_INT(ks_site_put(s, "b/x.html", "BX!", 3), 0);
	CHECK_INT(ks_site_put(s, "c/new.html", "n", 1), 0);
	CHECK_INT(ks_site_close(s, &st), 0);
	CHECK_INT(st.written, 2);
	CHECK_INT(st.unchanged, 1);
	CHECK_INT(st.removed, 1);
	snprintf(path, sizeof(path), "%s/b/gone.html", dir);
	CHECK(access(path, F_OK) != 0);
	m = slurp(dir, "b/x.html");
	CHECK_STR(m, "BX!");
	free(m);
	/* a run that fails leaves the "writing" manifest: the next trusts no hash */
	CHECK_INT(ks_site_open(dir, &s), 0);
	ks_site_abort(s);
	snprintf(path, sizeof(path), "%s/a.html", dir);
	{
		FILE *f = fopen(path, "w");

		fputs("X", f); /* same size, other bytes: only a distrusted manifest catches it */
		fclose(f);
	}
	CHECK_INT(ks_site_open(dir, &s), 0);
	CHECK_INT(ks_site_put(s, "a.html", "a", 1), 0);
	CHECK_INT(ks_site_close(s, &st), 0);
	CHECK_INT(st.written, 1);
	m = slurp(dir, "a.html");
	CHECK_STR(m, "a");
	free(m);
	/* a manifest that is not ours, a directory with other files: refused */
	snprintf(path, sizeof(path), "%s/.ksurf-site", dir);
	{
		FILE *f = fopen(path, "w");

		fputs("something else\n", f);
		fclose(f);
	}
	CHECK_INT(ks_site_open(dir, &s), -EINVAL);
	unlink(path);
	CHECK_INT(ks_site_open(dir, &s), -EEXIST);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	CHECK_INT(system(path), 0);
}

int main(void)
{
	RUN(html_escape);
	RUN(html_c_links);
	RUN(file_names);
	RUN(writer);
	return TEST_SUMMARY();
}
