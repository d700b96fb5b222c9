// SPDX-License-Identifier: GPL-2.0-only
/* Gauntlet: presets and their filters, flag profiles, plan naming, budget. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/entry.h"
#include "runner/budget.h"
#include "runner/gauntlet.h"
#include "runner/plan.h"

KTSTR_SCHEDULER(twoflag, .binary = "scx_two",
		.flags = KTSTR_FLAGS({ .name = "llc", .args = KTSTR_ARGS("--llc") },
				     { .name = "steal", .requires = KTSTR_NAMES("llc") }));

/* The reference's catalog: llc, borrow, steal (requires llc), rebal, reject-pin, no-ctrl. */
KTSTR_SCHEDULER(catalog, .binary = "scx_cat",
		.flags = KTSTR_FLAGS({ .name = "llc" }, { .name = "borrow" },
				     { .name = "steal", .requires = KTSTR_NAMES("llc") },
				     { .name = "rebal" }, { .name = "reject-pin" },
				     { .name = "no-ctrl" }));

KTSTR_TEST(pair, .scheduler = &twoflag)
{
	return KTSTR_PASS;
}

KTSTR_TEST(plain, .duration_s = 3)
{
	return KTSTR_PASS;
}

KTSTR_TEST(on_host, .host_only = true)
{
	return KTSTR_PASS;
}

KTSTR_TEST(wide, .scheduler = &catalog, .required_flags = KTSTR_NAMES("rebal"),
	   .excluded_flags = KTSTR_NAMES("no-ctrl", "reject-pin"), .max_numa_nodes = 4,
	   .min_llcs = 2)
{
	return KTSTR_PASS;
}

static void test_presets(void **state)
{
	size_t n;
	const struct gauntlet_preset *p = gauntlet_presets(&n);
	struct ktstr_topology t;
	char buf[32];

	assert_int_equal(n, 24);
	for (size_t i = 0; i < n; i++) {
		bool apic_ok = strcmp(p[i].name, "max-cpu") && strcmp(p[i].name, "max-cpu-nosmt");

		gauntlet_preset_topology(&p[i], &t);
		/* the two 14-LLC presets need APIC IDs past what q35 without x2APIC has */
		assert_int_equal(topo_validate(&t, NULL), apic_ok ? 0 : -EINVAL);
		assert_int_equal(gauntlet_host_accepts(&t, ACCEL_KVM, 255), apic_ok);
		assert_ptr_equal(gauntlet_find_preset(p[i].name), &p[i]);
	}
	assert_string_equal(p[0].name, "tiny-1llc");
	assert_string_equal(p[23].name, "numa4-12llc");
	gauntlet_preset_topology(gauntlet_find_preset("numa4-12llc"), &t);
	assert_string_equal(topo_format(&t, buf, sizeof(buf)), "4n12l8c2t");
	assert_int_equal(topo_total_cpus(&t), 192);
	gauntlet_preset_topology(gauntlet_find_preset("max-cpu-nosmt"), &t);
	assert_string_equal(topo_format(&t, buf, sizeof(buf)), "1n14l18c1t");
	assert_int_equal(topo_total_cpus(&t), 252);
	gauntlet_preset_topology(gauntlet_find_preset("odd-7llc"), &t);
	assert_int_equal(topo_total_cpus(&t), 14);
	assert_null(gauntlet_find_preset("huge"));
	assert_null(gauntlet_find_preset(NULL));
}

/* The accepted presets' names joined by ',' (caller frees). */
static char *accepted(const struct ktstr_constraints *c, enum accel_kind accel, unsigned host_cpus)
{
	size_t n;
	const struct gauntlet_preset *p = gauntlet_presets(&n);
	struct strbuf sb = { 0 };

	for (size_t i = 0; i < n; i++) {
		struct ktstr_topology t;

		gauntlet_preset_topology(&p[i], &t);
		if (gauntlet_constraints_accept(c, &t) &&
		    (!host_cpus || gauntlet_host_accepts(&t, accel, host_cpus)))
			sb_printf(&sb, "%s%s", sb.len ? "," : "", p[i].name);
	}
	return sb_steal(&sb);
}

#define ASSERT_ACCEPTED(c, accel, host, expect)                                                    \
	do {                                                                                       \
		char *s_ = accepted(c, accel, host);                                               \
		assert_string_equal(s_, expect);                                                   \
		free(s_);                                                                          \
	} while (0)

static void test_constraints_filter(void **state)
{
	struct ktstr_constraints c = { 0 };

	/* defaults: 1 NUMA node, <= 12 LLCs, <= 192 CPUs */
	ASSERT_ACCEPTED(&c, ACCEL_KVM, 0,
			"tiny-1llc,tiny-2llc,odd-3llc,odd-5llc,odd-7llc,smt-2llc,smt-3llc,"
			"medium-4llc,medium-8llc,large-4llc,large-8llc,medium-4llc-nosmt,"
			"medium-8llc-nosmt,large-4llc-nosmt,large-8llc-nosmt");
	c.requires_smt = KTSTR_ON;
	c.max_cpus = 32;
	ASSERT_ACCEPTED(&c, ACCEL_KVM, 0, "smt-2llc,smt-3llc,medium-4llc");
	c = (struct ktstr_constraints){ .min_numa_nodes = 2, .max_numa_nodes = 4 };
	ASSERT_ACCEPTED(&c, ACCEL_KVM, 0, "numa2-4llc,numa2-8llc,numa2-8llc-nosmt,numa4-8llc,numa4-12llc");
	c = (struct ktstr_constraints){ .min_llcs = 5, .max_llcs = 7, .min_cpus = 15 };
	ASSERT_ACCEPTED(&c, ACCEL_KVM, 0, "odd-5llc");
	c = (struct ktstr_constraints){ .max_llcs = 16, .max_cpus = 255, .min_cpus = 200 };
	ASSERT_ACCEPTED(&c, ACCEL_KVM, 0, "near-max-llc,max-cpu,near-max-llc-nosmt,max-cpu-nosmt");
	/* KTSTR_OFF is "not required", like unset */
	c = (struct ktstr_constraints){ .requires_smt = KTSTR_OFF, .max_cpus = 4 };
	ASSERT_ACCEPTED(&c, ACCEL_KVM, 0, "tiny-1llc,tiny-2llc");
}

static void test_host_filter(void **state)
{
	struct ktstr_constraints c = { 0 };

	unsetenv("KTSTR_MAX_VCPUS");
	/* TCG on 2 host CPUs: host_class allows 8 vCPUs */
	ASSERT_ACCEPTED(&c, ACCEL_TCG, 2, "tiny-1llc,tiny-2llc,smt-2llc");
	/* KVM: as many vCPUs as host CPUs */
	ASSERT_ACCEPTED(&c, ACCEL_KVM, 4, "tiny-1llc,tiny-2llc");
	ASSERT_ACCEPTED(&c, ACCEL_KVM, 16,
			"tiny-1llc,tiny-2llc,odd-3llc,odd-5llc,odd-7llc,smt-2llc,smt-3llc");
	setenv("KTSTR_MAX_VCPUS", "12", 1);
	ASSERT_ACCEPTED(&c, ACCEL_TCG, 2, "tiny-1llc,tiny-2llc,odd-3llc,smt-2llc,smt-3llc");
	unsetenv("KTSTR_MAX_VCPUS");
}

static char *profile_names(struct gauntlet_profile *p, size_t n)
{
	struct strbuf sb = { 0 };

	for (size_t i = 0; i < n; i++)
		sb_printf(&sb, "%s%s", i ? " " : "", p[i].name);
	return sb_steal(&sb);
}

static void test_profiles(void **state)
{
	struct gauntlet_profile *p;
	size_t n;
	char *err = NULL, *s;

	assert_int_equal(gauntlet_profiles(&twoflag, NULL, NULL, &p, &n, &err), 0);
	assert_int_equal(n, 3);
	s = profile_names(p, n);
	assert_string_equal(s, "default llc llc+steal");
	free(s);
	assert_int_equal(p[0].nflags, 0);
	assert_null(p[0].flags[0]);
	assert_int_equal(p[2].nflags, 2);
	assert_string_equal(p[2].flags[0], "llc");
	assert_string_equal(p[2].flags[1], "steal");
	assert_null(p[2].flags[2]);
	gauntlet_profiles_free(p, n);

	/* the example of docs/gauntlet.md: 6 flags, steal requires llc -> 64 - 16 */
	assert_int_equal(gauntlet_profiles(&catalog, NULL, NULL, &p, &n, &err), 0);
	assert_int_equal(n, 48);
	for (size_t i = 0; i < n; i++) {
		bool steal = strstr(p[i].name, "steal") != NULL;
		bool llc = !strncmp(p[i].name, "llc", 3);

		assert_false(steal && !llc);
	}
	/* declaration order inside a name */
	assert_string_equal(p[n - 1].name, "llc+borrow+steal+rebal+reject-pin+no-ctrl");
	gauntlet_profiles_free(p, n);

	/* required steal: llc must come with it -> 16 of the 32 subsets of the other five */
	assert_int_equal(gauntlet_profiles(&catalog, KTSTR_NAMES("steal"), NULL, &p, &n, &err), 0);
	assert_int_equal(n, 16);
	for (size_t i = 0; i < n; i++)
		assert_non_null(strstr(p[i].name, "llc+"));
	gauntlet_profiles_free(p, n);

	/* excluded llc: steal can never be on -> 2^4 */
	assert_int_equal(gauntlet_profiles(&catalog, NULL, KTSTR_NAMES("llc"), &p, &n, &err), 0);
	assert_int_equal(n, 16);
	gauntlet_profiles_free(p, n);

	/* required steal with llc excluded: nothing */
	assert_int_equal(gauntlet_profiles(&catalog, KTSTR_NAMES("steal"), KTSTR_NAMES("llc"), &p,
					   &n, &err), 0);
	assert_int_equal(n, 0);
	gauntlet_profiles_free(p, n);

	/* no flags (EEVDF): one default profile */
	assert_int_equal(gauntlet_profiles(&ktstr_eevdf, NULL, NULL, &p, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(p[0].name, "default");
	gauntlet_profiles_free(p, n);

	assert_int_equal(gauntlet_profiles(&twoflag, KTSTR_NAMES("nope"), NULL, &p, &n, &err),
			 -EINVAL);
	assert_string_equal(err, "required_flags names 'nope', not a flag of scheduler 'twoflag'");
	free(err);
}

static const struct ktstr_test *const *all_tests(size_t *n)
{
	return registry_tests(n);
}

static char *plan_names(const struct plan *p)
{
	struct strbuf sb = { 0 };

	for (size_t i = 0; i < p->n; i++)
		sb_printf(&sb, "%s\n", p->items[i].name);
	return sb_steal(&sb);
}

static void test_plan_names(void **state)
{
	const struct ktstr_test *pair = find_test("pair");
	struct plan_opts o = { .gauntlet = true, .accel = ACCEL_TCG, .host_cpus = 2 };
	struct plan p;
	char *err = NULL, *s;

	unsetenv("KTSTR_MAX_VCPUS");
	assert_int_equal(plan_build(&pair, 1, &o, &p, &err), 0);
	s = plan_names(&p);
	assert_string_equal(s, "pair\n"
			       "gauntlet/pair/tiny-1llc/default\n"
			       "gauntlet/pair/tiny-1llc/llc\n"
			       "gauntlet/pair/tiny-1llc/llc+steal\n"
			       "gauntlet/pair/tiny-2llc/default\n"
			       "gauntlet/pair/tiny-2llc/llc\n"
			       "gauntlet/pair/tiny-2llc/llc+steal\n"
			       "gauntlet/pair/smt-2llc/default\n"
			       "gauntlet/pair/smt-2llc/llc\n"
			       "gauntlet/pair/smt-2llc/llc+steal\n");
	free(s);
	assert_null(p.items[0].preset);
	assert_null(p.items[0].profile);
	assert_null(p.items[0].flags[0]);
	assert_string_equal(p.items[9].preset->name, "smt-2llc");
	assert_int_equal(p.items[9].topo.threads_per_core, 2);
	assert_string_equal(p.items[9].profile, "llc+steal");
	assert_string_equal(p.items[9].flags[1], "steal");
	assert_null(p.items[9].kernel);
	plan_free(&p);

	/* without --gauntlet: the test alone */
	o.gauntlet = false;
	assert_int_equal(plan_build(&pair, 1, &o, &p, &err), 0);
	assert_int_equal(p.n, 1);
	plan_free(&p);
}

static void test_plan_kernels(void **state)
{
	size_t n;
	const struct ktstr_test *const *tests = all_tests(&n);
	const struct ktstr_test *pair = find_test("pair");
	const char *const two[] = { "/work/kernel/bzImage", "old=6.12", NULL };
	const char *const one[] = { "/k/bzImage", NULL };
	const char *const dup[] = { "a=/x", "a=/y", NULL };
	struct plan_opts o = { .gauntlet = true, .accel = ACCEL_TCG, .host_cpus = 2, .kernels = two };
	struct plan p;
	char *err = NULL, *s;

	assert_int_equal(plan_build(&pair, 1, &o, &p, &err), 0);
	assert_int_equal(p.n, 20);
	assert_string_equal(p.items[0].name, "pair/kernel_work_kernel_bzimage");
	assert_string_equal(p.items[0].kernel->spec, "/work/kernel/bzImage");
	assert_string_equal(p.items[1].name, "pair/old");
	assert_string_equal(p.items[1].kernel->spec, "6.12");
	assert_string_equal(p.items[19].name, "gauntlet/pair/smt-2llc/llc+steal/old");
	plan_free(&p);

	/* one kernel: no suffix, but the item carries it */
	o.kernels = one;
	assert_int_equal(plan_build(&pair, 1, &o, &p, &err), 0);
	assert_int_equal(p.n, 10);
	assert_string_equal(p.items[3].name, "gauntlet/pair/tiny-1llc/llc+steal");
	assert_string_equal(p.items[3].kernel->spec, "/k/bzImage");
	assert_null(p.items[3].kernel->label);
	plan_free(&p);

	o.kernels = dup;
	assert_int_equal(plan_build(&pair, 1, &o, &p, &err), -EINVAL);
	assert_non_null(strstr(err, "both get the label 'a'"));
	free(err);

	/* host_only: one item, no variants, whatever the kernels */
	o.kernels = two;
	assert_int_equal(plan_build(tests, n, &o, &p, &err), 0);
	s = plan_names(&p);
	assert_true(str_starts_with(s, "on_host\n"));
	assert_null(strstr(s, "on_host/"));
	assert_non_null(strstr(s, "gauntlet/plain/tiny-1llc/default/old\n"));
	free(s);
	plan_free(&p);

	s = plan_kernel_label("6.15-rc3");
	assert_string_equal(s, "kernel_6_15_rc3");
	free(s);
	s = plan_kernel_label("--Foo..Bar--");
	assert_string_equal(s, "kernel_foo_bar");
	free(s);
}

/* The full gauntlet of every registered test, as on a big KVM host. */
static void big_plan(struct plan *p, enum accel_kind accel)
{
	size_t n;
	const struct ktstr_test *const *tests = all_tests(&n);
	struct plan_opts o = { .gauntlet = true, .accel = accel, .host_cpus = 255 };
	char *err = NULL;

	assert_int_equal(plan_build(tests, n, &o, p, &err), 0);
}

static void test_plan_counts(void **state)
{
	struct plan p;
	size_t wide = 0;

	big_plan(&p, ACCEL_KVM);
	/* wide: required rebal, excluded no-ctrl/reject-pin: llc, borrow, steal optional
	 * -> 6 profiles; presets with 2..12 LLCs, 1..4 nodes, <= 192 CPUs: 19 */
	for (size_t i = 0; i < p.n; i++)
		wide += str_starts_with(p.items[i].name, "gauntlet/wide/");
	assert_int_equal(wide, 19 * 6);
	for (size_t i = 0; i < p.n; i++) {
		if (!str_starts_with(p.items[i].name, "gauntlet/wide/"))
			continue;
		assert_non_null(strstr(p.items[i].name, "rebal"));
		assert_true(p.items[i].topo.llcs >= 2);
	}
	/* pair 15 presets x 3 + plain 15 x 1 + 4 base tests */
	assert_int_equal(p.n, 19 * 6 + 15 * 3 + 15 + 4);
	plan_free(&p);
}

/* Distinct features covered by the items marked in keep. */
static size_t coverage(const struct plan *p, const bool *keep)
{
	char **seen = NULL;
	size_t nseen = 0;

	for (size_t i = 0; i < p->n; i++) {
		char **f;

		if (!keep[i])
			continue;
		f = budget_features(&p->items[i]);
		for (char **s = f; *s; s++) {
			size_t j = 0;

			while (j < nseen && strcmp(seen[j], *s))
				j++;
			if (j == nseen) {
				seen = realloc(seen, (nseen + 1) * sizeof(*seen));
				seen[nseen++] = *s;
			} else {
				free(*s);
			}
		}
		free(f);
	}
	for (size_t j = 0; j < nseen; j++)
		free(seen[j]);
	free(seen);
	return nseen;
}

static void test_budget(void **state)
{
	struct plan p;
	struct budget_result r1, r2;
	bool *k1, *k2, *prefix;
	double used = 0;
	struct strbuf sb = { 0 };

	big_plan(&p, ACCEL_KVM);
	k1 = calloc(p.n, sizeof(bool));
	k2 = calloc(p.n, sizeof(bool));
	prefix = calloc(p.n, sizeof(bool));
	budget_select(p.items, p.n, 120, ACCEL_KVM, k1, &r1);
	budget_select(p.items, p.n, 120, ACCEL_KVM, k2, &r2);
	assert_memory_equal(k1, k2, p.n * sizeof(bool));
	assert_int_equal(r1.chosen, r2.chosen);
	assert_true(r1.estimated_s <= 120);
	assert_true(r1.chosen > 0 && r1.chosen < p.n);
	assert_int_equal(r1.total, p.n);
	assert_int_equal(r1.covered, coverage(&p, k1));
	for (size_t i = 0; i < p.n; i++)
		prefix[i] = true;
	assert_int_equal(r1.possible, coverage(&p, prefix));
	/* the naive choice: the plan's first items, as many as fit */
	memset(prefix, 0, p.n * sizeof(bool));
	for (size_t i = 0; i < p.n; i++) {
		double c = budget_estimate_s(&p.items[i], ACCEL_KVM);

		if (used + c > 120)
			break;
		prefix[i] = true;
		used += c;
	}
	assert_true(r1.covered > coverage(&p, prefix));

	/* a budget fitting everything still stops when nothing new is covered */
	budget_select(p.items, p.n, 1e9, ACCEL_KVM, k1, &r1);
	assert_int_equal(r1.covered, r1.possible);
	assert_true(r1.chosen < p.n);
	/* too small for anything */
	budget_select(p.items, p.n, 1, ACCEL_KVM, k1, &r1);
	assert_int_equal(r1.chosen, 0);
	assert_int_equal(r1.covered, 0);

	budget_format(&sb, 120, &(struct budget_result){ 9, 312, 41, 44, 114.2 }, "variants");
	assert_string_equal(sb.buf,
			    "budget 120 s: 9 of 312 variants, 41/44 features covered, estimated 114 s\n");
	sb_free(&sb);
	free(k1);
	free(k2);
	free(prefix);
	plan_free(&p);
}

static void test_budget_estimate(void **state)
{
	struct plan p;
	const struct plan_item *tiny = NULL, *big = NULL, *host = NULL;
	double v;

	big_plan(&p, ACCEL_KVM);
	for (size_t i = 0; i < p.n; i++) {
		if (!strcmp(p.items[i].name, "gauntlet/plain/tiny-1llc/default"))
			tiny = &p.items[i];
		if (!strcmp(p.items[i].name, "gauntlet/plain/large-4llc/default"))
			big = &p.items[i];
		if (!strcmp(p.items[i].name, "on_host"))
			host = &p.items[i];
	}
	assert_non_null(tiny);
	assert_non_null(big);
	assert_non_null(host);
	/* plain runs 3 s */
	assert_true(budget_estimate_s(tiny, ACCEL_KVM) == 10 + 3 + 2);
	assert_true(budget_estimate_s(big, ACCEL_KVM) == 10 + 11.2 + 3 + 2);
	assert_true(budget_estimate_s(tiny, ACCEL_TCG) == 18 + 8 + 3 + 2);
	assert_true(budget_estimate_s(host, ACCEL_TCG) == 2 + 2);
	v = budget_estimate_s(big, ACCEL_TCG);
	assert_true(v == 18 + 256 + 3 + 2);
	plan_free(&p);

	assert_int_equal(budget_parse("120", &v), 0);
	assert_true(v == 120);
	assert_int_equal(budget_parse("0.5", &v), 0);
	assert_int_equal(budget_parse("0", &v), -EINVAL);
	assert_int_equal(budget_parse("-3", &v), -EINVAL);
	assert_int_equal(budget_parse("12s", &v), -EINVAL);
	assert_int_equal(budget_parse("nan", &v), -EINVAL);
	assert_int_equal(budget_parse("", &v), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_presets),         cmocka_unit_test(test_constraints_filter),
		cmocka_unit_test(test_host_filter),     cmocka_unit_test(test_profiles),
		cmocka_unit_test(test_plan_names),      cmocka_unit_test(test_plan_kernels),
		cmocka_unit_test(test_plan_counts),
		cmocka_unit_test(test_budget),          cmocka_unit_test(test_budget_estimate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
