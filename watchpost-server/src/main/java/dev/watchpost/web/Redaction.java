package dev.watchpost.web;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * How secrets are shown to those who may not read them: {@code ***} in place of the value, and for
 * URLs that are themselves secrets (webhooks) only scheme, host and port. One convention for
 * channels and targets alike.
 */
public final class Redaction {

    /** What a hidden value reads as. */
    public static final String MASK = "***";

    private Redaction() {
    }

    /** {@code https://hooks.slack.com/***}: enough to recognise the receiver, nothing of its token. */
    /**
     * A request path as it may be logged: a ping URL carries its target's ping key
     * ({@code /ping/<key>/fail}), which anyone reading the log could then use.
     */
    public static String path(String path) {
        if (!path.startsWith("/ping/")) {
            return path;
        }
        int end = path.indexOf('/', "/ping/".length());
        return "/ping/" + MASK + (end < 0 ? "" : path.substring(end));
    }

    public static String url(String url) {
        try {
            URI u = new URI(url);
            if (u.getScheme() == null || u.getHost() == null) {
                return MASK;
            }
            return u.getScheme() + "://" + u.getHost() + (u.getPort() >= 0 ? ":" + u.getPort() : "") + "/" + MASK;
        } catch (URISyntaxException e) {
            return MASK;
        }
    }

    /** {@code https://***@host/path} for a URL with credentials; anything else as it is. */
    public static String userInfo(String url) {
        try {
            URI u = new URI(url);
            if (u.getRawUserInfo() == null || u.getHost() == null) {
                return url;
            }
            return u.getScheme() + "://" + MASK + "@" + u.getHost() + (u.getPort() >= 0 ? ":" + u.getPort() : "")
                    + (u.getRawPath() == null ? "" : u.getRawPath()) + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        } catch (URISyntaxException e) {
            return url;
        }
    }
}
