"""mistune: render the Markdown pages of a documentation site to HTML."""

from _driver import run, use_checkout

use_checkout("src")

import mistune  # noqa: E402

SECTION = """
## Section {i}: configuring the *{name}* backend

The `{name}` backend reads its settings from `config.toml`; see [the guide](https://example.org/{name}).
Values are **validated** before use, and unknown keys are _rejected_ with a message naming the key.

1. Install the extra: `pip install app[{name}]`
2. Add a `[{name}]` table
   - `timeout` (seconds, default 30)
   - `retries` (default 3)
3. Restart the service

> Note: a restart drops in-flight requests.

```toml
[{name}]
timeout = {i}
retries = 3
```

| key | type | default |
| --- | --- | --- |
| timeout | float | 30 |
| retries | int | 3 |
"""

PAGE = "# Backends\n" + "".join(
    SECTION.format(i=i, name=name)
    for i, name in enumerate(["redis", "postgres", "s3", "kafka"] * 3)
)
RENDER = mistune.create_markdown(plugins=["table", "strikethrough", "url"])


def work() -> None:
    mistune.html(PAGE)
    RENDER(PAGE)


if __name__ == "__main__":
    run(work, bench_reps=30, module=mistune)
