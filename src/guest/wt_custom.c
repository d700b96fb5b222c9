// SPDX-License-Identifier: GPL-2.0-only
/*
 * Custom: the test's own function as the worker body (struct ktstr_work .custom),
 * and the small API it reports through (<ktstr/scenario.h>).
 */
#include "guest/worktypes.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/util.h"

#define CUSTOM_IDLE_NS 100000000ull /* a body that has finished idles in sleeps this long */
#define CUSTOM_ERROR_EXIT 5         /* the body returned an error: no report */

struct ktstr_worker {
	struct wt_ctx *c;
	bool done; /* the body will not be called again */
};

static int custom_validate(const struct ktstr_work *w, char **err)
{
	if (!w->custom) {
		*err = xstrdup("Custom work without a function (.custom)");
		return -EINVAL;
	}
	return 0;
}

static int custom_init(struct wt_ctx *c)
{
	struct ktstr_worker *w = xcalloc(1, sizeof(*w));

	w->c = c;
	c->priv = w;
	return 0;
}

static void custom_iter(struct wt_ctx *c)
{
	struct ktstr_worker *w = c->priv;
	int ret;

	if (w->done) {
		wt_sleep_ns(c, CUSTOM_IDLE_NS);
		return;
	}
	ret = c->work.custom(w, c->work.custom_arg);
	if (ret < 0)
		_exit(CUSTOM_ERROR_EXIT);
	if (ret > 0 || c->work.custom_once)
		w->done = true;
}

static void custom_fini(struct wt_ctx *c)
{
	free(c->priv);
	c->priv = NULL;
}

const struct wt_ops wt_custom_ops = {
	.init = custom_init,
	.iter = custom_iter,
	.fini = custom_fini,
	.validate = custom_validate,
};

bool ktstr_worker_stopping(const struct ktstr_worker *w)
{
	return *w->c->stop != 0;
}

void ktstr_worker_add_work(struct ktstr_worker *w, uint64_t units)
{
	w->c->rep->work_units += units;
	wt_checkpoint(w->c);
}

void ktstr_worker_sleep_ns(struct ktstr_worker *w, uint64_t ns)
{
	if (!*w->c->stop)
		wt_sleep_ns(w->c, ns);
}

unsigned ktstr_worker_index(const struct ktstr_worker *w)
{
	return w->c->rep->index;
}
