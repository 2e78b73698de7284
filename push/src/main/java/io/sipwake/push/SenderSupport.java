package io.sipwake.push;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Small helpers the push senders share. */
public final class SenderSupport {
    private SenderSupport() {}

    /** A value from the network (a provider's error text, a URL), safe for one log line: no control characters, at most 100 characters. */
    public static String printable(String s) {
        if (s == null) return null;
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() <= 100 ? clean : clean.substring(0, 100) + "…";
    }

    /** Daemon threads named {@code <prefix>-1}, {@code <prefix>-2}...: a sender's threads never keep the JVM alive. */
    public static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
