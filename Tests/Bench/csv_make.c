/*
** csv_make — writes the CSV file of a CSV import row (see csv.h).
**
**   csv_make people N SCHOOLS FILE     N people over SCHOOLS schools
**   csv_make answers N SCHOOLS FILE    N answers (rows) over SCHOOLS schools
**   csv_make wide N SCHOOLS FILE       N respondents (rows), one column per item:
**                                      the same answers as `answers` of N x 34 rows
*/
#include "csv.h"

int main(int argc, char **argv) {
    if (argc != 5) die("usage: csv_make people|answers|wide N SCHOOLS FILE");
    long n = arg_long(argv[2], "N");
    int schools = (int)arg_long(argv[3], "SCHOOLS");
    FILE *f = fopen(argv[4], "wb");
    if (!f) die("cannot write %s", argv[4]);
    if (strcmp(argv[1], "people") == 0) {
        fputs("hub,code,name,email,roles,schools\n", f);
        for (long i = 0; i < n; i++) {
            person p;
            person_make((int)i, schools, &p);
            fprintf(f, "%s,%s,%s,%s,teacher,%s\n", HUB_CODE, p.code, p.name, p.email, p.school);
        }
    } else if (strcmp(argv[1], "answers") == 0) {
        fputs("round,instrument,respondent,school,person,group,item,answer\n", f);
        for (long k = 0; k < n; k++) {
            long r = respondent_of(k);
            char school[16];
            school_code((int)(r % schools), school);
            fprintf(f, "%s,%s,R%07ld,%s,,teachers,%s,%s\n", ROUND_CODE, INSTRUMENT, r + 1, school,
                    selfie_items[item_of(k)], answer_of(r, item_of(k)));
        }
    } else if (strcmp(argv[1], "wide") == 0) {
        fputs("round,instrument,respondent,school,group", f);
        for (int i = 0; i < (int)COUNT(selfie_items); i++) fprintf(f, ",%s", selfie_items[i]);
        fputc('\n', f);
        for (long r = 0; r < n; r++) {
            char school[16];
            school_code((int)(r % schools), school);
            fprintf(f, "%s,%s,R%07ld,%s,teachers", ROUND_CODE, INSTRUMENT, r + 1, school);
            for (int i = 0; i < (int)COUNT(selfie_items); i++) fprintf(f, ",%s", answer_of(r, i));
            fputc('\n', f);
        }
    } else {
        die("unknown kind '%s'", argv[1]);
    }
    if (fclose(f) != 0) die("cannot write %s", argv[4]);
    return 0;
}
