package dev.watchpost.alert;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts each channel's delivery attempts by result. Channels are few (declared by operators), so a
 * counter per channel and result is bounded; ids and kinds are names, never the channel's secrets
 * (its URL, token or address).
 */
interface DeliveryMeter {

    /** One request to {@code channel} that delivered its alerts. */
    void delivered(Channel channel);

    /** One request to {@code channel} that failed (it is retried later, and counted again then). */
    void failed(Channel channel);

    /** Counts nothing: until {@link AlertEngine#countDeliveriesIn} is called. */
    DeliveryMeter NONE = new DeliveryMeter() {
        @Override
        public void delivered(Channel channel) {
        }

        @Override
        public void failed(Channel channel) {
        }
    };

    /** Counters {@code watchpost_alert_deliveries_total{channel,kind,result}} in {@code meters}. */
    static DeliveryMeter of(MeterRegistry meters) {
        return new DeliveryMeter() {
            @Override
            public void delivered(Channel channel) {
                counter(channel, "delivered").increment();
            }

            @Override
            public void failed(Channel channel) {
                counter(channel, "failed").increment();
            }

            // Registering an existing meter returns it: one lookup per request, which is rare next to its network time.
            private Counter counter(Channel c, String result) {
                return Counter.builder("watchpost.alert.deliveries").tag("channel", c.id()).tag("kind", c.kind())
                        .tag("result", result)
                        .description("Requests that delivered alerts to a channel, or failed to (each retry counts again)")
                        .register(meters);
            }
        };
    }
}
