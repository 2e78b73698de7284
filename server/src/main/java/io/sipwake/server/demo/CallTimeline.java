package io.sipwake.server.demo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * What the caller and the called phone saw during one demo call, each event with its time since the caller sent
 * the INVITE. Thread-safe: the phone reports from its own thread.
 */
final class CallTimeline {
    /** One event: {@code who} (caller, iPhone, Android) saw {@code what}. */
    record Event(long nanos, String who, String what) {}

    private final long startNanos = System.nanoTime();
    private final List<Event> events = new ArrayList<>();

    synchronized void add(String who, String what) {
        events.add(new Event(System.nanoTime() - startNanos, who, what));
    }

    synchronized List<Event> events() {
        List<Event> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparingLong(Event::nanos));
        return sorted;
    }

    /** Milliseconds from the start to the first event whose text starts with {@code prefix}, or -1. */
    synchronized double millisTo(String who, String prefix) {
        for (Event e : events()) {
            if (e.who().equals(who) && e.what().startsWith(prefix)) return e.nanos() / 1e6;
        }
        return -1;
    }

    static String millis(double ms) {
        return String.format(Locale.ROOT, "%.1f ms", ms);
    }
}
