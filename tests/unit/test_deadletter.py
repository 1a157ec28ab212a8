"""What travels with the original bytes to orderguard.deadletter."""

from streams.deadletter import HTTP_HEADER, request_headers


def test_a_webhook_s_headers_are_kept_but_credentials_and_cookies():
    kept = request_headers({
        "X-Shopify-Shop-Domain": "shop.myshopify.com", "X-Shopify-Topic": "orders/create",
        "Authorization": "Bearer secret", "Cookie": "session=1",
        "Proxy-Authorization": "Basic x", "Content-Type": "application/json",
    })
    assert kept == [(HTTP_HEADER + "x-shopify-shop-domain", b"shop.myshopify.com"),
                    (HTTP_HEADER + "x-shopify-topic", b"orders/create"),
                    (HTTP_HEADER + "content-type", b"application/json")]


def test_header_values_and_counts_are_bounded():
    kept = request_headers({f"X-{n}": "v" * 5000 for n in range(100)})
    assert len(kept) == 64
    assert all(len(value) == 1000 for _, value in kept)
    assert request_headers({"X-Name": "Zhāng 张"}) == [
        (HTTP_HEADER + "x-name", "Zhāng 张".encode())]
