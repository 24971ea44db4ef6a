package dev.watchpost.web;

import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRoute;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;

import java.util.ArrayList;
import java.util.List;

/**
 * Every route the features register, as method and path pattern, in registration order: what the
 * auth matrix and the fuzzer walk, so a route added tomorrow is covered without anyone listing it.
 * Made by letting each service declare its routes once more into rules that only write them down.
 */
public final class RouteTable {

    /** One route; {@code method} is {@code *} for a route that takes every method. */
    public record Route(String method, String path) {

        /** Whether requests to this route may change something. */
        public boolean mutating() {
            return !(method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS"));
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private final List<Route> routes;

    private RouteTable(List<Route> routes) {
        this.routes = List.copyOf(routes);
    }

    static RouteTable of(List<HttpService> services) {
        List<Route> out = new ArrayList<>();
        Recorder r = new Recorder(out, "");
        services.forEach(s -> s.routing(r));
        return new RouteTable(out);
    }

    public List<Route> routes() {
        return routes;
    }

    /** Rules that record instead of routing; handlers are dropped. */
    private static final class Recorder implements HttpRules {
        private final List<Route> out;
        private final String prefix;

        Recorder(List<Route> out, String prefix) {
            this.out = out;
            this.prefix = prefix;
        }

        @Override
        public HttpRules register(HttpService... services) {
            for (HttpService s : services) {
                s.routing(this);
            }
            return this;
        }

        @Override
        public HttpRules register(String pathPattern, HttpService... services) {
            Recorder nested = new Recorder(out, prefix + pathPattern);
            for (HttpService s : services) {
                s.routing(nested);
            }
            return this;
        }

        @Override
        public HttpRules route(HttpRoute route) {
            throw new UnsupportedOperationException("a route built by hand cannot be listed; use get/post/put/delete/any");
        }

        @Override
        public HttpRules route(Method method, String pathPattern, Handler handler) {
            out.add(new Route(method.text(), prefix + pathPattern));
            return this;
        }

        @Override
        public HttpRules any(String pathPattern, Handler... handlers) {
            out.add(new Route("*", prefix + pathPattern));
            return this;
        }

        @Override
        public HttpRules any(Handler... handlers) {
            out.add(new Route("*", prefix + "/*"));
            return this;
        }
    }
}
