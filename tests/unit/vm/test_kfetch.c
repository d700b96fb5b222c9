// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"
#include "vm/kfetch.h"

/* Archive URIs in these fixtures are placeholders, not real mirrors. */
static const char security_and_main[] =
	"Types: deb\n"
	"# a comment\n"
	"URIs: http://archive.invalid/debian-security\n"
	"Suites: bookworm-security\n"
	"Components: main\n"
	"\n"
	"Types: deb-src\n"
	"URIs: http://src.invalid/debian\n"
	"Suites: bookworm\n"
	"\n"
	"Types: deb\n"
	"URIs: http://disabled.invalid/debian\n"
	"Suites: bookworm\n"
	"Enabled: no\n"
	"\n"
	"Types: deb deb-src\n"
	"URIs: http://archive.invalid/debian/ http://second.invalid/debian\n"
	"Suites: bookworm bookworm-updates\n"
	"Components: main\n"
	"Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n";

struct dirs {
	char *top, *parts, *list;
};

static struct dirs make_dirs(void)
{
	char tmpl[] = "/tmp/kfetch-test-XXXXXX";
	struct dirs d;

	assert_non_null(mkdtemp(tmpl));
	d.top = xstrdup(tmpl);
	d.parts = xasprintf("%s/sources.list.d", tmpl);
	d.list = xasprintf("%s/sources.list", tmpl);
	assert_int_equal(mkdir_p(d.parts, 0755), 0);
	return d;
}

static void free_dirs(struct dirs *d)
{
	assert_int_equal(rm_rf(d->top), 0);
	free(d->top);
	free(d->parts);
	free(d->list);
}

static void put(const char *dir, const char *name, const char *text)
{
	char *p = xasprintf("%s/%s", dir, name);

	assert_int_equal(file_write_str(p, text), 0);
	free(p);
}

static void expect_uri(const struct dirs *d, const char *want)
{
	char *err = NULL, *uri = kfetch_debian_uri(d->parts, d->list, &err);

	if (!want) {
		assert_null(uri);
		assert_non_null(strstr(err, "no Debian bookworm/trixie apt source"));
		free(err);
		return;
	}
	assert_non_null(uri);
	assert_string_equal(uri, want);
	free(uri);
}

static void test_uri_deb822(void **state)
{
	struct dirs d = make_dirs();

	expect_uri(&d, NULL);
	/* deb822: security, source-only and disabled entries are skipped; first URI wins,
	 * without its trailing slash; the last paragraph has no final newline. */
	put(d.parts, "debian.sources", security_and_main);
	put(d.parts, "ktstr-backports.sources", "Types: deb\nURIs: http://b.invalid/debian\n"
						"Suites: bookworm-backports\n");
	expect_uri(&d, "http://archive.invalid/debian");
	/* .sources files win over sources.list, and are read in name order. */
	put(d.parts, "a.sources", "Types: deb\nURIs: http://a.invalid/debian\nSuites: trixie\n\n");
	put(d.top, "sources.list", "deb http://list.invalid/debian bookworm main\n");
	expect_uri(&d, "http://a.invalid/debian");
	free_dirs(&d);
}

static void test_uri_one_line(void **state)
{
	struct dirs d = make_dirs();

	put(d.top, "sources.list",
	    "# deb http://commented.invalid/debian bookworm main\n"
	    "deb-src http://src.invalid/debian bookworm main\n"
	    "deb http://sec.invalid/debian-security bookworm-security main\n"
	    "deb [arch=amd64 signed-by=/k.gpg] http://list.invalid/debian/ bookworm main contrib\n");
	put(d.parts, "other.sources", "Types: deb\nURIs: http://x.invalid/ubuntu\nSuites: noble\n");
	expect_uri(&d, "http://list.invalid/debian");
	/* sources.list.d/ *.list when sources.list has nothing. */
	put(d.top, "sources.list", "deb [broken http://x.invalid bookworm main\n");
	put(d.parts, "deb.list", "deb http://parts.invalid/debian trixie main\n");
	expect_uri(&d, "http://parts.invalid/debian");
	free_dirs(&d);
}

static void test_versions(void **state)
{
	const char *names = "linux-binary-unsigned-7.2.11+deb13-amd64\n"
			    "linux-binary-unsigned-7.2.9+deb13-cloud-amd64\n"
			    "linux-binary-unsigned-7.3.4+deb13-rt-amd64\n"
			    "linux-binary-unsigned-7.3.4+deb13-cloud-amd64\n"
			    "linux-binary-unsigned-7.2.12+deb13-cloud-amd64\n"
			    "linux-binary-unsigned-7.2.6+deb13-cloud-amd64\n"
			    "linux-binary-unsigned-7.3.4+deb13-cloud-amd64\n"
			    "linux-binary-unsigned-cloud-amd64\n"
			    "linux-binary-7.4.0+deb13-cloud-amd64\n"
			    "linux-binary-unsigned-7.10.1+deb13-cloud-amd64-dbg\n";
	char **v;
	size_t n = kfetch_versions(names, "cloud-amd64", &v);

	assert_int_equal(n, 4);
	assert_string_equal(v[0], "7.3.4+deb13-cloud-amd64");
	assert_string_equal(v[1], "7.2.12+deb13-cloud-amd64");
	assert_string_equal(v[2], "7.2.9+deb13-cloud-amd64");
	assert_string_equal(v[3], "7.2.6+deb13-cloud-amd64");
	assert_null(v[4]);
	strv_free(v);
	assert_int_equal(kfetch_versions("", "cloud-amd64", &v), 0);
	assert_null(v[0]);
	strv_free(v);

	assert_true(kfetch_version_matches("7.3.4+deb13-cloud-amd64", "7.3.4"));
	assert_true(kfetch_version_matches("7.3.4+deb13-cloud-amd64", "7.3.4+deb13"));
	assert_true(kfetch_version_matches("7.3.4+deb13-cloud-amd64", "7.3.4+deb13-cloud-amd64"));
	assert_false(kfetch_version_matches("7.3.41+deb13-cloud-amd64", "7.3.4"));
	assert_false(kfetch_version_matches("7.3.4+deb13-cloud-amd64", "7.3"));
}

static void test_source_package(void **state)
{
	static const char *const bad[] = { "7", "7.", "7.3.", "7.3.x", "v7.3", "7.3-rc1", "", "a.b" };
	char *p;

	(void)state;
	p = kfetch_source_package("7.3");
	assert_string_equal(p, "linux-source-7.3");
	free(p);
	p = kfetch_source_package("6.12.48");
	assert_string_equal(p, "linux-source-6.12");
	free(p);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_null(kfetch_source_package(bad[i]));
	p = kfetch_source_dirname("linux-source-7.3", "7.3.4-1~bpo13+1");
	assert_string_equal(p, "linux-source-7.3_7.3.4-1_bpo13+1");
	free(p);
	p = kfetch_source_dirname("linux-source-7.3", "1:7.3/../x");
	assert_string_equal(p, "linux-source-7.3_1_7.3_.._x");
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uri_deb822),
		cmocka_unit_test(test_uri_one_line),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_source_package),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
