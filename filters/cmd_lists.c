/* chouette lists update --from DIR|TARBALL --to DIR [--force]
 *
 * Imports UT1 category lists (a folder, or UT1's blacklists.tar.gz unpacked with /bin/tar
 * spawned without a shell) into the directory the other commands read with --lists.
 *
 * Only the UT1 folders filters/catlists.c maps to a category are imported. Each domains
 * (and domains.N chunk), urls and expressions file is read line by line, every line checked
 * (catlists' own normalisers), and the valid lines written normalised; bad lines are reported
 * as folder/file:line and skipped. An import that would shrink any folder's domain count to
 * less than half of what the current lists hold is refused (exit 1) unless --force.
 *
 * Layout and atomic swap: --to DIR becomes a symbolic link to a sibling DIR.N (N = 1, 2, ...).
 * The new lists are written to DIR.N+1 and fsync'ed, then a fresh link is renamed over DIR:
 * readers see the old lists or the new ones, never a mix (catlists opens DIR once and reads
 * relative to it). The previous DIR.N is kept for a roll-back (ln -sfn DIR.N DIR); older ones
 * are removed. When DIR is still a plain directory (first import over shipped lists), it is
 * swapped with the link by renameat2(RENAME_EXCHANGE) and kept as the previous version. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cli.h"
#include "filters/catlists.h"

extern char **environ;

#define LISTS_BAD_SHOWN 10         /* bad-line messages printed per file; the rest are counted */
#define LISTS_MAX_FOLDERS 256      /* category folders considered in one import */
#define LISTS_WRITE_BUF (1u << 16) /* stdio buffer for the written lists */

static const char usage_text[] =
    "usage: chouette lists update --from DIR|TARBALL --to DIR [--force]\n"
    "  --from   a UT1 lists folder (one sub-folder per category) or UT1's blacklists.tar.gz\n"
    "  --to     the lists directory the other commands read (--lists); becomes a link to\n"
    "           a sibling DIR.N; the previous version is kept\n"
    "  --force  accept an import that halves a category's domain count\n";

typedef struct {
    char name[NAME_MAX + 1];
    size_t domains, urls, expressions, bad;
    size_t old_domains;
} folder_stats;

typedef struct {
    folder_stats f[LISTS_MAX_FOLDERS];
    size_t n;
} import_stats;

/* ---- small file-system helpers --------------------------------------------------------- */

/* snprintf for paths: false (and an empty out) when the result does not fit. */
__attribute__((format(printf, 3, 4))) static bool pathf(char *out, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, cap, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= cap) {
        if (cap)
            out[0] = '\0';
        return false;
    }
    return true;
}

static int rm_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    if (type == FTW_DP || type == FTW_D)
        return rmdir(path) == 0 ? 0 : -1;
    return unlink(path) == 0 ? 0 : -1;
}

static void rm_tree(const char *path)
{
    (void)nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static ch_status fsync_path(const char *path, int flags)
{
    int fd = open(path, flags | O_CLOEXEC);
    if (fd < 0)
        return CH_ERR_IO;
    int rc = fsync(fd);
    close(fd);
    return rc == 0 ? CH_OK : CH_ERR_IO;
}

/* ---- reading one source file and writing its valid lines ------------------------------- */

typedef struct {
    flt_file_kind kind;
    FILE *out;
    const char *label;
    size_t valid, bad, shown;
    ch_status wst;
} copy_ctx;

static ch_status copy_line(void *vctx, const char *line, size_t len, size_t lineno)
{
    copy_ctx *c = vctx;
    char norm[FLT_LINE_MAX + 1];
    char why[256] = "line too long";
    ch_status st = CH_ERR_PARSE;
    if (line) {
        if (c->kind == FLT_FILE_DOMAINS)
            st = flt_normalize_domain_line(line, len, norm, sizeof norm);
        else if (c->kind == FLT_FILE_URLS)
            st = flt_normalize_url_line(line, len, norm, sizeof norm);
        else
            st = flt_check_expression_line(line, len, why, sizeof why);
        if (st == CH_ERR_PARSE && c->kind != FLT_FILE_EXPRESSIONS)
            snprintf(why, sizeof why, "bad %s line",
                     c->kind == FLT_FILE_DOMAINS ? "domain" : "url");
    }
    if (st == CH_ERR_EOF)
        return CH_OK;
    if (st) {
        c->bad++;
        if (c->shown++ < LISTS_BAD_SHOWN)
            fprintf(stderr, "%s:%zu: %s\n", c->label, lineno, why);
        return CH_OK;
    }
    if (c->kind == FLT_FILE_EXPRESSIONS) {
        /* Keep the expression as written, trimmed. */
        while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
            len--;
        while (len > 0 && (*line == ' ' || *line == '\t')) {
            line++;
            len--;
        }
        if (fwrite(line, 1, len, c->out) != len || fputc('\n', c->out) == EOF)
            return CH_ERR_IO;
    } else if (fputs(norm, c->out) == EOF || fputc('\n', c->out) == EOF) {
        return CH_ERR_IO;
    }
    c->valid++;
    return CH_OK;
}

/* Import one category folder: all files of each kind are appended to one output file. */
static ch_status import_folder(int srcfd, const char *folder, const char *dst, folder_stats *fs)
{
    ch_status st = CH_OK;
    FILE *out[3] = {NULL, NULL, NULL};
    static const char *const outname[3] = {"domains", "urls", "expressions"};
    char path[PATH_MAX];
    DIR *d = NULL;
    int fd = openat(srcfd, folder, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return CH_ERR_IO;
    d = fdopendir(fd);
    if (!d) {
        close(fd);
        return CH_ERR_IO;
    }
    (void)pathf(path, sizeof path, "%s/%s", dst, folder);
    if (mkdir(path, 0755) != 0) {
        st = CH_ERR_IO;
        goto out;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        int kind = flt_list_file_kind(de->d_name);
        if (kind < 0)
            continue;
        int ffd = openat(dirfd(d), de->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (ffd < 0)
            continue; /* a symlink (O_NOFOLLOW) or unreadable: not part of the lists */
        struct stat sb;
        if (fstat(ffd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
            close(ffd);
            continue;
        }
        if (!out[kind]) {
            (void)pathf(path, sizeof path, "%s/%s/%s", dst, folder, outname[kind]);
            out[kind] = fopen(path, "wx");
            if (!out[kind]) {
                close(ffd);
                st = CH_ERR_IO;
                goto out;
            }
            setvbuf(out[kind], NULL, _IOFBF, LISTS_WRITE_BUF);
        }
        char label[2 * NAME_MAX + 2];
        snprintf(label, sizeof label, "%s/%s", folder, de->d_name);
        copy_ctx c = {.kind = (flt_file_kind)kind, .out = out[kind], .label = label};
        st = flt_read_lines(ffd, copy_line, &c, NULL);
        close(ffd);
        if (c.shown > LISTS_BAD_SHOWN)
            fprintf(stderr, "%s: %zu more bad lines\n", label, c.shown - LISTS_BAD_SHOWN);
        fs->bad += c.bad;
        if (kind == FLT_FILE_DOMAINS)
            fs->domains += c.valid;
        else if (kind == FLT_FILE_URLS)
            fs->urls += c.valid;
        else
            fs->expressions += c.valid;
        if (st)
            goto out;
    }
out:
    for (int k = 0; k < 3; k++) {
        if (!out[k])
            continue;
        if (fflush(out[k]) != 0 || fsync(fileno(out[k])) != 0)
            st = st ? st : CH_ERR_IO;
        if (fclose(out[k]) != 0)
            st = st ? st : CH_ERR_IO;
    }
    closedir(d);
    return st;
}

/* Domain lines (not blank, not comments) in DIR/folder/domains and domains.N; 0 if absent. */
static ch_status count_lines_cb(void *ctx, const char *line, size_t len, size_t lineno)
{
    (void)lineno;
    size_t *n = ctx;
    if (!line) {
        return CH_OK;
    }
    while (len > 0 && (*line == ' ' || *line == '\t' || *line == '\r')) {
        line++;
        len--;
    }
    if (len > 0 && line[0] != '#' && line[0] != '\r')
        ++*n;
    return CH_OK;
}

static size_t count_current_domains(const char *dir, const char *folder)
{
    char path[PATH_MAX];
    size_t n = 0;
    (void)pathf(path, sizeof path, "%s/%s", dir, folder);
    DIR *d = opendir(path);
    if (!d)
        return 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (flt_list_file_kind(de->d_name) != FLT_FILE_DOMAINS)
            continue;
        int fd = openat(dirfd(d), de->d_name, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        (void)flt_read_lines(fd, count_lines_cb, &n, NULL);
        close(fd);
    }
    closedir(d);
    return n;
}

/* ---- the source: a folder, or a tarball unpacked into a scratch folder --------------------- */

static ch_status run_tar(const char *tarball, const char *into)
{
    static const char *const tars[] = {"/bin/tar", "/usr/bin/tar"};
    const char *tar = NULL;
    for (size_t i = 0; i < 2 && !tar; i++)
        if (access(tars[i], X_OK) == 0)
            tar = tars[i];
    if (!tar) {
        fputs("chouette lists: no tar program in /bin or /usr/bin\n", stderr);
        return CH_ERR_UNSUPPORTED;
    }
    /* GNU tar detects gzip/xz/bzip2 itself; it refuses members with ".." and strips "/". */
    char *const argv[] = {"tar",
                          "-x",
                          "-f",
                          (char *)tarball,
                          "-C",
                          (char *)into,
                          "--no-same-owner",
                          "--no-same-permissions",
                          NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, tar, NULL, NULL, argv, environ);
    if (rc != 0) {
        fprintf(stderr, "chouette lists: cannot run tar: %s\n", strerror(rc));
        return CH_ERR_IO;
    }
    int wst;
    while (waitpid(pid, &wst, 0) < 0) {
        if (errno != EINTR)
            return CH_ERR_IO;
    }
    if (!WIFEXITED(wst) || WEXITSTATUS(wst) != 0) {
        fputs("chouette lists: tar could not unpack the archive\n", stderr);
        return CH_ERR_PARSE;
    }
    return CH_OK;
}

/* Does dir hold at least one folder we import? */
static bool has_category_folder(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return false;
    bool found = false;
    struct dirent *de;
    while (!found && (de = readdir(d)) != NULL)
        if (de->d_name[0] != '.' && flt_category_mask_of_ut1(de->d_name))
            found = true;
    closedir(d);
    return found;
}

/* A tarball usually wraps the folders in "blacklists/": descend through single sub-folders
 * (at most 3 levels) until category folders appear. root gets the result. */
static bool find_root(const char *top, char *root, size_t rootlen)
{
    snprintf(root, rootlen, "%s", top);
    for (int depth = 0; depth < 4; depth++) {
        if (has_category_folder(root))
            return true;
        DIR *d = opendir(root);
        if (!d)
            return false;
        char only[NAME_MAX + 1] = "";
        int dirs = 0;
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            if (de->d_name[0] == '.')
                continue;
            struct stat sb;
            if (fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
                S_ISDIR(sb.st_mode)) {
                dirs++;
                snprintf(only, sizeof only, "%s", de->d_name);
            }
        }
        closedir(d);
        if (dirs != 1)
            return false;
        size_t n = strlen(root);
        if (n + 1 + strlen(only) + 1 > rootlen)
            return false;
        snprintf(root + n, rootlen - n, "/%s", only);
    }
    return false;
}

/* ---- versions: DIR.N siblings ---------------------------------------------------------- */

/* Highest N of parent/base.N, 0 when none. */
static long highest_version(const char *parent, const char *base)
{
    long best = 0;
    size_t bl = strlen(base);
    DIR *d = opendir(parent);
    if (!d)
        return 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        long v;
        if (strncmp(de->d_name, base, bl) == 0 && de->d_name[bl] == '.' &&
            cli_parse_long(de->d_name + bl + 1, 1, 1000000000L, &v) && v > best)
            best = v;
    }
    closedir(d);
    return best;
}

/* Remove parent/base.N directories other than keep1 and keep2 (basenames). */
static void prune_versions(const char *parent, const char *base, const char *keep1,
                           const char *keep2)
{
    size_t bl = strlen(base);
    DIR *d = opendir(parent);
    if (!d)
        return;
    struct dirent *de;
    char path[PATH_MAX];
    while ((de = readdir(d)) != NULL) {
        long v;
        if (!(strncmp(de->d_name, base, bl) == 0 && de->d_name[bl] == '.' &&
              cli_parse_long(de->d_name + bl + 1, 1, 1000000000L, &v)))
            continue;
        if ((keep1 && strcmp(de->d_name, keep1) == 0) || (keep2 && strcmp(de->d_name, keep2) == 0))
            continue;
        struct stat sb;
        if (fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(sb.st_mode))
            continue;
        if (pathf(path, sizeof path, "%s/%s", parent, de->d_name))
            rm_tree(path);
    }
    closedir(d);
}

/* ---- the command -------------------------------------------------------------------------- */

typedef struct {
    const char *from, *to;
    bool force;
} update_args;

static int parse_args(int argc, char **argv, update_args *a)
{
    if (argc < 2 || strcmp(argv[1], "update") != 0) {
        fputs(usage_text, stderr);
        return CLI_EXIT_USAGE;
    }
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--force") == 0) {
            a->force = true;
        } else if ((strcmp(argv[i], "--from") == 0 || strcmp(argv[i], "--to") == 0) &&
                   i + 1 < argc) {
            const char **slot = argv[i][2] == 'f' ? &a->from : &a->to;
            *slot = argv[++i];
        } else {
            return cli_usage_error("lists", usage_text, "unexpected argument", argv[i]);
        }
    }
    if (!a->from || !a->to || !*a->from || !*a->to) {
        return cli_usage_error("lists", usage_text, "--from and --to are required", NULL);
    }
    return CLI_EXIT_OK;
}

static int lists_update(const update_args *a)
{
    int ret = CLI_EXIT_FAILURE;
    char scratch[PATH_MAX] = "", newdir[PATH_MAX] = "", link_tmp[PATH_MAX] = "";
    char parent[PATH_MAX], base[NAME_MAX + 1], srcroot[PATH_MAX];
    import_stats *stats = calloc(1, sizeof *stats);
    int srcfd = -1;
    DIR *d = NULL;
    if (!stats) {
        fputs("chouette lists: out of memory\n", stderr);
        goto out;
    }

    /* Where things go: parent/base is --to; versions are parent/base.N. */
    {
        char t1[PATH_MAX], t2[PATH_MAX];
        size_t tl = strlen(a->to);
        while (tl > 1 && a->to[tl - 1] == '/')
            tl--;
        if (tl >= sizeof t1) {
            fputs("chouette lists: --to path too long\n", stderr);
            goto out;
        }
        memcpy(t1, a->to, tl);
        t1[tl] = '\0';
        memcpy(t2, t1, tl + 1);
        snprintf(parent, sizeof parent, "%s", dirname(t1));
        snprintf(base, sizeof base, "%s", basename(t2));
        if (strcmp(base, "/") == 0 || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
            fprintf(stderr, "chouette lists: --to must name a directory to create or replace\n");
            goto out;
        }
    }
    char to[PATH_MAX];
    if (!pathf(to, sizeof to, "%s/%s", parent, base)) {
        fputs("chouette lists: --to path too long\n", stderr);
        goto out;
    }

    /* The source. */
    struct stat sb;
    if (stat(a->from, &sb) != 0) {
        fprintf(stderr, "chouette lists: cannot read %s: %s\n", a->from, strerror(errno));
        goto out;
    }
    if (S_ISDIR(sb.st_mode)) {
        snprintf(srcroot, sizeof srcroot, "%s", a->from);
        if (!has_category_folder(srcroot) && !find_root(a->from, srcroot, sizeof srcroot)) {
            fprintf(stderr, "chouette lists: %s holds no UT1 category folder\n", a->from);
            goto out;
        }
    } else if (S_ISREG(sb.st_mode)) {
        if (!pathf(scratch, sizeof scratch, "%s/.%s.unpack.XXXXXX", parent, base) ||
            !mkdtemp(scratch)) {
            fprintf(stderr, "chouette lists: cannot create a folder in %s: %s\n", parent,
                    strerror(errno));
            scratch[0] = '\0';
            goto out;
        }
        if (run_tar(a->from, scratch) != CH_OK)
            goto out;
        if (!find_root(scratch, srcroot, sizeof srcroot)) {
            fprintf(stderr, "chouette lists: the archive holds no UT1 category folder\n");
            goto out;
        }
    } else {
        fprintf(stderr, "chouette lists: %s is neither a folder nor a file\n", a->from);
        goto out;
    }

    /* The new version, beside the old ones. */
    struct stat tsb;
    bool to_exists = lstat(to, &tsb) == 0;
    bool to_is_dir = to_exists && S_ISDIR(tsb.st_mode);
    bool to_is_link = to_exists && S_ISLNK(tsb.st_mode);
    if (to_exists && !to_is_dir && !to_is_link) {
        fprintf(stderr, "chouette lists: %s exists and is not a directory\n", to);
        goto out;
    }
    long next = highest_version(parent, base) + 1;
    long old_plain = to_is_dir ? next++ : 0; /* number the shipped plain folder will take */
    if (!pathf(newdir, sizeof newdir, "%s/%s.%ld", parent, base, next) ||
        mkdir(newdir, 0755) != 0) {
        fprintf(stderr, "chouette lists: cannot create %s: %s\n", newdir, strerror(errno));
        newdir[0] = '\0';
        goto out;
    }

    srcfd = open(srcroot, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int walkfd = srcfd >= 0 ? dup(srcfd) : -1;
    d = walkfd >= 0 ? fdopendir(walkfd) : NULL;
    if (!d) {
        if (walkfd >= 0)
            close(walkfd);
        fprintf(stderr, "chouette lists: cannot read %s\n", srcroot);
        goto out;
    }
    struct dirent *de;
    size_t skipped = 0;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        struct stat fsb;
        if (fstatat(srcfd, de->d_name, &fsb, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(fsb.st_mode))
            continue;
        if (!flt_category_mask_of_ut1(de->d_name)) {
            skipped++;
            continue;
        }
        if (stats->n == LISTS_MAX_FOLDERS) {
            fputs("chouette lists: too many category folders\n", stderr);
            goto out;
        }
        folder_stats *fs = &stats->f[stats->n++];
        snprintf(fs->name, sizeof fs->name, "%s", de->d_name);
        if (import_folder(srcfd, de->d_name, newdir, fs) != CH_OK) {
            fprintf(stderr, "chouette lists: cannot import %s: %s\n", de->d_name, strerror(errno));
            goto out;
        }
        if (to_exists)
            fs->old_domains = count_current_domains(to, de->d_name);
    }

    /* Refuse to lose more than half of any folder's domains. */
    bool shrinks = false;
    if (to_exists) {
        DIR *od = opendir(to);
        struct dirent *oe;
        while (od && (oe = readdir(od)) != NULL) {
            if (oe->d_name[0] == '.' || !flt_category_mask_of_ut1(oe->d_name))
                continue;
            bool seen = false;
            for (size_t i = 0; i < stats->n; i++)
                seen = seen || strcmp(stats->f[i].name, oe->d_name) == 0;
            if (!seen && stats->n < LISTS_MAX_FOLDERS) {
                folder_stats *fs = &stats->f[stats->n++];
                snprintf(fs->name, sizeof fs->name, "%s", oe->d_name);
                fs->old_domains = count_current_domains(to, oe->d_name);
            }
        }
        if (od)
            closedir(od);
    }
    size_t total_domains = 0, total_bad = 0;
    for (size_t i = 0; i < stats->n; i++) {
        const folder_stats *fs = &stats->f[i];
        total_domains += fs->domains;
        total_bad += fs->bad;
        if (fs->old_domains > 0 && fs->domains * 2 < fs->old_domains) {
            shrinks = true;
            fprintf(stderr, "chouette lists: %s would shrink from %zu to %zu domains\n", fs->name,
                    fs->old_domains, fs->domains);
        }
    }
    if (shrinks && !a->force) {
        fputs("chouette lists: refusing an import that halves a category; check the source, "
              "or use --force\n",
              stderr);
        goto out;
    }
    if (stats->n == 0 || (total_domains == 0 && !a->force)) {
        fputs("chouette lists: nothing to import\n", stderr);
        goto out;
    }

    /* A manifest, then make everything durable before the swap. */
    {
        char mpath[PATH_MAX];
        (void)pathf(mpath, sizeof mpath, "%s/IMPORT.txt", newdir);
        FILE *m = fopen(mpath, "wx");
        if (!m) {
            fprintf(stderr, "chouette lists: cannot write %s\n", mpath);
            goto out;
        }
        fputs("# Written by chouette lists update. UT1 lists: CC BY-SA 4.0, Universite Toulouse "
              "1 Capitole, http://dsi.ut-capitole.fr/blacklists/\n# folder domains urls "
              "expressions bad_lines\n",
              m);
        for (size_t i = 0; i < stats->n; i++)
            if (stats->f[i].domains || stats->f[i].urls || stats->f[i].expressions ||
                stats->f[i].bad)
                fprintf(m, "%s %zu %zu %zu %zu\n", stats->f[i].name, stats->f[i].domains,
                        stats->f[i].urls, stats->f[i].expressions, stats->f[i].bad);
        bool ok = fflush(m) == 0 && fsync(fileno(m)) == 0;
        if (fclose(m) != 0 || !ok) {
            fprintf(stderr, "chouette lists: cannot write %s\n", mpath);
            goto out;
        }
    }
    for (size_t i = 0; i < stats->n; i++) {
        char p[PATH_MAX];
        (void)pathf(p, sizeof p, "%s/%s", newdir, stats->f[i].name);
        struct stat psb;
        if (stat(p, &psb) == 0 && fsync_path(p, O_RDONLY | O_DIRECTORY) != CH_OK)
            goto out;
    }
    if (fsync_path(newdir, O_RDONLY | O_DIRECTORY) != CH_OK) {
        fprintf(stderr, "chouette lists: cannot sync %s\n", newdir);
        goto out;
    }

    /* The swap. */
    char newbase[NAME_MAX + 1], prevbase[NAME_MAX + 1] = "";
    if (!pathf(newbase, sizeof newbase, "%s.%ld", base, next))
        goto out;
    if (to_is_link) {
        char target[PATH_MAX];
        ssize_t tl = readlink(to, target, sizeof target - 1);
        if (tl > 0) {
            target[tl] = '\0';
            snprintf(prevbase, sizeof prevbase, "%s", basename(target));
        }
    }
    if (!pathf(link_tmp, sizeof link_tmp, "%s/.%s.link.%ld", parent, base, (long)getpid()))
        goto out;
    unlink(link_tmp);
    if (symlink(newbase, link_tmp) != 0) {
        fprintf(stderr, "chouette lists: cannot create a link in %s: %s\n", parent,
                strerror(errno));
        link_tmp[0] = '\0';
        goto out;
    }
    if (to_is_dir) {
        char oldpath[PATH_MAX];
        if (!pathf(oldpath, sizeof oldpath, "%s/%s.%ld", parent, base, old_plain))
            goto out;
        if (!pathf(prevbase, sizeof prevbase, "%s.%ld", base, old_plain))
            goto out;
        if (renameat2(AT_FDCWD, link_tmp, AT_FDCWD, to, RENAME_EXCHANGE) == 0) {
            /* link_tmp now names the old plain folder. */
            if (rename(link_tmp, oldpath) != 0) {
                fprintf(stderr, "chouette lists: the old lists are left in %s\n", link_tmp);
                link_tmp[0] = '\0';
                goto done;
            }
        } else if (errno == EINVAL || errno == ENOSYS) {
            /* No RENAME_EXCHANGE on this file system: two renames, a short gap. */
            if (rename(to, oldpath) != 0 || rename(link_tmp, to) != 0) {
                fprintf(stderr, "chouette lists: cannot swap %s: %s\n", to, strerror(errno));
                goto out;
            }
        } else {
            fprintf(stderr, "chouette lists: cannot swap %s: %s\n", to, strerror(errno));
            goto out;
        }
    } else if (rename(link_tmp, to) != 0) {
        fprintf(stderr, "chouette lists: cannot swap %s: %s\n", to, strerror(errno));
        goto out;
    }
    link_tmp[0] = '\0';
done:
    newdir[0] = '\0'; /* in use now: keep it */
    (void)fsync_path(parent, O_RDONLY | O_DIRECTORY);
    prune_versions(parent, base, newbase, prevbase[0] ? prevbase : NULL);

    for (size_t i = 0; i < stats->n; i++) {
        const folder_stats *fs = &stats->f[i];
        if (fs->domains || fs->urls || fs->expressions || fs->bad)
            printf("%-22s %9zu domains %7zu urls %3zu expressions %5zu bad lines\n", fs->name,
                   fs->domains, fs->urls, fs->expressions, fs->bad);
    }
    printf("imported %zu domains (%zu bad lines skipped, %zu folders not used) into %s -> %s%s%s\n",
           total_domains, total_bad, skipped, to, newbase, prevbase[0] ? "; previous: " : "",
           prevbase);
    ret = CLI_EXIT_OK;
out:
    if (d)
        closedir(d);
    if (srcfd >= 0)
        close(srcfd);
    if (link_tmp[0])
        unlink(link_tmp);
    if (newdir[0])
        rm_tree(newdir);
    if (scratch[0])
        rm_tree(scratch);
    free(stats);
    return ret;
}

int cmd_lists(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(usage_text, stdout);
        return CLI_EXIT_OK;
    }
    update_args a = {0};
    int rc = parse_args(argc, argv, &a);
    if (rc != CLI_EXIT_OK)
        return rc;
    return lists_update(&a);
}
