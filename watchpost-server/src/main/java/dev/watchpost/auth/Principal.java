package dev.watchpost.auth;

/**
 * Who made a request.
 *
 * @param tokenId the stored token's id, or 0 for a token from configuration
 * @param name    a label for logs ("config:admin" or the stored token's name); never the token
 */
public record Principal(long tokenId, String name, Scope scope) {
}
