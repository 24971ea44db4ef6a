package dev.watchpost.web;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The strict reading of request heads, without a server. */
class RequestHeadTest {

    private static Object read(String head) {
        byte[] b = head.getBytes(StandardCharsets.ISO_8859_1);
        assertThat(RequestHead.end(b, 0, b.length)).as("head complete").isEqualTo(b.length);
        return RequestHead.read(b, 0, b.length, () -> "127.0.0.1:8080");
    }

    private static RequestHead.Accepted accepted(String head) {
        Object r = read(head);
        assertThat(r).isInstanceOf(RequestHead.Accepted.class);
        return (RequestHead.Accepted) r;
    }

    private static void refused(String head, int status, String message) {
        assertThat(read(head)).isEqualTo(new RequestHead.Rejected(status, message));
    }

    private static String text(RequestHead.Accepted a) {
        return new String(a.bytes(), a.offset(), a.length(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void anHttp11HeadIsPassedOnUnchanged() {
        RequestHead.Accepted a = accepted("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 0012\r\n\r\n");
        assertThat(a.contentLength()).isEqualTo(12);
        assertThat(a.chunked()).isFalse();
        assertThat(a.lastOnConnection()).isFalse();
        assertThat(text(a)).isEqualTo("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 0012\r\n\r\n");
    }

    @Test
    void aLaterHttp1MinorVersionIsPassedOnAsHttp11() {
        RequestHead.Accepted a = accepted("POST /x HTTP/1.7\r\nHost: h\r\nContent-Length: 2\r\n\r\n");
        assertThat(text(a)).isEqualTo("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n");
        assertThat(a.lastOnConnection()).isFalse();
        refused("GET / HTTP/1.3\r\n\r\n", 400, "an HTTP/1.1 request must have a Host header");
        refused("GET / HTTP/0.9\r\nHost: h\r\n\r\n", 505, "HTTP version not supported; use HTTP/1.1 or HTTP/1.0");
    }

    @Test
    void anHttp10HeadBecomesHttp11WithConnectionCloseAndAHost() {
        RequestHead.Accepted a = accepted("GET /x HTTP/1.0\r\nConnection: keep-alive\r\nExpect: 100-continue\r\nAccept: */*\r\n\r\n");
        assertThat(text(a)).isEqualTo("GET /x HTTP/1.1\r\nAccept: */*\r\nHost: 127.0.0.1:8080\r\nConnection: close\r\n\r\n");
        assertThat(a.lastOnConnection()).isTrue();
        assertThat(a.expectContinue()).isFalse();
    }

    @Test
    void connectionCloseEndsTheConnectionAfterTheRequest() {
        assertThat(accepted("GET / HTTP/1.1\r\nHost: h\r\nConnection: TE, close\r\n\r\n").lastOnConnection()).isTrue();
        assertThat(accepted("GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\n\r\n").lastOnConnection()).isFalse();
    }

    @Test
    void chunkedLastOnceIsTheOnlyTransferCoding() {
        assertThat(accepted("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n").chunked()).isTrue();
        refused("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501, "only the chunked transfer coding is supported");
        refused("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400, "Transfer-Encoding must end with chunked, given once");
        refused("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 400,
                "Transfer-Encoding must end with chunked, given once");
    }

    @Test
    void malformedHeadsAreRefused() {
        refused("GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400, "no space is allowed between a header name and its ':'");
        refused("GET / HTTP/1.1\r\nHost: h\nX: y\r\n\r\n", 400, "lines of the request head must end with CRLF (a bare CR or LF was found)");
        refused("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "Host appears more than once");
        refused("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", 400, "an HTTP/1.1 request must have a Host header");
        refused("GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400, "the request line must be: method, one space, target, one space, HTTP version");
        refused("GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505, "HTTP version not supported; use HTTP/1.1 or HTTP/1.0");
        refused("GET / http/1.1\r\nHost: h\r\n\r\n", 400, "the HTTP version must be written HTTP/1.1 or HTTP/1.0");
        refused("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1 2\r\n\r\n", 400, "Content-Length must be a decimal number of bytes (digits only)");
        refused("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 5\r\n\r\n", 400, "Content-Length must be a decimal number of bytes (digits only)");
    }
}
