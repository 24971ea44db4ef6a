package dev.watchpost.alert;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every channel and rule in force, compiled and checked against each other; immutable, swapped
 * whole on every change so the transition writer reads it without locks.
 *
 * @param channels        by id, in declaration order
 * @param rules           by id, in declaration order
 * @param managedByConfig ids (channels and rules) the config file declares: the API cannot change them
 */
record Routing(Map<String, Channel> channels, Map<String, Rule> rules, Set<String> managedByConfig) {

    static final Routing EMPTY = new Routing(Map.of(), Map.of(), Set.of());

    Routing {
        channels = Collections.unmodifiableMap(new LinkedHashMap<>(channels));
        rules = Collections.unmodifiableMap(new LinkedHashMap<>(rules));
        managedByConfig = Set.copyOf(managedByConfig);
    }

    /**
     * Checks that every channel a rule names exists and can take what the rule sends.
     *
     * @throws IllegalArgumentException naming the rule and the channel
     */
    Routing validate() {
        for (Rule r : rules.values()) {
            for (String c : r.notifies()) {
                if (!channels.containsKey(c)) {
                    throw new IllegalArgumentException("rule '" + r.id() + "' notifies channel '" + c + "', which does not exist");
                }
            }
            if (r.digest().isPresent()) {
                for (String c : r.digest().get().notifies()) {
                    Channel ch = channels.get(c);
                    if (ch == null) {
                        throw new IllegalArgumentException("rule '" + r.id() + "': digest notifies channel '" + c
                                + "', which does not exist");
                    }
                    if (ch.settings() instanceof Channel.PagerDuty) {
                        throw new IllegalArgumentException("rule '" + r.id() + "': a digest cannot go to PagerDuty channel '"
                                + c + "' (incidents there open and resolve per target)");
                    }
                }
            }
        }
        return this;
    }

    /** Rules that alert on transitions, in declaration order. */
    List<Rule> alerting() {
        List<Rule> out = new ArrayList<>();
        for (Rule r : rules.values()) {
            if (r.alerts()) {
                out.add(r);
            }
        }
        return out;
    }

    Optional<Channel> channel(String id) {
        return Optional.ofNullable(channels.get(id));
    }

    Optional<Rule> rule(String id) {
        return Optional.ofNullable(rules.get(id));
    }

    Routing withChannel(Channel c) {
        Map<String, Channel> m = new LinkedHashMap<>(channels);
        m.put(c.id(), c);
        return new Routing(m, rules, managedByConfig);
    }

    Routing withoutChannel(String id) {
        Map<String, Channel> m = new LinkedHashMap<>(channels);
        m.remove(id);
        return new Routing(m, rules, managedByConfig);
    }

    Routing withRule(Rule r) {
        Map<String, Rule> m = new LinkedHashMap<>(rules);
        m.put(r.id(), r);
        return new Routing(channels, m, managedByConfig);
    }

    Routing withoutRule(String id) {
        Map<String, Rule> m = new LinkedHashMap<>(rules);
        m.remove(id);
        return new Routing(channels, m, managedByConfig);
    }

    /** Rules that send to channel {@code id}. */
    List<String> rulesUsing(String channelId) {
        return rules.values().stream().filter(r -> r.channels().contains(channelId)).map(Rule::id).toList();
    }
}
