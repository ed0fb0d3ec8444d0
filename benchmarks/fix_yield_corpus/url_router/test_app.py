from app import NOT_FOUND, Route, Router
from workload import make_input


def test_routes_and_params():
    router = Router()
    routes = router.route_batch(
        [
            ("GET", "/api/products/12"),
            ("GET", "/api/users/bob/orders/7"),
            ("DELETE", "/api/search/red-shoes"),
            ("GET", "/api/ready/"),
        ]
    )
    assert routes == [
        Route("product", (("id", "12"),)),
        Route("order", (("user", "bob"), ("id", "7"))),
        Route("search", (("q", "red-shoes"),)),
        Route("probe"),
    ]


def test_not_found_and_wrong_method():
    router = Router()
    routes = router.route_batch(
        [
            ("GET", "/api/"),
            ("GET", "/api"),
            ("GET", "/api/products/12a"),
            ("GET", "/static/app.css"),
            ("PUT", "/api/products/3"),
        ]
    )
    assert routes == [NOT_FOUND] * 4 + [Route("method_not_allowed")]
    assert dict(router.hits) == {"not_found": 4, "method_not_allowed": 1}


def test_custom_prefix():
    router = Router(prefix="/v2")
    assert router.route_batch([("GET", "/v2/health"), ("GET", "/api/health")]) == [
        Route("probe"),
        NOT_FOUND,
    ]


def test_hits_accumulate_over_batches_on_the_fixed_input():
    router = Router()
    first = router.route_batch(make_input())
    assert dict(router.hits) == {
        "method_not_allowed": 156,
        "order": 390,
        "search": 429,
        "probe": 390,
        "product": 779,
        "not_found": 856,
    }
    assert first[1] == Route("order", (("user", "u1"), ("id", "1")))
    router.route_batch(make_input())
    assert router.hits["product"] == 2 * 779
