/* Preloaded into a command by tools/hot-text/run.sh: at exit, writes the
 * file offsets of the pages of TOUCHED_FILE that the process has mapped,
 * one "PERMS OFFSET" line each (hexadecimal), to TOUCHED_OUT. Run with the
 * kernel's fault-around off, the mapped pages are the touched ones. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((destructor)) static void record(void) {
    const char *out = getenv("TOUCHED_OUT"), *file = getenv("TOUCHED_FILE");
    if (!out || !file) return;
    FILE *maps = fopen("/proc/self/maps", "r"), *o = fopen(out, "a");
    int pagemap = open("/proc/self/pagemap", O_RDONLY);
    if (!maps || !o || pagemap < 0) return;
    char line[4096];
    while (fgets(line, sizeof line, maps)) {
        unsigned long lo, hi, off;
        char perms[8];
        line[strcspn(line, "\n")] = 0;
        size_t n = strlen(line), f = strlen(file);
        if (n < f || strcmp(line + n - f, file) != 0) continue;
        if (sscanf(line, "%lx-%lx %7s %lx", &lo, &hi, perms, &off) != 4) continue;
        for (unsigned long a = lo; a < hi; a += 4096) {
            uint64_t entry;
            if (pread(pagemap, &entry, 8, (a / 4096) * 8) == 8 && entry >> 63)
                fprintf(o, "%s %lx\n", perms, off + (a - lo));
        }
    }
    fclose(o);
}
