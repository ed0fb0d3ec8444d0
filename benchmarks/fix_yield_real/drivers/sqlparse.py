"""sqlparse: split, parse and pretty-print the queries of a reporting application."""

from _driver import run, use_checkout

use_checkout()

import sqlparse  # noqa: E402

TABLES = ["orders", "customers", "invoices", "line_items", "shipments", "refunds"]


def queries() -> str:
    out = []
    for i, table in enumerate(TABLES * 4):
        other = TABLES[(i + 1) % len(TABLES)]
        out.append(
            f"select t.id, t.created_at, count(o.id) as n, sum(o.amount) total from {table} t "
            f"left join {other} o on o.{table}_id = t.id "
            f"where t.created_at >= '2024-0{i % 9 + 1}-01' "
            f"and t.status in ('open', 'paid', 'late') group by t.id, t.created_at "
            f"having count(o.id) > {i} order by total desc limit {10 + i};"
        )
        out.append(f"update {table} set status = 'archived', updated_at = now() where id = {i};")
        out.append(f"insert into {other} (id, name, note) values ({i}, 'n{i}', 'it''s {i}');")
    return "\n".join(out)


SQL = queries()


def work() -> None:
    for statement in sqlparse.split(SQL):
        sqlparse.format(statement, reindent=True, keyword_case="upper")
    sqlparse.parse(SQL)


if __name__ == "__main__":
    run(work, bench_reps=2, module=sqlparse)
