"""commonmark: render user comments (CommonMark) to HTML, as a forum does."""

from _driver import run, use_checkout

use_checkout()

import commonmark  # noqa: E402

COMMENT = """Thanks @user{i}! I tried **option {i}** and it *mostly* works:

- the `--fast` flag halves the time
- but [the docs](https://example.org/docs/{i}) say otherwise
  1. nested step
  2. another one

> quoted reply from someone
> over two lines

    indented code {i}

```
fenced code {i}
```
***
"""
COMMENTS = [COMMENT.format(i=i) for i in range(20)]
PARSER = commonmark.Parser()
RENDERER = commonmark.HtmlRenderer()


def work() -> None:
    for text in COMMENTS:
        RENDERER.render(PARSER.parse(text))
    commonmark.commonmark(COMMENTS[0])


if __name__ == "__main__":
    run(work, bench_reps=36, module=commonmark)
