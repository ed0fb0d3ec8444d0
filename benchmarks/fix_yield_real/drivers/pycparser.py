"""pycparser: parse C sources and print them back (as a binding generator does)."""

from _driver import run, use_checkout

use_checkout()

import pycparser  # noqa: E402
from pycparser import c_generator  # noqa: E402

UNIT = """
typedef struct node {{ int key; double weight; struct node *next; }} node_{i};
enum color_{i} {{ RED_{i}, GREEN_{i} = 4, BLUE_{i} }};
static const char *names_{i}[] = {{ "alpha", "beta", "gamma" }};
int lookup_{i}(node_{i} *head, int key, double *out) {{
    for (node_{i} *p = head; p != 0; p = p->next) {{
        if (p->key == key) {{ *out = p->weight * 2.5 + (double)(key % 7); return 1; }}
        else if (p->key > key) break;
    }}
    switch (key & 3) {{ case 0: return -1; case 1: return -2; default: return 0; }}
}}
unsigned long hash_{i}(const unsigned char *s, unsigned long n) {{
    unsigned long h = 5381; unsigned long j;
    for (j = 0; j < n; j++) h = ((h << 5) + h) ^ s[j];
    return h ? h : 1UL;
}}
"""
SOURCE = "".join(UNIT.format(i=i) for i in range(8))
PARSER = pycparser.CParser()
GENERATOR = c_generator.CGenerator()


def work() -> None:
    ast = PARSER.parse(SOURCE, filename="<units>")
    GENERATOR.visit(ast)


if __name__ == "__main__":
    run(work, bench_reps=30, module=pycparser)
