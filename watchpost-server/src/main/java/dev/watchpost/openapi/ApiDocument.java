package dev.watchpost.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The OpenAPI 3.1 document of the HTTP API ({@code src/main/resources/openapi/openapi.yaml}), read
 * once: kept by hand as YAML because it is reviewed like code (comments, short diffs), served as
 * JSON because that is what tools fetch. OpenApiDocumentTest holds it to the routes the server
 * really registers and to the answers it really gives.
 */
public final class ApiDocument {

    /** Where the document lives on the class path. */
    public static final String RESOURCE = "/openapi/openapi.yaml";

    static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    private final JsonNode tree;
    private final byte[] json;

    private ApiDocument(JsonNode tree, byte[] json) {
        this.tree = tree;
        this.json = json;
    }

    /** @throws IllegalStateException when the resource is missing or is not YAML */
    public static ApiDocument load() {
        try (InputStream in = ApiDocument.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the API document " + RESOURCE + " is not on the class path");
            }
            JsonNode tree = new ObjectMapper(new YAMLFactory()).readTree(in);
            return new ApiDocument(tree, new ObjectMapper().writeValueAsBytes(tree));
        } catch (IOException e) {
            throw new UncheckedIOException("the API document " + RESOURCE + " cannot be read", e);
        }
    }

    /** The document as a tree (read-only by convention: it is shared). */
    public JsonNode tree() {
        return tree;
    }

    /** The document as JSON, what {@code GET /api/v1/openapi.json} sends; shared, not to be changed. */
    byte[] jsonShared() {
        return json;
    }

    /** One operation as the page lists it. */
    record Operation(String method, String path, String tag, String summary, String access,
                     List<Parameter> parameters, String requestBody, List<Answer> answers) {
        String anchor() {
            return (method + path).toLowerCase().replaceAll("[^a-z0-9]+", "-");
        }
    }

    record Parameter(String name, String in, boolean required, String schema, String description) {
    }

    record Answer(String status, String description, String schema) {
    }

    record Schema(String name, String json) {
    }

    /** What the rendered page shows, in the document's order. */
    record Page(String title, String version, String description, List<Operation> operations, List<Schema> schemas) {
    }

    Page page() {
        List<Operation> ops = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> p = tree.path("paths").fields(); p.hasNext(); ) {
            Map.Entry<String, JsonNode> path = p.next();
            List<JsonNode> shared = list(path.getValue().path("parameters"));
            for (Iterator<Map.Entry<String, JsonNode>> m = path.getValue().fields(); m.hasNext(); ) {
                Map.Entry<String, JsonNode> e = m.next();
                if (!METHODS.contains(e.getKey())) {
                    continue;
                }
                JsonNode op = e.getValue();
                List<Parameter> params = new ArrayList<>();
                List<JsonNode> all = new ArrayList<>(shared);
                all.addAll(list(op.path("parameters")));
                for (JsonNode raw : all) {
                    JsonNode prm = resolve(raw);
                    params.add(new Parameter(prm.path("name").asText(), prm.path("in").asText(),
                            prm.path("required").asBoolean(), compact(prm.path("schema")), prm.path("description").asText("")));
                }
                List<Answer> answers = new ArrayList<>();
                for (Iterator<Map.Entry<String, JsonNode>> r = op.path("responses").fields(); r.hasNext(); ) {
                    Map.Entry<String, JsonNode> a = r.next();
                    JsonNode res = resolve(a.getValue());
                    answers.add(new Answer(a.getKey(), res.path("description").asText(""), firstSchema(res)));
                }
                JsonNode body = resolve(op.path("requestBody"));
                ops.add(new Operation(e.getKey().toUpperCase(), path.getKey(), op.path("tags").path(0).asText(""),
                        op.path("summary").asText(""), access(op), params, body.isMissingNode() ? "" : firstSchema(body), answers));
            }
        }
        List<Schema> schemas = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> s = tree.path("components").path("schemas").fields(); s.hasNext(); ) {
            Map.Entry<String, JsonNode> e = s.next();
            schemas.add(new Schema(e.getKey(), e.getValue().toPrettyString()));
        }
        JsonNode info = tree.path("info");
        return new Page(info.path("title").asText(), info.path("version").asText(), info.path("description").asText(""), ops, schemas);
    }

    /** "open", "admin", "read (or open)", ...: who may call, from the operation's security requirements. */
    private String access(JsonNode op) {
        JsonNode security = op.has("security") ? op.get("security") : tree.path("security");
        List<String> ways = new ArrayList<>();
        for (JsonNode requirement : security) {
            if (requirement.isEmpty()) {
                ways.add("open");
            }
            for (Iterator<Map.Entry<String, JsonNode>> r = requirement.fields(); r.hasNext(); ) {
                Map.Entry<String, JsonNode> e = r.next();
                ways.add(e.getValue().isEmpty() ? e.getKey() : e.getKey() + " " + e.getValue().path(0).asText());
            }
        }
        return ways.isEmpty() ? "open" : String.join(" or ", ways);
    }

    private JsonNode resolve(JsonNode node) {
        String ref = node.path("$ref").asText("");
        return ref.startsWith("#/") ? tree.at(ref.substring(1)) : node;
    }

    private static String firstSchema(JsonNode withContent) {
        for (Iterator<Map.Entry<String, JsonNode>> c = withContent.path("content").fields(); c.hasNext(); ) {
            Map.Entry<String, JsonNode> e = c.next();
            return e.getKey() + " " + compact(e.getValue().path("schema"));
        }
        return "";
    }

    /** A schema in one line; a reference by its name. */
    private static String compact(JsonNode schema) {
        String ref = schema.path("$ref").asText("");
        if (!ref.isEmpty()) {
            return ref.substring(ref.lastIndexOf('/') + 1);
        }
        return schema.isMissingNode() ? "" : schema.toString();
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }
}
