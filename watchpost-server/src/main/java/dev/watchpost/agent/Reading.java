package dev.watchpost.agent;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One sample of the host's load, each a share in use in percent (0–100): CPU time over the last
 * sampling window, memory, and the file system that holds the agent's disk path.
 */
record Reading(double cpu, double memory, double disk) {

    Reading {
        cpu = percent(cpu, "cpu");
        memory = percent(memory, "memory");
        disk = percent(disk, "disk");
    }

    /**
     * Counters read a moment apart can overshoot the range by a hair, so values outside 0–100 are
     * clamped; a value that is not a number at all is a bug in the arithmetic and refused.
     */
    private static double percent(double value, String name) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be a finite percentage, got " + value);
        }
        return Math.clamp(value, 0.0, 100.0);
    }

    /** The answer of the Platypus contract: {@code {"cpu":6.0,"memory":38.2,"disk":8.0}}, one decimal. */
    Map<String, Object> json() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("cpu", oneDecimal(cpu));
        body.put("memory", oneDecimal(memory));
        body.put("disk", oneDecimal(disk));
        return body;
    }

    static double oneDecimal(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
