package io.sipwake.proxy.registrar;

import java.util.Set;

/**
 * Registrar policy (RFC 3261 §10.3).
 *
 * @param domains         domains this registrar is responsible for, lower case; empty means any domain
 * @param minExpires      shortest registration accepted, seconds; shorter ones get 423 with Min-Expires
 * @param defaultExpires  expiry used when the REGISTER gives none, seconds
 * @param maxExpires      longest expiry granted, seconds; longer requests are shortened
 * @param requireAuth     whether REGISTERs must pass digest authentication
 */
public record RegistrarSettings(Set<String> domains, int minExpires, int defaultExpires, int maxExpires, boolean requireAuth) {
    public static final RegistrarSettings DEFAULT = new RegistrarSettings(Set.of(), 60, 3600, 86_400, true);

    public RegistrarSettings {
        domains = Set.copyOf(domains);
        if (minExpires < 1 || defaultExpires < minExpires || maxExpires < defaultExpires) {
            throw new IllegalArgumentException("need 1 <= min-expires <= default-expires <= max-expires, got "
                    + minExpires + ", " + defaultExpires + ", " + maxExpires);
        }
    }

    public boolean servesDomain(String host) {
        return domains.isEmpty() || domains.contains(host.toLowerCase(java.util.Locale.ROOT));
    }
}
