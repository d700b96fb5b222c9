// SPDX-License-Identifier: GPL-2.0-only
#include "util/cpuset.h"
#include "util/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void cpuset_zero(struct cpuset *s)
{
	memset(s, 0, sizeof(*s));
}

void cpuset_set(struct cpuset *s, unsigned cpu)
{
	if (cpu < KTSTR_MAX_CPUS)
		s->bits[cpu / 64] |= 1ull << (cpu % 64);
}

void cpuset_clear(struct cpuset *s, unsigned cpu)
{
	if (cpu < KTSTR_MAX_CPUS)
		s->bits[cpu / 64] &= ~(1ull << (cpu % 64));
}

bool cpuset_test(const struct cpuset *s, unsigned cpu)
{
	return cpu < KTSTR_MAX_CPUS && (s->bits[cpu / 64] >> (cpu % 64)) & 1;
}

unsigned cpuset_count(const struct cpuset *s)
{
	unsigned n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(s->bits); i++)
		n += (unsigned)__builtin_popcountll(s->bits[i]);
	return n;
}

bool cpuset_equal(const struct cpuset *a, const struct cpuset *b)
{
	return memcmp(a->bits, b->bits, sizeof(a->bits)) == 0;
}

bool cpuset_is_subset(const struct cpuset *sub, const struct cpuset *super)
{
	for (size_t i = 0; i < ARRAY_SIZE(sub->bits); i++)
		if (sub->bits[i] & ~super->bits[i])
			return false;
	return true;
}

void cpuset_or(struct cpuset *dst, const struct cpuset *src)
{
	for (size_t i = 0; i < ARRAY_SIZE(dst->bits); i++)
		dst->bits[i] |= src->bits[i];
}

void cpuset_and(struct cpuset *dst, const struct cpuset *src)
{
	for (size_t i = 0; i < ARRAY_SIZE(dst->bits); i++)
		dst->bits[i] &= src->bits[i];
}

int cpuset_next(const struct cpuset *s, unsigned from)
{
	for (unsigned c = from; c < KTSTR_MAX_CPUS; c++)
		if (cpuset_test(s, c))
			return (int)c;
	return -1;
}

static int parse_num(const char **p, unsigned *out)
{
	unsigned long v = 0;

	if (**p < '0' || **p > '9')
		return -EINVAL;
	while (**p >= '0' && **p <= '9') {
		v = v * 10 + (unsigned long)(**p - '0');
		if (v >= KTSTR_MAX_CPUS)
			return -ERANGE;
		(*p)++;
	}
	*out = (unsigned)v;
	return 0;
}

int cpuset_parse(const char *text, struct cpuset *out)
{
	char *copy = xstrdup(text), *s = str_trim(copy);
	const char *p = s;
	int ret = 0;

	cpuset_zero(out);
	while (*p) {
		unsigned lo, hi;

		ret = parse_num(&p, &lo);
		if (ret)
			break;
		hi = lo;
		if (*p == '-') {
			p++;
			ret = parse_num(&p, &hi);
			if (ret)
				break;
			if (hi < lo) {
				ret = -EINVAL;
				break;
			}
		}
		for (unsigned c = lo; c <= hi; c++)
			cpuset_set(out, c);
		if (*p == ',') {
			p++;
			if (!*p) {
				ret = -EINVAL;
				break;
			}
		} else if (*p) {
			ret = -EINVAL;
			break;
		}
	}
	free(copy);
	return ret;
}

char *cpuset_format(const struct cpuset *s)
{
	struct strbuf sb = { 0 };
	int c = cpuset_next(s, 0);

	while (c >= 0) {
		int end = c;

		while (end + 1 < KTSTR_MAX_CPUS && cpuset_test(s, (unsigned)end + 1))
			end++;
		if (sb.len)
			sb_append(&sb, ",");
		if (end > c)
			sb_printf(&sb, "%d-%d", c, end);
		else
			sb_printf(&sb, "%d", c);
		c = cpuset_next(s, (unsigned)end + 1);
	}
	return sb_steal(&sb);
}
