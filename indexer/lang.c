/* Language identification with libexttextcat. See lang.h. */
#include "indexer/lang.h"

#include <stdbool.h>
#include <stdio.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <textcat.h>

#include "common/paths.h"

#define LANG_MAX_CLOSE 3 /* more close candidates than this: textcat is unsure */

struct lang_ident {
    void *tc;
    candidate_t *cand;
};

/* The one table: textcat's language codes (the part of the fpdb.conf name before the first '-')
 * and lang attribute primary subtags, to ISO 639-1. */
static const struct {
    const char *code, *iso;
} iso_table[] = {
    {"ab", "ab"},
    {"af", "af"},
    {"ak", "ak"},
    {"am", "am"},
    {"ar", "ar"},
    {"ay", "ay"},
    {"az", "az"},
    {"be", "be"},
    {"bg", "bg"},
    {"bi", "bi"},
    {"bm", "bm"},
    {"bn", "bn"},
    {"bo", "bo"},
    {"br", "br"},
    {"bs", "bs"},
    {"ca", "ca"},
    {"cs", "cs"},
    {"cy", "cy"},
    {"da", "da"},
    {"de", "de"},
    {"dv", "dv"},
    {"ee", "ee"},
    {"el", "el"},
    {"en", "en"},
    {"eo", "eo"},
    {"es", "es"},
    {"et", "et"},
    {"eu", "eu"},
    {"fa", "fa"},
    {"fi", "fi"},
    {"fj", "fj"},
    {"fo", "fo"},
    {"fr", "fr"},
    {"fy", "fy"},
    {"ga", "ga"},
    {"gd", "gd"},
    {"gl", "gl"},
    {"gu", "gu"},
    {"gv", "gv"},
    {"ha", "ha"},
    {"he", "he"},
    {"hi", "hi"},
    {"hr", "hr"},
    {"ht", "ht"},
    {"hu", "hu"},
    {"hy", "hy"},
    {"ia", "ia"},
    {"id", "id"},
    {"is", "is"},
    {"it", "it"},
    {"ja", "ja"},
    {"ka", "ka"},
    {"kk", "kk"},
    {"kl", "kl"},
    {"km", "km"},
    {"kn", "kn"},
    {"ko", "ko"},
    {"ky", "ky"},
    {"la", "la"},
    {"lb", "lb"},
    {"lg", "lg"},
    {"ln", "ln"},
    {"lo", "lo"},
    {"lt", "lt"},
    {"lv", "lv"},
    {"mi", "mi"},
    {"mk", "mk"},
    {"ml", "ml"},
    {"mn", "mn"},
    {"mr", "mr"},
    {"ms", "ms"},
    {"mt", "mt"},
    {"my", "my"},
    {"nb", "nb"},
    {"ne", "ne"},
    {"nl", "nl"},
    {"nn", "nn"},
    {"no", "no"},
    {"nr", "nr"},
    {"ny", "ny"},
    {"oc", "oc"},
    {"om", "om"},
    {"pa", "pa"},
    {"pl", "pl"},
    {"pt", "pt"},
    {"rm", "rm"},
    {"ro", "ro"},
    {"ru", "ru"},
    {"rw", "rw"},
    {"sa", "sa"},
    {"sc", "sc"},
    {"sd", "sd"},
    {"se", "se"},
    {"sg", "sg"},
    {"sh", "sh"},
    {"si", "si"},
    {"sk", "sk"},
    {"sl", "sl"},
    {"so", "so"},
    {"sq", "sq"},
    {"sr", "sr"},
    {"ss", "ss"},
    {"st", "st"},
    {"sv", "sv"},
    {"sw", "sw"},
    {"ta", "ta"},
    {"tg", "tg"},
    {"th", "th"},
    {"ti", "ti"},
    {"tk", "tk"},
    {"tl", "tl"},
    {"tn", "tn"},
    {"tr", "tr"},
    {"ts", "ts"},
    {"tt", "tt"},
    {"ty", "ty"},
    {"ug", "ug"},
    {"uk", "uk"},
    {"ur", "ur"},
    {"uz", "uz"},
    {"ve", "ve"},
    {"vi", "vi"},
    {"wa", "wa"},
    {"xh", "xh"},
    {"yi", "yi"},
    {"yo", "yo"},
    {"zh", "zh"},
    {"zu", "zu"},
    /* Three-letter and legacy codes. */
    {"sco", "en"}, /* textcat's Scots profile catches much English text; Scots has no 639-1 */
    {"iw", "he"},
    {"in", "id"},
    {"ji", "yi"},
    {"fil", "tl"},
    {"nob", "nb"},
    {"nno", "nn"},
};

/* ISO code for the code s[0..n) (case-insensitive), or NULL. */
static const char *iso_lookup(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof iso_table / sizeof iso_table[0]; i++) {
        if (strlen(iso_table[i].code) == n && strncasecmp(s, iso_table[i].code, n) == 0)
            return iso_table[i].iso;
    }
    return NULL;
}

const char *lang_from_attr(const char *lang_attr)
{
    if (!lang_attr)
        return "";
    while (*lang_attr == ' ' || *lang_attr == '\t' || *lang_attr == '\n' || *lang_attr == '\r')
        lang_attr++;
    size_t n = strcspn(lang_attr, "-_ \t\r\n");
    const char *iso = n ? iso_lookup(lang_attr, n) : NULL;
    return iso ? iso : "";
}

const char *lang_from_url(const char *url)
{
    const char *p = url ? strstr(url, "://") : NULL;
    p = p ? strchr(p + 3, '/') : NULL;
    while (p && *p == '/') {
        const char *seg = p + 1;
        size_t n = strcspn(seg, "/?#");
        if (n == 5 && (seg[2] == '-' || seg[2] == '_') && isalpha((unsigned char)seg[0]) &&
            isalpha((unsigned char)seg[1]) && isalpha((unsigned char)seg[3]) &&
            isalpha((unsigned char)seg[4])) {
            const char *iso = iso_lookup(seg, 2);
            if (iso)
                return iso;
        }
        p = seg[n] == '/' ? seg + n : NULL;
    }
    return "";
}

/* ISO code for a textcat category name such as "fr--utf8", or NULL. */
static const char *iso_from_textcat(const char *name)
{
    return iso_lookup(name, strcspn(name, "-"));
}

ch_status lang_open_dir(const char *dir, lang_ident **out)
{
    *out = NULL;
    char conf[1024];
    int w = snprintf(conf, sizeof conf, "%sfpdb.conf", dir);
    if (w < 0 || (size_t)w >= sizeof conf)
        return CH_ERR_ARG;
    return lang_open_conf(conf, dir, out);
}

ch_status lang_open_queries(lang_ident **out)
{
    *out = NULL;
    char conf[1024];
    ch_status st = paths_data_file(LANG_QUERIES_CONF, conf, sizeof conf);
    return st ? st : lang_open_conf(conf, LANG_DEFAULT_DIR, out);
}

ch_status lang_open_conf(const char *conf, const char *dir, lang_ident **out)
{
    *out = NULL;
    lang_ident *li = calloc(1, sizeof *li);
    if (!li)
        return CH_ERR_NOMEM;
    li->tc = special_textcat_Init(conf, dir);
    if (!li->tc) {
        free(li);
        return CH_ERR_NOTFOUND;
    }
    li->cand = textcat_GetClassifyFullOutput(li->tc);
    if (!li->cand) {
        lang_close(li);
        return CH_ERR_NOMEM;
    }
    *out = li;
    return CH_OK;
}

ch_status lang_open(lang_ident **out)
{
    return lang_open_dir(LANG_DEFAULT_DIR, out);
}

void lang_close(lang_ident *li)
{
    if (!li)
        return;
    if (li->cand)
        textcat_ReleaseClassifyFullOutput(li->tc, li->cand);
    textcat_Done(li->tc);
    free(li);
}

/* Count bytes that start a letter-like character: not ASCII space, digit or punctuation. */
static size_t count_letters(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0xC0)
            k++;
    }
    return k;
}

const char *lang_identify(lang_ident *li, const char *text, size_t len, const char *lang_attr_hint)
{
    const char *hint = lang_from_attr(lang_attr_hint);
    if (!li || !text)
        return hint;
    if (len > LANG_MAX_SAMPLE) {
        len = LANG_MAX_SAMPLE;
        while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
            len--; /* do not cut a UTF-8 sequence */
    }
    if (count_letters(text, len) < LANG_MIN_LETTERS)
        return hint;
    int n = textcat_ClassifyFull(li->tc, text, len, li->cand);
    if (n <= 0 || n > LANG_MAX_CLOSE)
        return hint; /* SHORT, UNKNOWN, or too many close candidates */
    const char *best = NULL;
    for (int i = 0; i < n; i++) {
        const char *iso = iso_from_textcat(li->cand[i].name);
        if (!iso)
            continue;
        if (*hint && strcmp(iso, hint) == 0)
            return hint;
        if (!best)
            best = iso;
    }
    return best ? best : hint;
}

const char *lang_stemmer_name(const char *iso)
{
    static const struct {
        const char *iso, *stemmer;
    } stemmers[] = {
        {"ar", "arabic"},    {"hy", "armenian"},  {"eu", "basque"},     {"ca", "catalan"},
        {"da", "danish"},    {"nl", "dutch"},     {"en", "english"},    {"fi", "finnish"},
        {"fr", "french"},    {"de", "german"},    {"hu", "hungarian"},  {"id", "indonesian"},
        {"ga", "irish"},     {"it", "italian"},   {"lt", "lithuanian"}, {"ne", "nepali"},
        {"nb", "norwegian"}, {"nn", "norwegian"}, {"no", "norwegian"},  {"pt", "portuguese"},
        {"ro", "romanian"},  {"ru", "russian"},   {"es", "spanish"},    {"sv", "swedish"},
        {"ta", "tamil"},     {"tr", "turkish"},
    };
    if (!iso)
        return NULL;
    for (size_t i = 0; i < sizeof stemmers / sizeof stemmers[0]; i++)
        if (strcmp(iso, stemmers[i].iso) == 0)
            return stemmers[i].stemmer;
    return NULL;
}
