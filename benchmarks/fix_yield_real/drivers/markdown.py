"""Python-Markdown: render documentation pages with the usual extensions."""

from _driver import run, use_checkout

use_checkout()

import markdown  # noqa: E402

SECTION = """
## Step {i}: the *{name}* exporter

The exporter writes to `{name}://host:{i}`. See [the manual][m{i}] and <https://example.org/{name}>.
It batches **up to {i}00 records** and retries _three_ times.

* options
    * `batch_size`
    * `flush_seconds`
* caveats: none

```python
exporter = Exporter("{name}", batch_size={i}00)
exporter.flush()
```

| option | default |
| ------ | ------- |
| batch_size | 100 |
| flush_seconds | 5 |

[m{i}]: https://example.org/manual#{name}
"""
PAGE = "# Exporters\n\n[TOC]\n" + "".join(
    SECTION.format(i=i, name=n) for i, n in enumerate(["otlp", "jaeger", "zipkin", "kafka"] * 3)
)
MD = markdown.Markdown(extensions=["tables", "fenced_code", "toc", "attr_list", "abbr"])


def work() -> None:
    MD.reset()
    MD.convert(PAGE)
    markdown.markdown(PAGE)


if __name__ == "__main__":
    run(work, bench_reps=24, module=markdown)
