package io.sipwake.proxy.push;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * PURRs of RFC 8599 §6.2.1: for each push binding, an unforgeable, anonymous, unlinkable reference
 * (128 random bits) that the phone may put in dialogs as {@code pn-purr}. A binding gets a new PURR
 * once its current one is older than the rotation period ("the proxy MUST periodically generate a
 * new PURR value", against fingerprinting); old PURRs stay resolvable for {@code retention} so that
 * dialogs that use them keep working.
 *
 * <p>Thread-safe, lock-free. Held in memory: after a restart phones get new PURRs with their next
 * REGISTER, and mid-dialog pushes for dialogs older than the restart are not possible.
 */
public final class PurrRegistry {
    /** What a PURR names: the binding it was issued for. */
    public record Owner(String aor, String bindingKey) {}

    private record Issued(String purr, long issuedAtMillis) {}

    private record Entry(Owner owner, long issuedAtMillis) {}

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock;
    private final long rotationMillis;
    private final long retentionMillis;
    private final Map<Owner, Issued> current = new ConcurrentHashMap<>();
    private final Map<String, Entry> byPurr = new ConcurrentHashMap<>();

    public PurrRegistry(Clock clock, Duration rotation, Duration retention) {
        if (retention.compareTo(rotation) < 0) throw new IllegalArgumentException("PURR retention must not be shorter than rotation");
        this.clock = clock;
        this.rotationMillis = rotation.toMillis();
        this.retentionMillis = retention.toMillis();
    }

    /** The binding's current PURR, issuing a new one when there is none or it is due for rotation. */
    public String purrFor(String aor, String bindingKey) {
        long now = clock.millis();
        Owner owner = new Owner(aor, bindingKey);
        Issued issued = current.compute(owner, (k, old) -> old != null && now - old.issuedAtMillis() < rotationMillis ? old : issue(k, now));
        return issued.purr();
    }

    private Issued issue(Owner owner, long now) {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        String purr = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        byPurr.put(purr, new Entry(owner, now));
        return new Issued(purr, now);
    }

    /** The binding a PURR was issued for, while it is retained; null for unknown or expired PURRs. */
    public Owner resolve(String purr) {
        Entry e = byPurr.get(purr);
        if (e == null || clock.millis() - e.issuedAtMillis() > retentionMillis) return null;
        return e.owner();
    }

    /** Forgets PURRs past their retention; returns how many. */
    public int removeExpired() {
        long now = clock.millis();
        int before = byPurr.size();
        byPurr.entrySet().removeIf(e -> now - e.getValue().issuedAtMillis() > retentionMillis);
        current.entrySet().removeIf(e -> now - e.getValue().issuedAtMillis() > retentionMillis);
        return before - byPurr.size();
    }
}
