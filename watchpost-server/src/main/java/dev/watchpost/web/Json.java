package dev.watchpost.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Header;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.UncheckedIOException;

/** JSON in and out of HTTP exchanges, with one shared, thread-safe mapper. */
public final class Json {

    /**
     * Jackson's default buffer recycling is per thread; every request here runs on a new virtual
     * thread, so buffers would be allocated afresh for each parser and generator. A shared pool
     * recycles them across requests.
     */
    public static final ObjectMapper MAPPER = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
            .recyclerPool(com.fasterxml.jackson.core.util.JsonRecyclerPools.sharedConcurrentDequePool())
            .build())
            .findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * How request bodies are read: a key given twice is refused (400) rather than the last one
     * silently winning, so what a client sent and what Watchpost understood cannot differ.
     */
    public static final com.fasterxml.jackson.databind.ObjectReader BODY =
            MAPPER.reader().with(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION);

    static final Header CONTENT_JSON = HeaderValues.createCached(HeaderNames.CONTENT_TYPE, "application/json");

    private Json() {
    }

    /** Sends {@code body} as JSON with {@code status}. */
    public static void send(ServerResponse res, Status status, Object body) {
        res.status(status);
        res.header(CONTENT_JSON);
        res.send(bytes(body));
    }

    /** Writes JSON with a streaming generator (for large or hand-shaped bodies). */
    @FunctionalInterface
    public interface Writer {
        void write(com.fasterxml.jackson.core.JsonGenerator g) throws IOException;
    }

    /** Sends the JSON that {@code writer} produces. */
    public static void stream(ServerResponse res, Status status, Writer writer) {
        res.status(status);
        res.header(CONTENT_JSON);
        res.send(bytes(writer));
    }

    public static byte[] bytes(Writer writer) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(4096);
        try (com.fasterxml.jackson.core.JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            writer.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static byte[] bytes(Object body) {
        try {
            return MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + body.getClass().getName(), e);
        }
    }

    /** The 400 for a body that is not JSON, with the parser's reason (first line, no source excerpt). */
    private static final java.util.regex.Pattern UNRECOGNIZED = java.util.regex.Pattern.compile("^Unrecognized token '.*?'");

    public static ApiException notJson(IOException e) {
        String reason = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        reason = reason == null ? "" : reason.lines().findFirst().orElse("");
        // The parser quotes the word it stumbled on, which may be an unquoted secret: say where instead.
        reason = UNRECOGNIZED.matcher(reason).replaceFirst("Unrecognized token");
        String at = e instanceof JsonProcessingException j && j.getLocation() != null && j.getLocation().getLineNr() > 0
                ? " (line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr() + ")" : "";
        return ApiException.badRequest("request body is not valid JSON: " + reason + at);
    }

    /**
     * Reads the request body as a JSON tree.
     *
     * @throws ApiException 400 naming the problem when the body is empty or not JSON
     */
    public static JsonNode read(ServerRequest req) {
        byte[] body = Bodies.read(req);
        if (body.length == 0) {
            throw ApiException.badRequest("request body is empty; expected JSON");
        }
        try {
            return BODY.readTree(body);
        } catch (JsonProcessingException e) {
            throw notJson(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
