package io.sipwake.sip.transport;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open, ready connections, by id and by (transport, remote address). Thread-safe: written on
 * event loops, read by any sending thread.
 */
final class ConnectionRegistry {
    private record Key(Transport transport, InetSocketAddress remote) {}

    private final ConcurrentHashMap<Long, Connection> byId = new ConcurrentHashMap<>();
    // usually one connection per remote; a short copy-on-write list covers the rest
    private final ConcurrentHashMap<Key, List<Connection>> byRemote = new ConcurrentHashMap<>();

    void add(Connection c) {
        byId.put(c.id(), c);
        byRemote.compute(new Key(c.transport(), c.remote()), (k, list) -> {
            List<Connection> copy = list == null ? new ArrayList<>(1) : new ArrayList<>(list);
            copy.add(c);
            return List.copyOf(copy);
        });
    }

    /** Removes {@code c}; returns false when it was not registered. */
    boolean remove(Connection c) {
        if (!byId.remove(c.id(), c)) return false;
        byRemote.computeIfPresent(new Key(c.transport(), c.remote()), (k, list) -> {
            List<Connection> copy = new ArrayList<>(list);
            copy.remove(c);
            return copy.isEmpty() ? null : List.copyOf(copy);
        });
        return true;
    }

    /** The connection {@code flow} names, or (connection id 0) the newest open one to its remote; null when none. */
    Connection find(Flow flow) {
        if (flow.connectionId() == 0) return newest(flow.transport(), flow.remote());
        Connection c = byId.get(flow.connectionId());
        // a flow token may outlive a restart: never let a stale id select another peer's connection
        return c != null && c.matches(flow) && c.isOpen() ? c : null;
    }

    /** The newest open connection to {@code remote} over {@code transport}, or null. */
    Connection newest(Transport transport, InetSocketAddress remote) {
        List<Connection> list = byRemote.get(new Key(transport, remote));
        if (list == null) return null;
        for (int i = list.size() - 1; i >= 0; i--) {
            Connection c = list.get(i);
            if (c.isOpen()) return c;
        }
        return null;
    }

    Collection<Connection> all() {
        return List.copyOf(byId.values());
    }

    int size() {
        return byId.size();
    }
}
