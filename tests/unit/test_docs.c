/* test_docs.c: the VMCS field table in docs/api.md is exactly what the library's table prints. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(FILE *f)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    cr_assert_not_null(buf);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            cr_assert_not_null(buf);
        }
    }
    buf[n] = '\0';
    return buf;
}

Test(docs, field_table_matches_the_library)
{
    FILE *p = popen(FIELD_TABLE, "r");
    cr_assert_not_null(p);
    char *table = slurp(p);
    cr_assert_eq(pclose(p), 0);
    FILE *r = fopen(SRCDIR "/docs/api.md", "r");
    cr_assert_not_null(r);
    char *doc = slurp(r);
    fclose(r);
    char *begin = strstr(doc, "<!-- fields:begin -->\n");
    char *end = strstr(doc, "<!-- fields:end -->");
    cr_assert(begin && end && end > begin, "docs/api.md has the field-table markers");
    begin += strlen("<!-- fields:begin -->\n");
    *end = '\0';
    cr_assert_str_eq(begin, table, "the table in docs/api.md is stale: run scripts/update-docs-table.sh");
    free(table);
    free(doc);
}
