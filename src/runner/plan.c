// SPDX-License-Identifier: GPL-2.0-only
/* The items of a suite run: tests, gauntlet variants, kernels; selection. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/entry.h"
#include "runner/plan.h"
#include "runner/sidecar.h"
#include "util/util.h"

char *plan_kernel_label(const char *raw)
{
	struct strbuf sb = { 0 };
	bool sep = false;

	sb_append(&sb, "kernel");
	for (const unsigned char *p = (const unsigned char *)raw; *p; p++) {
		if (isalnum(*p) && *p < 0x80) {
			if (sep || sb.len == strlen("kernel"))
				sb_append(&sb, "_");
			sb_appendn(&sb, (const char[]){ (char)tolower(*p) }, 1);
			sep = false;
		} else {
			sep = true;
		}
	}
	return sb_steal(&sb);
}

static bool label_ok(const char *s, size_t len)
{
	if (!len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-' && s[i] != '.')
			return false;
	return true;
}

static int kernels_build(const char *const *specs, struct plan *p, char **err)
{
	size_t n = 0;

	for (const char *const *s = specs; s && *s; s++)
		n++;
	p->kernels = xcalloc(n ? n : 1, sizeof(*p->kernels));
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(specs[i], '=');
		struct plan_kernel *k = &p->kernels[p->nkernels++];

		if (eq && label_ok(specs[i], (size_t)(eq - specs[i])) && eq[1]) {
			k->label = xstrndup(specs[i], (size_t)(eq - specs[i]));
			k->spec = xstrdup(eq + 1);
		} else {
			k->label = plan_kernel_label(specs[i]);
			k->spec = xstrdup(specs[i]);
		}
		if (!strcmp(k->label, "kernel") && n > 1) {
			*err = xasprintf("--kernel '%s': cannot derive a label from it; "
					 "write LABEL=%s", specs[i], specs[i]);
			return -EINVAL;
		}
		for (size_t j = 0; j < i; j++) {
			if (!strcmp(p->kernels[j].label, k->label)) {
				*err = xasprintf("--kernel '%s' and '%s' both get the label '%s'; "
						 "name them: LABEL=KERNEL", specs[j], specs[i],
						 k->label);
				return -EINVAL;
			}
		}
	}
	if (n < 2) {
		for (size_t i = 0; i < p->nkernels; i++) {
			free(p->kernels[i].label);
			p->kernels[i].label = NULL;
		}
	}
	return 0;
}

static const char **flags_dup(const char *const *flags)
{
	size_t n = 0;
	const char **v;

	while (flags && flags[n])
		n++;
	v = xcalloc(n + 1, sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = flags[i];
	return v;
}

struct builder {
	struct plan *p;
	size_t cap;
};

static struct plan_item *item_add(struct builder *b, const struct ktstr_test *t,
				  const struct plan_kernel *k, const char *base_name)
{
	struct plan_item *it;

	if (b->p->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 64;
		b->p->items = xrealloc(b->p->items, b->cap * sizeof(*b->p->items));
	}
	it = &b->p->items[b->p->n++];
	memset(it, 0, sizeof(*it));
	it->test = t;
	it->kernel = k;
	it->name = k && k->label ? xasprintf("%s/%s", base_name, k->label) : xstrdup(base_name);
	return it;
}

/* One item per kernel (a single NULL kernel when none was given). */
static void add_per_kernel(struct builder *b, const struct ktstr_test *t, const char *name,
			   const struct gauntlet_preset *preset, const struct ktstr_topology *topo,
			   const char *const *flags, const char *profile)
{
	size_t nk = b->p->nkernels ? b->p->nkernels : 1;

	for (size_t i = 0; i < nk; i++) {
		struct plan_item *it =
			item_add(b, t, b->p->nkernels ? &b->p->kernels[i] : NULL, name);

		it->preset = preset;
		it->topo = *topo;
		it->flags = flags_dup(flags);
		it->profile = profile;
	}
}

static int add_variants(struct builder *b, const struct ktstr_test *t, const struct plan_opts *o,
			char **err)
{
	const struct ktstr_scheduler *s = entry_scheduler(t);
	struct gauntlet_profile *prof;
	struct ktstr_constraints c;
	size_t np, npresets;
	const struct gauntlet_preset *presets = gauntlet_presets(&npresets);
	int r;

	r = gauntlet_profiles(s, t->required_flags, t->excluded_flags, &prof, &np, err);
	if (r) {
		char *e = *err;

		*err = xasprintf("test '%s': %s", t->name, e);
		free(e);
		return r;
	}
	b->p->profile_names = xrealloc(b->p->profile_names,
				       (b->p->nprofile_names + np + 1) * sizeof(char *));
	for (size_t j = 0; j < np; j++) {
		b->p->profile_names[b->p->nprofile_names++] = prof[j].name;
		prof[j].name = NULL;
	}
	entry_constraints(t, &c);
	for (size_t i = 0; i < npresets; i++) {
		struct ktstr_topology topo;

		gauntlet_preset_topology(&presets[i], &topo);
		if (!gauntlet_constraints_accept(&c, &topo) ||
		    !gauntlet_host_accepts(&topo, o->accel, o->host_cpus))
			continue;
		for (size_t j = 0; j < np; j++) {
			const char *pname = b->p->profile_names[b->p->nprofile_names - np + j];
			char *name = xasprintf("gauntlet/%s/%s/%s", t->name, presets[i].name, pname);

			add_per_kernel(b, t, name, &presets[i], &topo, prof[j].flags, pname);
			free(name);
		}
	}
	gauntlet_profiles_free(prof, np);
	return 0;
}

int plan_build(const struct ktstr_test *const *tests, size_t n, const struct plan_opts *o,
	       struct plan *out, char **err)
{
	struct builder b = { .p = out };
	int r;

	memset(out, 0, sizeof(*out));
	*err = NULL;
	if ((r = kernels_build(o->kernels, out, err)))
		goto fail;
	for (size_t i = 0; i < n; i++) {
		const struct ktstr_test *t = tests[i];
		struct ktstr_topology topo;

		entry_topology(t, &topo);
		if (t->host_only) {
			/* runs on the host: one item, whatever the kernels */
			struct plan_item *it = item_add(&b, t, NULL, t->name);

			it->topo = topo;
			it->flags = flags_dup(NULL);
			continue;
		}
		add_per_kernel(&b, t, t->name, NULL, &topo, t->required_flags, NULL);
		if (o->gauntlet && (r = add_variants(&b, t, o, err)))
			goto fail;
	}
	return 0;
fail:
	plan_free(out);
	return r;
}

static void item_free(struct plan_item *it)
{
	free(it->name);
	free(it->flags);
}

void plan_free(struct plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		item_free(&p->items[i]);
	free(p->items);
	for (size_t i = 0; i < p->nkernels; i++) {
		free(p->kernels[i].label);
		free(p->kernels[i].spec);
	}
	free(p->kernels);
	for (size_t i = 0; i < p->nprofile_names; i++)
		free(p->profile_names[i]);
	free(p->profile_names);
	memset(p, 0, sizeof(*p));
}

void plan_keep(struct plan *p, const bool *keep)
{
	size_t w = 0;

	for (size_t i = 0; i < p->n; i++) {
		if (keep[i])
			p->items[w++] = p->items[i];
		else
			item_free(&p->items[i]);
	}
	p->n = w;
}

void plan_filter(struct plan *p, const struct ktstr_args *a)
{
	bool *keep = xcalloc(p->n ? p->n : 1, sizeof(*keep));

	for (size_t i = 0; i < p->n; i++)
		keep[i] = args_selects(a, p->items[i].name);
	plan_keep(p, keep);
	free(keep);
}

void plan_repeat(struct plan *p, unsigned repeats)
{
	struct plan_item *v;
	size_t w = 0;

	if (repeats < 2 || !p->n)
		return;
	v = xcalloc(p->n * repeats, sizeof(*v));
	for (size_t i = 0; i < p->n; i++) {
		for (unsigned k = 1; k <= repeats; k++) {
			v[w] = p->items[i];
			v[w].name = xasprintf("%s#%u", p->items[i].name, k);
			v[w].flags = flags_dup(p->items[i].flags);
			v[w].repeat = k;
			v[w].repeats = repeats;
			w++;
		}
		item_free(&p->items[i]);
	}
	free(p->items);
	p->items = v;
	p->n = w;
}

char *plan_item_variant(const struct plan_item *it)
{
	struct strbuf sb = { 0 };

	if (it->variant)
		return xstrdup(it->variant);
	if (it->preset)
		sb_printf(&sb, "%s-%s", it->preset->name, it->profile ? it->profile : "default");
	if (it->kernel && it->kernel->label)
		sb_printf(&sb, "%s%s", sb.len ? "-" : "", it->kernel->label);
	if (!sb.len)
		sb_append(&sb, "default");
	return sb_steal(&sb);
}

char *plan_item_config(const struct plan_item *it)
{
	if (it->preset)
		return xasprintf("%s-%s", it->preset->name, it->profile ? it->profile : "default");
	return xstrdup("default");
}

char *plan_item_record_name(const struct plan_item *it)
{
	char *variant = plan_item_variant(it);
	char *name = sidecar_file_name(it->test->name, variant, it->repeats ? it->repeat : 0);

	free(variant);
	return name;
}
