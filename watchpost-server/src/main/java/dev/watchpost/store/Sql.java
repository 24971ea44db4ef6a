package dev.watchpost.store;

import java.sql.Connection;
import java.sql.SQLException;

/** Work done with a JDBC connection. */
@FunctionalInterface
public interface Sql<T> {
    T apply(Connection connection) throws SQLException;
}
