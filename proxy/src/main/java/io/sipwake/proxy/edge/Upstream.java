package io.sipwake.proxy.edge;

import io.sipwake.sip.message.SipUri;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A registrar/PBX sipwake stands in front of (edge mode): phones of its {@code domains} register
 * through sipwake, which forwards their REGISTERs to {@code uri}.
 *
 * @param uri               where REGISTERs and the phones' calls go (its transport parameter picks the transport)
 * @param domains           AOR domains it serves, lower case; empty means every domain
 * @param mode              how calls for the phones come back through sipwake
 * @param rejectUnsupported answer 555 to a REGISTER naming a push provider sipwake lacks, because local
 *                          configuration knows the upstream cannot push either (RFC 8599 §5.6.1.1); else forward it
 * @param addresses         the upstream's IP addresses, to tell requests it sends from those of phones; empty
 *                          when its host is a name that was not resolved
 */
public record Upstream(SipUri uri, Set<String> domains, Mode mode, boolean rejectUnsupported, List<InetAddress> addresses) {

    /** How the upstream sends calls for a phone back through sipwake. */
    public enum Mode {
        /**
         * RFC 3327: sipwake adds a {@code Path} naming itself (with the device's key) to the REGISTER, and the
         * registrar routes requests for the phone through it. The upstream sees the phone's Contact, push
         * parameters included.
         */
        PATH,
        /**
         * The Contact sent upstream is {@code sip:<key>@sipwake}: any registrar works, and it never sees the push
         * parameters (RFC 8599 §13).
         */
        CONTACT_REWRITE;

        /** {@code path} or {@code contact-rewrite}. */
        public static Mode fromConfig(String name) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "path" -> PATH;
                case "contact-rewrite" -> CONTACT_REWRITE;
                default -> throw new IllegalArgumentException("unknown edge mode " + name + " (path or contact-rewrite)");
            };
        }
    }

    public Upstream {
        domains = Set.copyOf(domains);
        addresses = List.copyOf(addresses);
    }

    /** Whether this upstream is the registrar of AORs in {@code domain}. */
    public boolean serves(String domain) {
        return domains.isEmpty() || domains.contains(domain.toLowerCase(Locale.ROOT));
    }

    /** Whether a message from {@code address} came from this upstream. */
    public boolean isAt(InetAddress address) {
        return addresses.contains(address);
    }

    @Override
    public String toString() {
        return uri + " (" + mode.name().toLowerCase(Locale.ROOT).replace('_', '-') + ")";
    }
}
