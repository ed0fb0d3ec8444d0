"""inflection: name things as an ORM or an API serializer does: model class names to table
names and back, JSON keys between camelCase and snake_case, words to plurals and singulars."""

from _driver import run, use_checkout

use_checkout()

import inflection  # noqa: E402

MODELS = [
    "User", "BlogPost", "Category", "Person", "Child", "Address", "Status", "Octopus",
    "Matrix", "Box", "Wife", "Datum", "Analysis", "Mouse", "Sheep", "Movie", "Quiz",
    "Series", "Vertex", "Bus", "Axis", "Hive", "Tomato", "Shoe", "Crisis", "News",
    "OrderItem", "HTTPRequest", "InvoiceLine", "AccessToken",
]  # fmt: skip
FIELDS = [
    "firstName", "lastName", "emailAddress", "createdAt", "updatedAt", "userId",
    "billingAddressLine2", "isActive", "HTMLContent", "parentCategoryId",
]  # fmt: skip


def work() -> None:
    for model in MODELS:
        table = inflection.tableize(model)
        inflection.camelize(inflection.singularize(table))
        plural = inflection.pluralize(model.lower())
        inflection.singularize(plural)
        inflection.humanize(inflection.underscore(model))
    for field in FIELDS:
        snake = inflection.underscore(field)
        inflection.camelize(snake, False)
        inflection.titleize(snake)
        inflection.dasherize(snake)


if __name__ == "__main__":
    run(work, bench_reps=400, module=inflection)
