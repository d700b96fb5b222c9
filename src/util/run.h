/* SPDX-License-Identifier: GPL-2.0-only */
/* Running a command and collecting its output. */
#ifndef KTSTR_RUN_H
#define KTSTR_RUN_H

/* Run argv (looked up in PATH) in cwd (NULL: here). stdout goes to *out when out
 * is given, else to /dev/null; stderr is inherited so the command's errors reach
 * the user. Returns the exit status (128 + signal when killed), or a negative
 * errno when it could not run. */
int run_argv(char *const argv[], const char *cwd, char **out);

/* Run argv in cwd (NULL: here) with stdout and stderr into one pipe, calling
 * line(text, arg) for each line of output (without its newline; a line longer
 * than 4 KiB comes in pieces). The command gets SIGTERM when ktstr dies.
 * Returns as run_argv. */
int run_argv_lines(char *const argv[], const char *cwd,
		   void (*line)(const char *text, void *arg), void *arg);

/* name as execvp finds it in PATH (name itself when it has a '/'), or NULL.
 * Caller frees. */
char *run_which(const char *name);

#endif
