// SPDX-License-Identifier: GPL-2.0-only
/* The bare baseline's /init for bench/boot: power off at once (linked statically). */
#include <sys/reboot.h>
#include <unistd.h>

int main(void)
{
	sync();
	reboot(RB_POWER_OFF);
	return 1;
}
