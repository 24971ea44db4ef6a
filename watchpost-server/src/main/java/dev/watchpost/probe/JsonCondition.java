package dev.watchpost.probe;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A condition on a JSON response body, in a small dotted-path subset of JSONPath.
 *
 * <pre>
 * condition := path [ op literal ]
 * path      := "$" step*
 * step      := "." name | "[" index "]" | "[" quoted "]"
 * name      := letter-or-underscore { letter | digit | "_" | "-" }
 * index     := digit+                                  (0-based array index)
 * op        := "==" | "!=" | "&lt;" | "&lt;=" | "&gt;" | "&gt;="
 * literal   := quoted | number | "true" | "false" | "null"
 * quoted    := '"' ... '"' or "'" ... "'"  (backslash escapes the next character)
 * </pre>
 *
 * Examples: {@code $.status == "ok"}, {@code $.items[0].ready == true}, {@code $.queue.depth < 100},
 * {@code $["content-type"] != null}, {@code $.ready} (without an operator: the value exists and is
 * neither {@code null} nor {@code false}).
 *
 * <p>Semantics: a missing path fails ("$.status not found"). Numbers compare by value
 * ({@code 1 == 1.0}); {@code <}, {@code <=}, {@code >}, {@code >=} need a number on both sides;
 * {@code ==} and {@code !=} compare type and value (the string "1" is not the number 1). No
 * wildcards, filters, slices or recursive descent. Immutable and thread-safe.
 */
final class JsonCondition {

    private enum Op {
        EQ("=="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">=");

        final String text;

        Op(String text) {
            this.text = text;
        }
    }

    /** A path step: a field name or an array index. */
    private record Step(String name, int index) {
        static Step field(String name) {
            return new Step(name, -1);
        }

        static Step index(int index) {
            return new Step(null, index);
        }
    }

    /** A literal: exactly one of text/number/bool is set, or all are null for JSON null. */
    private record Literal(String text, BigDecimal number, Boolean bool, String source) {
    }

    private final String expression;
    private final String path;
    private final List<Step> steps;
    private final Op op;
    private final Literal literal;

    private JsonCondition(String expression, String path, List<Step> steps, Op op, Literal literal) {
        this.expression = expression;
        this.path = path;
        this.steps = List.copyOf(steps);
        this.op = op;
        this.literal = literal;
    }

    /**
     * Parses an expression.
     *
     * @throws IllegalArgumentException naming the position and what was expected
     */
    public static JsonCondition parse(String expression) {
        Objects.requireNonNull(expression, "expression");
        return new Parser(expression.strip()).parse();
    }

    /** The path part, e.g. {@code $.items[0].ready}, as written in reasons. */
    String pathText() {
        return path;
    }

    /**
     * Evaluates against a parsed body.
     *
     * @return empty when the condition holds, else a short reason ("$.status is \"down\", expected == \"ok\"")
     */
    public Optional<String> failure(JsonNode root) {
        JsonNode node = root;
        for (Step s : steps) {
            node = s.name() != null ? (node.isObject() ? node.get(s.name()) : null)
                    : (node.isArray() ? node.get(s.index()) : null);
            if (node == null) {
                return Optional.of(pathText() + " not found");
            }
        }
        if (op == null) {
            return node.isNull() || (node.isBoolean() && !node.booleanValue())
                    ? Optional.of(pathText() + " is " + show(node)) : Optional.empty();
        }
        boolean holds = switch (op) {
            case EQ -> equal(node);
            case NE -> !equal(node);
            default -> {
                if (!node.isNumber() || literal.number() == null) {
                    yield false;
                }
                int c = node.decimalValue().compareTo(literal.number());
                yield switch (op) {
                    case LT -> c < 0;
                    case LE -> c <= 0;
                    case GT -> c > 0;
                    default -> c >= 0;
                };
            }
        };
        return holds ? Optional.empty()
                : Optional.of(pathText() + " is " + show(node) + ", expected " + op.text + " " + literal.source());
    }

    private boolean equal(JsonNode node) {
        if (literal.text() != null) {
            return node.isTextual() && node.textValue().equals(literal.text());
        }
        if (literal.number() != null) {
            return node.isNumber() && node.decimalValue().compareTo(literal.number()) == 0;
        }
        if (literal.bool() != null) {
            return node.isBoolean() && node.booleanValue() == literal.bool();
        }
        return node.isNull();
    }

    private static String show(JsonNode node) {
        String s = node.toString();
        return s.length() <= 40 ? s : s.substring(0, 39) + "…";
    }

    @Override
    public String toString() {
        return expression;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JsonCondition c && c.expression.equals(expression);
    }

    @Override
    public int hashCode() {
        return expression.hashCode();
    }

    private static final class Parser {
        private final String s;
        private int i;

        Parser(String s) {
            this.s = s;
        }

        JsonCondition parse() {
            if (!s.startsWith("$")) {
                throw error("expected '$' at the start");
            }
            i = 1;
            List<Step> steps = new ArrayList<>();
            while (i < s.length() && (s.charAt(i) == '.' || s.charAt(i) == '[')) {
                if (s.charAt(i) == '.') {
                    i++;
                    int start = i;
                    while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_'
                            || (s.charAt(i) == '-' && i > start))) {
                        i++;
                    }
                    if (start == i || Character.isDigit(s.charAt(start))) {
                        throw error("expected a field name");
                    }
                    steps.add(Step.field(s.substring(start, i)));
                } else {
                    i++;
                    if (i < s.length() && (s.charAt(i) == '"' || s.charAt(i) == '\'')) {
                        steps.add(Step.field(quoted()));
                    } else {
                        int start = i;
                        while (i < s.length() && Character.isDigit(s.charAt(i))) {
                            i++;
                        }
                        if (start == i || i - start > 9) {
                            throw error("expected an array index or a quoted name");
                        }
                        steps.add(Step.index(Integer.parseInt(s.substring(start, i))));
                    }
                    expect(']');
                }
            }
            int pathEnd = i;
            skipSpace();
            if (i == s.length()) {
                return new JsonCondition(s, s.substring(0, pathEnd), steps, null, null);
            }
            Op op = operator();
            skipSpace();
            Literal literal = literal();
            skipSpace();
            if (i != s.length()) {
                throw error("unexpected text after the value");
            }
            return new JsonCondition(s, s.substring(0, pathEnd), steps, op, literal);
        }

        private Op operator() {
            for (Op op : new Op[] {Op.EQ, Op.NE, Op.LE, Op.GE, Op.LT, Op.GT}) {
                if (s.startsWith(op.text, i)) {
                    i += op.text.length();
                    return op;
                }
            }
            throw error("expected an operator (== != < <= > >=) or the end");
        }

        private Literal literal() {
            int start = i;
            if (i < s.length() && (s.charAt(i) == '"' || s.charAt(i) == '\'')) {
                String text = quoted();
                return new Literal(text, null, null, s.substring(start, i));
            }
            while (i < s.length() && !Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            String word = s.substring(start, i);
            switch (word) {
                case "true", "false" -> {
                    return new Literal(null, null, Boolean.valueOf(word), word);
                }
                case "null" -> {
                    return new Literal(null, null, null, word);
                }
                default -> {
                    try {
                        return new Literal(null, new BigDecimal(word), null, word);
                    } catch (NumberFormatException e) {
                        i = start;
                        throw error("expected a quoted string, a number, true, false or null");
                    }
                }
            }
        }

        private String quoted() {
            char q = s.charAt(i++);
            StringBuilder b = new StringBuilder();
            while (i < s.length() && s.charAt(i) != q) {
                char c = s.charAt(i++);
                if (c == '\\' && i < s.length()) {
                    c = s.charAt(i++);
                }
                b.append(c);
            }
            expect(q);
            return b.toString();
        }

        private void expect(char c) {
            if (i >= s.length() || s.charAt(i) != c) {
                throw error("expected '" + c + "'");
            }
            i++;
        }

        private void skipSpace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("json condition '" + s + "': " + what + " at position " + i);
        }
    }
}
