package dev.watchpost.live;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Writes rows that must commit together with a batch of transitions (the alerts' outbox), inside
 * the transaction that records them, on the transition writer's thread.
 *
 * <p>Called with every batch, in order, before the commit; the batch is announced to
 * {@link TransitionListener}s only after it. An {@link SQLException} rolls the whole batch back and
 * the writer retries it with back-off, calling this again with the same batch. It must not block on
 * anything but this connection (no network). A runtime exception (a bug: it would fail every retry
 * alike) is logged and the batch commits without this writer's rows.
 */
@FunctionalInterface
public interface TransitionWriter {
    void write(Connection connection, List<Transition> batch) throws SQLException;
}
