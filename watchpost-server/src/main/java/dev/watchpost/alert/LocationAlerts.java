package dev.watchpost.alert;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * "Location lost" and "location back" alerts to the channels, done like "never reported": a lost
 * remote location raises one alert per rule that takes {@code on: down} and selects at least one
 * target checked from it, and per channel of that rule (not PagerDuty: these alerts neither remind
 * nor resolve an incident there), once across restarts and cluster nodes (the dedup key
 * {@code l:<rule>:<location>:<channel>}, free again once the alert ends). When the location is heard
 * from again its open alerts end: one "location back" to each channel that got the loss, or, when
 * the loss was still held (the start-up grace) and never tried, taken back quietly.
 *
 * <p>The outbox is read only when a location becomes live (back, or first heard since this server
 * started, which also ends what a previous run left open), never every round. Engine thread only.
 */
final class LocationAlerts {

    /** The engine's logger: to whoever reads or filters the log, these alerts are the alert engine's. */
    private static final Logger LOG = LoggerFactory.getLogger(AlertEngine.class);

    /** The alert's target: no target or group id has a ':', so it cannot collide with one. */
    static final String PREFIX = "location:";

    private final Outbox outbox;
    private final Supplier<Routing> routing;
    private final Supplier<Function<String, Set<String>>> tagSource;
    private final Instant graceEnd;
    private volatile LocationSource source = LocationSource.NONE;
    /** Lost locations this run raised alerts for (engine thread only). */
    private final Set<String> raised = new HashSet<>();
    /** Live locations at the previous round (engine thread only). */
    private Set<String> live = Set.of();

    LocationAlerts(Outbox outbox, Supplier<Routing> routing, Supplier<Function<String, Set<String>>> tagSource, Instant graceEnd) {
        this.outbox = outbox;
        this.routing = routing;
        this.tagSource = tagSource;
        this.graceEnd = graceEnd;
    }

    void from(LocationSource source) {
        this.source = Objects.requireNonNull(source, "source");
    }

    /** One round: raise what was lost since the last, end what is back. */
    void round(Instant now) {
        LocationSource s = source;
        Map<String, Instant> lost = new TreeMap<>(s.lost(now));
        lost.forEach((location, lastHeard) -> {
            if (!raised.contains(location)) {
                raise(location, lastHeard, s.checkedFrom(location), now);
                raised.add(location); // only once written: a round that failed on the database tries again
            }
        });
        raised.retainAll(lost.keySet());
        Set<String> liveNow = Set.copyOf(s.live(now));
        if (!live.containsAll(liveNow)) {
            end(liveNow, s, now);
        }
        live = liveNow;
    }

    private void raise(String location, Instant lastHeard, List<LocationSource.Checked> checked, Instant now) {
        if (checked.isEmpty()) {
            return;
        }
        Routing r = routing.get();
        Function<String, Set<String>> tags = tagSource.get();
        String body = Texts.locationBody(new Texts.LocationBody(location, checked.size(), Optional.empty()));
        for (Rule rule : r.alerting()) {
            if (!rule.takes(Event.LOCATION_LOST)
                    || checked.stream().noneMatch(c -> rule.matches(c.id(), c.groupId(), tags.apply(c.id())))) {
                continue;
            }
            for (String channel : rule.notifies()) {
                Optional<Channel> ch = r.channel(channel);
                if (ch.isEmpty() || ch.get().settings() instanceof Channel.PagerDuty) {
                    continue;
                }
                long id = outbox.insert(new Alert.New(channel, rule.id(), PREFIX + location, Event.LOCATION_LOST, null, null,
                        lastHeard, "", body, Policy.dueAt(now, Duration.ZERO, graceEnd), true, null,
                        "l:" + rule.id() + ":" + location + ":" + channel), now);
                if (id >= 0) {
                    LOG.warn("event=alert.location_lost rule={} location={} channel={} targets={}", rule.id(), location, channel,
                            checked.size());
                }
            }
        }
    }

    /** Ends the open "location lost" alerts of the locations live now. */
    private void end(Set<String> liveNow, LocationSource s, Instant now) {
        for (Alert a : outbox.openLocationProblems(1_000)) {
            Texts.LocationBody lost = Texts.location(a);
            if (!liveNow.contains(lost.location())) {
                continue;
            }
            String body = Texts.locationBody(new Texts.LocationBody(lost.location(),
                    s.checkedFrom(lost.location()).size(), Optional.of(a.at())));
            Alert.New back = new Alert.New(a.channelId(), a.ruleId(), PREFIX + lost.location(), Event.LOCATION_BACK, null, null,
                    now, "", body, Policy.dueAt(now, Duration.ZERO, graceEnd), false, null, "lb:" + a.id());
            switch (outbox.endLocationProblem(a.id(), back, now)) {
                case TAKEN_BACK -> LOG.info("event=alert.location_lost_taken_back rule={} location={} channel={} "
                        + "hint=\"back before its alert was sent\"", a.ruleId(), lost.location(), a.channelId());
                case BACK -> LOG.info("event=alert.location_back rule={} location={} channel={}", a.ruleId(), lost.location(),
                        a.channelId());
                case ENDED -> {
                    // another node of the cluster ended it first, and wrote its "back"
                }
            }
        }
    }
}
