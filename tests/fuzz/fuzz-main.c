/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Without libFuzzer: run a fuzz target over files and directories given
 * as arguments (the seed corpus), so that every input that ever found a
 * bug keeps being tested by "make check". */

#include <dirent.h>
#include <sys/stat.h>

#include "fileio.h"
#include "fuzz.h"
#include "macro.h"
#include "path-util.h"

static int run_file(const char *path) {
        _cleanup_free_ char *data = NULL;
        size_t size;
        int r = read_full_file(path, 16 * 1024 * 1024, &data, &size);
        if (r < 0) {
                fprintf(stderr, "%s: %s\n", path, strerror(-r));
                return r;
        }
        (void) LLVMFuzzerTestOneInput((const uint8_t *) data, size);
        printf("ok - %s\n", path);
        return 1;
}

static int run_path(const char *path) {
        struct stat st;
        int n = 0;

        if (stat(path, &st) < 0)
                return -errno;
        if (!S_ISDIR(st.st_mode))
                return run_file(path);

        DIR *d = opendir(path);
        if (!d)
                return -errno;
        for (struct dirent *de; (de = readdir(d));) {
                _cleanup_free_ char *p = NULL;
                if (de->d_name[0] == '.')
                        continue;
                p = path_join(path, de->d_name);
                int r = p ? run_path(p) : -ENOMEM;
                if (r < 0) {
                        closedir(d);
                        return r;
                }
                n += r;
        }
        closedir(d);
        return n;
}

int main(int argc, char *argv[]) {
        int n = 0;

        for (int i = 1; i < argc; i++) {
                int r = run_path(argv[i]);
                if (r < 0)
                        return EXIT_FAILURE;
                n += r;
        }
        printf("# %d inputs\n", n);
        return n > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
