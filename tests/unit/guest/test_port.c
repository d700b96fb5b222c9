// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "guest/port.h"
#include "util/util.h"

static char *make_tree(void)
{
	char tmpl[] = "/tmp/ktstr-port-XXXXXX";
	char *root = xstrdup(mkdtemp(tmpl));
	char *p;

	p = xasprintf("%s/sys/class/virtio-ports/vport0p0", root);
	assert_int_equal(mkdir_p(p, 0755), 0);
	free(p);
	p = xasprintf("%s/sys/class/virtio-ports/vport0p0/name", root);
	assert_int_equal(file_write_str(p, "org.qemu.guest_agent.0\n"), 0);
	free(p);
	p = xasprintf("%s/sys/class/virtio-ports/vport0p1", root);
	assert_int_equal(mkdir_p(p, 0755), 0);
	free(p);
	p = xasprintf("%s/sys/class/virtio-ports/vport0p1/name", root);
	assert_int_equal(file_write_str(p, "org.ktstr.0\n"), 0);
	free(p);
	p = xasprintf("%s/dev", root);
	assert_int_equal(mkdir_p(p, 0755), 0);
	free(p);
	p = xasprintf("%s/dev/vport0p1", root);
	assert_int_equal(file_write_str(p, "port one"), 0);
	free(p);
	return root;
}

static void test_open_by_name(void **state)
{
	char *root = make_tree();
	char buf[16] = { 0 };
	int fd;

	fd = guest_port_open_at(root, GUEST_PORT_NAME);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, buf, sizeof(buf) - 1), 8);
	assert_string_equal(buf, "port one");
	close(fd);
	/* Named port without its device node, unknown name, no sysfs at all. */
	assert_int_equal(guest_port_open_at(root, "org.qemu.guest_agent.0"), -ENOENT);
	assert_int_equal(guest_port_open_at(root, "org.ktstr.9"), -ENOENT);
	assert_int_equal(guest_port_open_at("/nonexistent-ktstr", GUEST_PORT_NAME), -ENOENT);
	assert_int_equal(rm_rf(root), 0);
	free(root);
}

static void test_read_frames(void **state)
{
	struct chan_frame f;
	uint64_t t0;
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(write_full(sv[0], "noise", 5), 0);
	assert_int_equal(chan_send(sv[0], 500, "unknown type", 12), 0);
	assert_int_equal(chan_send(sv[0], CHAN_ORDERS, "{\"test\":\"a\"}", 12), 0);
	assert_int_equal(chan_send(sv[0], CHAN_ORDERS, "{\"test\":\"b\"}", 12), 0);
	assert_int_equal(guest_port_read_frame(sv[1], &f, 1000), 0);
	assert_int_equal(f.type, CHAN_ORDERS);
	assert_string_equal((char *)f.data, "{\"test\":\"a\"}");
	chan_frame_free(&f);
	/* The first read stopped at the frame's end: the second frame is intact. */
	assert_int_equal(guest_port_read_frame(sv[1], &f, 1000), 0);
	assert_string_equal((char *)f.data, "{\"test\":\"b\"}");
	chan_frame_free(&f);
	t0 = now_ns();
	assert_int_equal(guest_port_read_frame(sv[1], &f, 50), -ETIMEDOUT);
	assert_true(now_ns() - t0 >= 50000000);
	/* Host gone: waits out the timeout instead of spinning or failing early. */
	close(sv[0]);
	t0 = now_ns();
	assert_int_equal(guest_port_read_frame(sv[1], &f, 60), -ETIMEDOUT);
	assert_true(now_ns() - t0 >= 60000000);
	close(sv[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_by_name),
		cmocka_unit_test(test_read_frames),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
