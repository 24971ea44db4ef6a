package dev.watchpost.jda;

import dev.watchpost.client.State;
import net.dv8tion.jda.api.JDA;

/**
 * The Watchpost state of a shard in a JDA status. Reconnecting walks through the same connecting
 * statuses as the first login, so whether the shard has been connected before tells a start from
 * a resume.
 */
final class ShardStates {

    private ShardStates() {
    }

    /**
     * @param status          the shard's JDA status
     * @param connectedBefore whether this shard (this JDA instance) has been {@code CONNECTED} before
     * @return the state to report, or null for a status this hook does not know (a newer JDA): the
     *         reported state is then kept
     */
    static State of(JDA.Status status, boolean connectedBefore) {
        if (status == null) {
            return null;
        }
        switch (status) {
            case INITIALIZING:
            case INITIALIZED:
            case LOGGING_IN:
            case CONNECTING_TO_WEBSOCKET:
            case IDENTIFYING_SESSION:
            case AWAITING_LOGIN_CONFIRMATION:
            case LOADING_SUBSYSTEMS:
                return connectedBefore ? State.RESUMING : State.STARTING;
            case CONNECTED:
                return State.ONLINE;
            case DISCONNECTED:
            case RECONNECT_QUEUED:
            case WAITING_TO_RECONNECT:
            case ATTEMPTING_TO_RECONNECT:
                return State.RESUMING;
            case SHUTTING_DOWN:
            case SHUTDOWN:
                return State.STOPPING;
            case FAILED_TO_LOGIN:
                return State.DOWN;
            default:
                return null;
        }
    }
}
