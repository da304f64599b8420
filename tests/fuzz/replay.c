// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Corpus replay for "make check": runs every file of the fuzz corpus
 * through the fuzz engine, each in a child process so that an invariant
 * violation (abort) or a sanitizer report fails that input only.
 *
 *   fuzz-replay [DIR|FILE]...
 *
 * Without arguments it replays FZ_CORPUS_DIR (tests/fuzz/corpus, relative
 * to the repository root), or, if that is not found from the current
 * directory, the same path relative to the binary (build/san/..).
 * A file's target is the name of its directory: "ring" and "parse"
 * inputs run in those modes, everything else in ops mode. Prints "N passed, N failed".
 */
#include <dirent.h>
#include <libgen.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "harness.h"

#ifndef FZ_CORPUS_DIR
#define FZ_CORPUS_DIR "tests/fuzz/corpus"
#endif

static unsigned long passed, failed;

static enum fz_mode mode_of(const char *path)
{
	char tmp[PATH_MAX];

	const char *dir;

	snprintf(tmp, sizeof(tmp), "%s", path);
	dir = basename(dirname(tmp));
	if (!strcmp(dir, "ring"))
		return FZ_MODE_RING;
	return strcmp(dir, "parse") ? FZ_MODE_OPS : FZ_MODE_PARSE;
}

static void run_file(const char *path)
{
	static u8 buf[1 << 20];
	FILE *fp = fopen(path, "rb");
	size_t len;
	pid_t pid;
	int st;

	if (!fp) {
		perror(path);
		failed++;
		return;
	}
	len = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(2);
	}
	if (!pid) {
		fz_run(buf, len, mode_of(path));
		_exit(0);
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		printf("FAIL %s (%s %d)\n", path,
		       WIFSIGNALED(st) ? "signal" : "exit",
		       WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
		failed++;
		return;
	}
	passed++;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void run_path(const char *path)
{
	struct dirent **ents;
	struct stat stt;
	char sub[PATH_MAX];
	int i, n;

	if (stat(path, &stt)) {
		perror(path);
		failed++;
		return;
	}
	if (!S_ISDIR(stt.st_mode)) {
		run_file(path);
		return;
	}
	n = scandir(path, &ents, NULL, by_name);
	for (i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.') {
			snprintf(sub, sizeof(sub), "%s/%s", path, ents[i]->d_name);
			run_path(sub);
		}
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
}

static const char *default_dir(char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n;

	if (!access(FZ_CORPUS_DIR, R_OK))
		return FZ_CORPUS_DIR;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return FZ_CORPUS_DIR;
	exe[n] = 0;
	/* <repo>/<build>/san/fuzz-replay */
	snprintf(buf, len, "%s/../../%s", dirname(exe), FZ_CORPUS_DIR);
	return buf;
}

int main(int argc, char **argv)
{
	char buf[PATH_MAX + 64];
	int i;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: %s [DIR|FILE]...   (default %s)\n", argv[0],
		       FZ_CORPUS_DIR);
		return 0;
	}
	if (argc < 2)
		run_path(default_dir(buf, sizeof(buf)));
	for (i = 1; i < argc; i++)
		run_path(argv[i]);
	printf("fuzz corpus replay done\n");
	printf("%lu passed, %lu failed\n", passed, failed);
	return failed ? 1 : 0;
}
